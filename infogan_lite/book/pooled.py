"""Every run of the recipe in one table (chapter 7): which shipped reports count, and what
they show together.

A run counts when its config equals the paper's MNIST recipe (the `TrainConfig` defaults)
on every field that changes what is learned, and it trained at least 5,000 steps; its seed,
length, folder, threads and logging do not matter. The list of runs is therefore read from
the reports, never kept by hand: a new run of the recipe joins the table when its report is
shipped, and a run with one flag changed cannot slip in.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import stats

from ..config import TrainConfig

# fields that do not change what a run learns, only where and how it is run and logged
NOT_THE_RECIPE = ("seed", "steps", "out_dir", "data_root", "device", "threads", "compile",
                  "log_every", "eval_every", "checkpoint_every", "snapshot_every")
# on the CPUs used, "auto" autocasts to bf16 as "bf16" does; "off" (float32) is another recipe
SAME_PRECISION = {"auto": "bf16"}
MIN_STEPS = 5000


def recipe_differences(config: dict) -> dict[str, tuple]:
    """The fields of a run's config that differ from the recipe: {field: (recipe, run)}.
    A field missing from an older report holds its default, which is the recipe's; an older
    report's names are read as today's (TrainConfig.from_dict)."""
    recipe, config = TrainConfig().to_dict(), TrainConfig.from_dict(config).to_dict()
    diff = {}
    for key, value in recipe.items():
        if key in NOT_THE_RECIPE:
            continue
        run = config.get(key, value)
        if key == "amp":
            run, value = SAME_PRECISION.get(run, run), SAME_PRECISION.get(value, value)
        if key == "lambda_sup" and not config.get("labels_per_class"):
            continue                                     # read only when labels are given
        if _norm(run) != _norm(value):
            diff[key] = (value, run)
    return diff


def _norm(value):
    return list(value) if isinstance(value, tuple) else value


def is_recipe(report: dict, min_steps: int = MIN_STEPS) -> bool:
    """True when the run is the unchanged recipe trained for at least `min_steps`."""
    return report["step"] >= min_steps and not recipe_differences(report["config"])


def recipe_runs(folder) -> dict[str, dict]:
    """Every shipped report under `folder` (at any depth) that `is_recipe`, keyed by its path
    relative to `folder` ("main/seed1"), sorted."""
    folder = Path(folder)
    runs = {}
    for path in sorted(folder.rglob("report.json")):
        report = json.loads(path.read_text())
        if is_recipe(report):
            runs[path.parent.relative_to(folder).as_posix()] = report
    if not runs:
        raise FileNotFoundError(f"no report of the recipe under {folder}: write one with "
                                f"`python -m infogan_lite report RUN_DIR --out {folder}/NAME`")
    return runs


def pooled_rows(runs: dict[str, dict], share: float = 0.3) -> list[dict]:
    """One row per run: name, seed, steps, precision, c1's matched accuracy on the test and
    the validation split (None where the run predates validation), and the digits that
    share a category (each holding >= `share` of both digits' images)."""
    from .confusion import merged_categories

    rows = []
    for name, r in runs.items():
        merged = merged_categories(r["c1"], share)
        rows.append({"run": name, "seed": r["config"]["seed"], "steps": r["step"],
                     "precision": _precision(r), "test": r["c1"]["accuracy"],
                     "validation": (r.get("validation") or {}).get("accuracy"),
                     "merged": sorted({d for labels in merged.values() for d in labels})})
    return rows


def _precision(report: dict) -> str:
    """What the run computed in: the record's own word where it has one, else its config
    ("auto" autocast to bf16 on the CPUs that ran the shipped runs)."""
    if report.get("precision"):                         # written by train since 0.3
        return report["precision"]
    return "fp32" if report["config"].get("amp", "auto") == "off" else "bf16"


def exact_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval for a proportion of k successes in n trials."""
    if not 0 <= k <= n or n < 1:
        raise ValueError(f"need 0 <= k <= n and n >= 1, got k={k}, n={n}")
    alpha = 1 - level
    low = stats.beta.ppf(alpha / 2, k, n - k + 1) if k > 0 else 0.0
    high = stats.beta.ppf(1 - alpha / 2, k + 1, n - k) if k < n else 1.0
    return float(low), float(high)


def claim(h: dict) -> str:
    """The headline in the words the introduction and the README use."""
    return (f"5 % error on {h['k']} of the {h['n']} runs of the recipe "
            f"({100 * h['share']:.0f} %, exact 95 % interval {100 * h['low']:.0f}-"
            f"{100 * h['high']:.0f} %; matched accuracy {h['mean']:.2f} ± {h['sd']:.2f})")


def headline(rows: list[dict], threshold: float = 0.95, split: str = "test") -> dict:
    """The pooled result: how many runs reach `threshold` on `split` (k of n, the share and
    its exact 95 % interval) and the mean and sample sd of their matched accuracy. This is a
    result reported, not a decision: it chooses no run."""
    values = [r[split] for r in rows if r[split] is not None]
    k, n = sum(v >= threshold for v in values), len(values)
    low, high = exact_interval(k, n)
    return {"k": k, "n": n, "share": k / n, "low": low, "high": high,
            "mean": float(np.mean(values)), "sd": float(np.std(values, ddof=1)),
            "threshold": threshold, "split": split}


def pooled_table(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """The rows as (header, cells) for a rendered table."""
    header = ["run", "seed", "steps", "precision", "accuracy (test)", "accuracy (validation)",
              "digits merged"]
    cells = [[f"`{r['run']}`", str(r["seed"]), f"{r['steps']:,}", r["precision"],
              f"{r['test']:.3f}", "-" if r["validation"] is None else f"{r['validation']:.3f}",
              ", ".join(map(str, r["merged"])) or "none"] for r in rows]
    return header, cells
