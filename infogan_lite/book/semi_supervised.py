"""Semi-supervised InfoGAN against the unsupervised recipe (chapter 7b): what a few labels
per class buy, read from the reports that `python -m infogan_lite report` writes.

A semi-supervised run (`TrainConfig.labels_per_class > 0`, Spurr et al., 2017) promises
more than the matched accuracy measures: category k should *be* digit k, so its plain
accuracy (category k read as label k) is the number that counts. The continuous codes get
no labels; whether they still become rotation and width is read from the report's `codes`.
"""
from __future__ import annotations

from ..evaluate import PAPER_ACCURACY
from .time_to_accuracy import time_to_accuracy
from .traits import best_rho

TRAITS = ("slant", "width")



def semi_row(report: dict, threshold: float = PAPER_ACCURACY) -> dict:
    """One run: its labels per class, seed, final matched and plain accuracy of c1, the
    first evaluated step (and training seconds) at which each reached `threshold`, and the
    best |rho| of the continuous codes with slant and with width."""
    cfg, last = report["config"], report["evals"][-1]
    matched = time_to_accuracy(report, threshold, key="accuracy")        # reported, not decided
    plain = time_to_accuracy(report, threshold, key="plain_accuracy")
    return {"labels_per_class": cfg.get("labels_per_class", 0), "seed": cfg["seed"],
            "steps": report["step"], "accuracy": last["accuracy"],
            "plain_accuracy": last["plain_accuracy"],
            "steps_to": matched["steps"], "seconds_to": matched["seconds"],
            "plain_steps_to": plain["steps"], "plain_seconds_to": plain["seconds"],
            **{f"rho_{t}": best_rho(report, t) for t in TRAITS}}


def by_labels(reports) -> dict[int, list[dict]]:
    """`semi_row` of every report, grouped by labels per class (0: unsupervised), seeds sorted."""
    groups: dict[int, list[dict]] = {}
    for r in map(semi_row, reports):
        groups.setdefault(r["labels_per_class"], []).append(r)
    return {k: sorted(v, key=lambda r: r["seed"]) for k, v in sorted(groups.items())}
