"""Time to accuracy: how long a run took to reach a matched accuracy of c1 (appendix A).

Reads the `record.json` files that `train` writes, or the `report.json` files that
`python -m infogan_lite report` makes of them (the package ships those of the MNIST runs
in `infogan_lite/results/mnist/`). Their `train_seconds` exclude the
evaluations (timed apart as `eval_seconds`), and accuracy is measured every
`eval_every` steps, so the step found is the first *evaluated* step at or above the
threshold: the run may have crossed it up to `eval_every` steps earlier.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..evaluate import PAPER_ACCURACY


def time_to_accuracy(record: dict, threshold: float = PAPER_ACCURACY, key: str = "val_accuracy") -> dict:
    """When a run's c1 first reached `threshold`, and the two numbers that decide it:

        seconds to threshold = steps needed x seconds per step.

    `key` is the evaluation's "val_accuracy" (matched on the validation split: categories
    paired with labels by the Hungarian method; the default, and the only one a decision
    may read), "accuracy" (the same on the test split, to report a measurement) or
    "plain_accuracy" (category k read as label k, what a semi-supervised run promises).
    A run older than 0.3 logged validation only at its final step, so for it the answer is
    that step or never (`checked` says which evaluations were read). Returns seed, steps,
    seconds (None when never reached), sec_per_step over the whole run, and the best
    accuracy with its step.
    """
    evals, checked = _evaluations(record, key)
    hit = next((e for e in evals if e[key] >= threshold), None)
    best = max(evals, key=lambda e: e[key])
    cfg = record.get("config", {})
    return {"seed": cfg.get("seed"), "threshold": threshold, "key": key, "checked": checked,
            "steps": hit["step"] if hit else None,
            "seconds": hit["train_seconds"] if hit else None,
            "sec_per_step": record["train_seconds"] / _steps(record),
            "best_accuracy": best[key], "best_step": best["step"],
            "eval_every": cfg.get("eval_every"), "amp": cfg.get("amp"),
            "threads": cfg.get("threads")}


def _evaluations(record: dict, key: str) -> tuple[list[dict], str]:
    """The evaluations that logged `key`, or, for validation in a run older than 0.3, its
    final step from the report's "validation"."""
    evals = record.get("evals") or []
    if not evals:
        raise ValueError("this record has no evaluations: train with eval_every > 0")
    logged = [e for e in evals if key in e]
    if logged:
        return logged, "every evaluation"
    if key == "val_accuracy" and record.get("validation"):
        final = {"step": _steps(record), "train_seconds": record["train_seconds"],
                 key: record["validation"]["accuracy"]}
        return [final], "final step only"
    raise ValueError(f"no evaluation of this run logged {key!r}; a run older than 0.3 has "
                     "validation only in its report (`python -m infogan_lite report RUN_DIR`)")


def _steps(record: dict) -> int:
    return record["step"] if "step" in record else record["steps"]  # "steps": older records


def read_records(paths) -> list[dict]:
    """Load record.json or report.json files (or folders holding one); missing ones are skipped."""
    records = []
    for p in map(Path, paths):
        if p.is_dir():
            p = next((p / n for n in ("record.json", "report.json") if (p / n).exists()), p)
        if p.is_file():
            records.append(json.loads(p.read_text()))
    return records


def format_time_to_accuracy(rows: list[dict]) -> str:
    """One line per run: seed, steps to threshold, seconds per step, minutes to threshold."""
    lines = [f"{'seed':>4s} {'steps':>6s} {'s/step':>7s} {'minutes':>8s} {'best acc':>9s} {'at step':>8s}"]
    for r in rows:
        steps = f"{r['steps']:6d}" if r["steps"] else f"{'never':>6s}"
        minutes = f"{r['seconds'] / 60:8.1f}" if r["seconds"] else f"{'-':>8s}"
        lines.append(f"{r['seed']!s:>4s} {steps} {r['sec_per_step']:7.3f} {minutes} "
                     f"{r['best_accuracy']:9.4f} {r['best_step']:8d}")
    return "\n".join(lines)


def time_to_accuracy_table(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """The same rows as `format_time_to_accuracy`, as (header, cells) for a rendered table."""
    header = ["seed", "steps to threshold", "s per step", "minutes to threshold",
              "best accuracy", "at step"]
    cells = [[str(r["seed"]), f"{r['steps']:,}" if r["steps"] else "never",
              f"{r['sec_per_step']:.3f}", f"{r['seconds'] / 60:.1f}" if r["seconds"] else "-",
              f"{r['best_accuracy']:.4f}", f"{r['best_step']:,}"] for r in rows]
    return header, cells
