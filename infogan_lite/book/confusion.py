"""Reading a confusion of c1 against the labels (chapters 7 and 8): which label each
category is paired with, the table in that order, and the categories that merge labels.

`metrics` is a dict of `evaluate.cluster_metrics` (or the same read back from JSON).
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


def _paired_label(m: dict) -> dict[int, int]:
    """category -> the label the matching pairs it with (JSON reports key it by str; metrics
    written before the mapping was stored, such as older manifests', pair it again)."""
    if "mapping" not in m:
        rows, cols = linear_sum_assignment(np.array(m["confusion"]), maximize=True)
        return {int(r): int(c) for r, c in zip(rows, cols)}
    return {int(k): int(v) for k, v in m["mapping"].items()}


def confusion_by_label(m: dict) -> tuple[np.ndarray, list[int]]:
    """The confusion of `cluster_metrics` as [label, category], each row normalised to 1,
    with the categories reordered by the label each is paired with (unpaired ones last),
    so that a perfect c1 is the identity; returns the table and that category order."""
    counts = np.array(m["confusion"]).T                           # [label, category]
    paired = _paired_label(m)
    order = sorted(range(counts.shape[1]), key=lambda k: paired.get(k, counts.shape[0]))
    return counts[:, order] / counts.sum(1, keepdims=True), order


def merged_categories(m: dict, share: float) -> dict[int, list[int]]:
    """Categories that hold at least `share` of the images of each of two or more labels
    (a merge, such as 4 and 9 on MNIST), each with those labels."""
    counts = np.array(m["confusion"])                              # [category, label]
    frac = counts / counts.sum(0, keepdims=True)                   # share of each label's images
    return {k: np.flatnonzero(frac[k] >= share).tolist() for k in range(len(counts))
            if (frac[k] >= share).sum() >= 2}
