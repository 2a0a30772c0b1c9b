"""Fewer steps to 0.95 (chapter 7b): recipe changes against the reference recipe, decided by
the rule fixed before their runs finished (`results/mnist/recipe/README.md`).

A change may alter the batch, so runs are compared by the images they have read
(steps x batch), not by their steps: the budget is the reference runs' length,
TrainConfig's default steps of its default batch.
Every function reads the reports that `python -m infogan_lite report` writes.
"""
from __future__ import annotations

import numpy as np

from ..config import TrainConfig
from ..evaluate import PAPER_ACCURACY
from .selection import validation_at
from .time_to_accuracy import time_to_accuracy

# images: the reference runs' length, TrainConfig's default steps of its default batch
BUDGET = TrainConfig().steps * TrainConfig().batch_size


def images_seen(report: dict, step: int) -> int:
    """How many real images a run had read by `step`: step x batch."""
    return step * report["config"]["batch_size"]


def recipe_row(report: dict, threshold: float = PAPER_ACCURACY, budget: int = BUDGET) -> dict:
    """One run: seed, batch, the images read by its first evaluation with c1's matched
    accuracy on the validation split >= `threshold` (None when none within `budget`), and
    that accuracy where it has read exactly `budget` images. No test label is read: runs
    older than 0.3 logged validation at their final step only, which is then all there is."""
    batch = report["config"]["batch_size"]
    if budget % batch:
        raise ValueError(f"a budget of {budget:,} images is no whole number of batches of {batch}")
    hit = time_to_accuracy(report, threshold)
    if hit["steps"] is not None and images_seen(report, hit["steps"]) > budget:
        hit = {"steps": None, "seconds": None}                  # reached, but too late
    return {"seed": report["config"]["seed"], "batch_size": batch,
            "images_to": hit["steps"] and images_seen(report, hit["steps"]),
            "seconds_to": hit["seconds"],
            "final_accuracy": validation_at(report, budget // batch)}


def verdict(rows: list[dict], reference: list[dict], *, seeds: int = 3,
            min_reached: int = 2) -> dict:
    """The adoption rule: a change is adopted only if at least `min_reached` of its `seeds`
    runs reach the threshold within the budget *and* its mean final accuracy is above the
    reference's. With fewer finished runs than `seeds` only a rejection can be certain: when
    even the missing runs reaching the threshold would not make `min_reached`."""
    reached = sum(r["images_to"] is not None for r in rows)
    mean, ref_mean = _mean(rows), _mean(reference)
    if len(rows) < seeds and reached + seeds - len(rows) < min_reached:
        decision = f"not adopted ({reached} of {len(rows)} finished runs reached it)"
    elif len(rows) < seeds:
        decision = f"undecided ({len(rows)} of {seeds} runs)"
    elif reached >= min_reached and mean > ref_mean:
        decision = "adopted"
    else:
        decision = "not adopted"
    return {"runs": len(rows), "reached": reached, "mean_final": mean,
            "reference_mean": ref_mean, "faster": reached >= min_reached,
            "better": mean > ref_mean, "decision": decision}


def paired_differences(rows: list[dict], paired: list[dict]) -> dict[int, float]:
    """Seed by seed, a change's final accuracy minus the unchanged recipe's on the same seed
    (`paired`: its rows), for every seed both have. A pair starts from the same weights and
    reads the same images, so the difference holds the seed's share of the luck fixed."""
    base = {r["seed"]: r["final_accuracy"] for r in paired}
    return {r["seed"]: r["final_accuracy"] - base[r["seed"]] for r in rows if r["seed"] in base}


def _mean(rows: list[dict]) -> float:
    return float(np.mean([r["final_accuracy"] for r in rows])) if rows else float("nan")


def plot_recipe(changes: dict[str, list[dict]], reference: list[dict], paired=(),
                threshold: float = PAPER_ACCURACY, budget: int = BUDGET):
    """One panel per change: c1's matched accuracy against images read, one line per seed,
    over the reference runs' reports in grey; `paired`: reports of the unchanged recipe on
    the changes' seeds, dashed in their seed's colour."""
    import matplotlib.pyplot as plt

    seeds = sorted({r["config"]["seed"] for rs in changes.values() for r in rs}
                   | {r["config"]["seed"] for r in paired})
    colour = {seed: f"C{i}" for i, seed in enumerate(seeds)}
    fig, axes = plt.subplots(1, len(changes), figsize=(4 * len(changes), 3.2), sharey=True,
                             squeeze=False)
    for ax, (name, reports) in zip(axes[0], changes.items()):
        for i, r in enumerate(reference):
            ax.plot(*_curve(r), color="0.8", lw=1, label=None if i else "reference runs")
        for i, r in enumerate(paired):
            ax.plot(*_curve(r), color=colour[r["config"]["seed"]], ls="--", lw=1,
                    label=None if i else "same seed, unchanged")
        for r in reports:
            seed = r["config"]["seed"]
            ax.plot(*_curve(r), color=colour[seed], marker=".", label=f"seed {seed}")
        ax.axhline(threshold, color="k", ls=":", lw=1)
        ax.set(title=name, xlabel="images read (thousands)", xlim=(0, budget / 1000))
        ax.legend(fontsize=8, loc="lower right")
    axes[0][0].set_ylabel("matched accuracy of $c_1$ (test)")   # drawn, not decided on
    fig.tight_layout()
    return fig


def _curve(report: dict):
    steps = [e["step"] for e in report["evals"]]
    return ([images_seen(report, s) / 1000 for s in steps],
            [e["accuracy"] for e in report["evals"]])
