"""Choosing a run without the test set (chapter 7b): does a label-free criterion read early
in training predict how good c1 will end up, and what does starting k runs buy?

Every function reads the records that `train` writes (their `evals` rows carry c1's matched
accuracy on the validation and the test split and the label-free criteria of
`evaluate.label_free_c1`, every eval_every steps). Runs are ranked and kept by the
validation split only (`final_accuracy`); the test split is reported beside it
(`accuracy_on_test`) and read by no function that chooses.
"""
from __future__ import annotations

from itertools import combinations, permutations

import numpy as np
from scipy import stats

from ..evaluate import PAPER_ACCURACY

CRITERIA = ("label_free_stability", "label_free_confidence", "label_free_info",
            "label_free_balance")


def at_step(record: dict, key: str, step: int) -> float:
    """The value of `key` in the evaluation row of `step` (a KeyError names what is there)."""
    for row in record["evals"]:
        if row["step"] == step:
            return row[key]
    raise KeyError(f"no evaluation at step {step}; this run has "
                   f"{[row['step'] for row in record['evals']]}")


def validation_at(record: dict, step: int) -> float:
    """c1's matched accuracy on the validation split at `step`, the only accuracy a decision
    reads. Every evaluation logs it (`val_accuracy`) since 0.3; older runs have it only at
    their final step, in the report's "validation"."""
    for row in record.get("evals", []):
        if row["step"] == step and "val_accuracy" in row:
            return row["val_accuracy"]
    if record.get("validation") and last_step(record) == step:
        return record["validation"]["accuracy"]
    raise KeyError(f"no validation accuracy at step {step}: this run logged none there (runs "
                   "older than 0.3 have it at their final step only, in report.json's "
                   "'validation': write it with `python -m infogan_lite report RUN_DIR`)")


def last_step(record: dict) -> int:
    """The step a run ended at (`steps` in the oldest records)."""
    return record.get("step", record.get("steps", record["evals"][-1]["step"]))


def final_accuracy(record: dict) -> float:
    """c1's matched accuracy on the validation split at the run's final step: what the
    studies of this module rank runs by. The test split is reported, never read here."""
    return validation_at(record, last_step(record))


def accuracy_on_test(record: dict) -> float:
    """c1's matched accuracy on the test split at the final step: to report, never to choose."""
    return record["c1"]["accuracy"] if record.get("c1") else record["evals"][-1]["accuracy"]


def rank_correlation(records: list[dict], key: str, step: int,
                     alternative: str = "two-sided") -> tuple[float, float]:
    """Spearman's rho between `key` at `step` and the final matched accuracy, over runs,
    with its p-value: exact (every pairing of the runs) for up to 9 runs.

    alternative="two-sided" counts the pairings with |rho| at least as large; "greater", for
    a hypothesis fixed in advance that the correlation is positive, those with rho at least
    as large."""
    if alternative not in ("two-sided", "greater"):
        raise ValueError(f'alternative must be "two-sided" or "greater", got {alternative!r}')
    early = stats.rankdata([at_step(r, key, step) for r in records])
    final = stats.rankdata([final_accuracy(r) for r in records])
    rho = float(np.corrcoef(early, final)[0, 1])
    if len(records) > 9:
        return rho, float(stats.spearmanr(early, final, alternative=alternative).pvalue)
    rhos = _null_rhos(early, final)
    if alternative == "greater":
        return rho, float(np.mean(rhos >= rho - 1e-12))
    return rho, float(np.mean(np.abs(rhos) >= abs(rho) - 1e-12))


def rho_needed(n: int, alpha: float = 0.05) -> float:
    """The smallest Spearman rho whose exact one-sided p-value over n runs (no ties) is below
    `alpha`: what a positive correlation must reach to count, for up to 9 runs."""
    if not 3 <= n <= 9:
        raise ValueError(f"the exact null is enumerated for 3 to 9 runs, got {n}")
    rhos = _null_rhos(np.arange(float(n)), np.arange(float(n)))
    return float(min(r for r in np.unique(rhos.round(9)) if np.mean(rhos >= r - 1e-9) < alpha))


def _null_rhos(early, final) -> np.ndarray:
    """Spearman's rho of `early` against every ordering of `final` (ranks): the exact null."""
    pairings = np.array(list(permutations(final)))                  # n! x n
    centred = pairings - pairings.mean(1, keepdims=True)
    e = early - early.mean()
    return centred @ e / (np.linalg.norm(centred, axis=1) * np.linalg.norm(e))


def restart_policy(records: list[dict], key: str, step: int, k: int,
                   threshold: float = PAPER_ACCURACY) -> float:
    """P(final accuracy >= threshold) when k runs are started, read at `step`, and only the
    one with the highest `key` is continued: exact, over every k-subset of the runs.

    k = 1 is a single run: the share of runs that reach the threshold.
    """
    return _keep_the_highest([at_step(r, key, step) for r in records], records, k, threshold)


def best_finished_policy(records: list[dict], k: int, threshold: float = PAPER_ACCURACY) -> float:
    """P(final accuracy >= threshold) when k runs are trained to the end and the one with the
    highest matched accuracy on the validation split is kept (no test label): exact, over
    every k-subset of the runs. It costs k whole runs, where `restart_policy` stops early."""
    return _keep_the_highest([r["validation"]["accuracy"] for r in records], records, k, threshold)


def validation_choice(runs: dict[str, dict]) -> str:
    """The rule that chooses a committed model among finished runs (fixed before the runs
    of chapters 6-8 finished): the name of the run with the highest matched accuracy of c1
    on the validation split at the final step. No test label is read."""
    return max(runs, key=lambda name: runs[name]["validation"]["accuracy"])


def kept_accuracy(records: list[dict], scores: list[float], k: int, outcome=None) -> float:
    """The mean final accuracy of the run kept when k finished runs are compared by `scores`
    (one per run, higher is better) and the highest is kept: exact, over every k-subset.
    Where few runs reach a threshold, this tells rules apart that `restart_policy` cannot.
    `outcome` (one per run; default: `final_accuracy`, the validation split) is what the
    kept run is scored by, not what keeps it: to judge a rule that reads the validation
    split itself, score it on the test split (`accuracy_on_test`), which it never saw."""
    finals = np.array([final_accuracy(r) for r in records] if outcome is None else outcome)
    return float(finals[_picks(scores, len(records), k)].mean())


def _keep_the_highest(scores, records: list[dict], k: int, threshold: float) -> float:
    """The share of k-subsets of the runs whose highest-scoring run ends >= threshold."""
    good = np.array([final_accuracy(r) >= threshold for r in records])
    return float(good[_picks(scores, len(records), k)].mean())


def _picks(scores, n: int, k: int) -> list[int]:
    """For every k-subset of n runs, the index of its highest-scoring run."""
    if len(scores) != n:
        raise ValueError(f"one score per run: {len(scores)} scores for {n} runs")
    if not 1 <= k <= n:
        raise ValueError(f"k must lie in 1..{n}, got {k}")
    return [max(subset, key=lambda i: scores[i]) for subset in combinations(range(n), k)]
