"""c1 as a classifier (paper section 7.2): Q's categorical code read as a cluster label.

InfoGAN never sees a label, so category 3 of c1 need not mean the digit 3. The
matched accuracy pairs categories with labels one-to-one, in the pairing that gets
the most images right (the Hungarian algorithm), then counts.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score


def confusion(pred: np.ndarray, labels: np.ndarray, k: int, n_labels: int) -> np.ndarray:
    """counts[category, label]: how many images of each label Q put in each category."""
    counts = np.zeros((k, n_labels), dtype=np.int64)
    np.add.at(counts, (pred, labels), 1)
    return counts


def cluster_metrics(pred, labels, k: int | None = None) -> dict:
    """Matched accuracy, NMI, ARI and category usage of cluster ids `pred` against `labels`."""
    pred, labels = np.asarray(pred).astype(np.int64), np.asarray(labels).astype(np.int64)
    k = int(k or pred.max() + 1)
    n_labels = int(labels.max() + 1)
    counts = confusion(pred, labels, k, n_labels)
    rows, cols = linear_sum_assignment(counts, maximize=True)  # category -> label
    return {
        "accuracy": float(counts[rows, cols].sum() / len(labels)),
        "nmi": float(normalized_mutual_info_score(labels, pred)),
        "ari": float(adjusted_rand_score(labels, pred)),
        "usage": (np.bincount(pred, minlength=k) / len(pred)).tolist(),
        "mapping": {int(r): int(c) for r, c in zip(rows, cols)},
        "confusion": counts.tolist(),
    }


@torch.no_grad()
def predict_categories(model, images: torch.Tensor, code: int = 0, batch: int = 2000) -> torch.Tensor:
    """argmax of Q's logits for categorical code `code`, for images in [0, 1]."""
    was_training = model.training
    model.eval()
    try:
        preds = [model.infer(images[i:i + batch])[0][code].argmax(1).cpu()
                 for i in range(0, len(images), batch)]
    finally:
        model.train(was_training)
    return torch.cat(preds)


def evaluate_c1(model, images: torch.Tensor, labels: torch.Tensor) -> dict:
    """cluster_metrics of c1 on a labelled set (the MNIST test set in the paper)."""
    pred = predict_categories(model, images)
    return cluster_metrics(pred.numpy(), labels.cpu().numpy(), k=model.spec.categorical[0])


def _paired_label(m: dict) -> dict[int, int]:
    """category -> the label the matching pairs it with (JSON reports key it by str)."""
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
