"""c1 as a classifier (paper section 7.2): Q's categorical code read as a cluster label.

InfoGAN never sees a label, so category 3 of c1 need not mean the digit 3. The
matched accuracy pairs categories with labels one-to-one, in the pairing that gets
the most images right (the Hungarian algorithm), then counts.
"""
from __future__ import annotations

import math

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

# The paper's reading of c1 on MNIST (section 7.2): a 5% error, so a matched accuracy of 0.95.
PAPER_ACCURACY = 0.95


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
        # category k read as label k: meaningful only when c1 was tied to labels (semi-supervised)
        "plain_accuracy": float(np.mean(pred == labels)),
        "nmi": float(normalized_mutual_info_score(labels, pred)),
        "ari": float(adjusted_rand_score(labels, pred)),
        "usage": (np.bincount(pred, minlength=k) / len(pred)).tolist(),
        "mapping": {int(r): int(c) for r, c in zip(rows, cols)},
        "confusion": counts.tolist(),
    }


@torch.no_grad()
def category_logits(model, images: torch.Tensor, code: int = 0, batch: int = 2000) -> torch.Tensor:
    """Q's logits for categorical code `code` of images in [0, 1], [n, K] on the CPU, read
    in eval mode (batch norm with its running statistics) in batches of `batch`."""
    was_training = model.training
    model.eval()
    try:
        logits = [model.infer(images[i:i + batch])[0][code].cpu()
                  for i in range(0, len(images), batch)]
    finally:
        model.train(was_training)
    return torch.cat(logits)


def predict_categories(model, images: torch.Tensor, code: int = 0, batch: int = 2000) -> torch.Tensor:
    """argmax of Q's logits for categorical code `code`, for images in [0, 1]."""
    return category_logits(model, images, code, batch).argmax(1)


def category_probs(model, images: torch.Tensor, code: int = 0, batch: int = 2000) -> torch.Tensor:
    """Q(c_code = k | x) for images in [0, 1]: the softmax of Q's logits, [n, K] on the CPU."""
    return category_logits(model, images, code, batch).softmax(1)


def shifted(images: torch.Tensor, max_shift: int, seed: int) -> torch.Tensor:
    """Each image moved by its own random offset (dy, dx) != (0, 0), |dy|, |dx| <= max_shift.

    A circular roll: on MNIST-like images with empty borders it is a plain translation.
    """
    g = torch.Generator().manual_seed(seed)
    offsets = [(dy, dx) for dy in range(-max_shift, max_shift + 1)
               for dx in range(-max_shift, max_shift + 1) if (dy, dx) != (0, 0)]
    pick = torch.randint(len(offsets), (len(images),), generator=g)
    out = images.clone()
    for j, (dy, dx) in enumerate(offsets):
        rows = (pick == j).nonzero().flatten().to(images.device)
        out[rows] = images[rows].roll((dy, dx), dims=(2, 3))
    return out


# --- label-free: start
def label_free_c1(model, images: torch.Tensor, max_shift: int = 2, seed: int = 0) -> dict:
    """How Q's first categorical code reads *real* images, computed without any label.

    With p(k | x) = Q(c1 = k | x) on the real images x and K categories (all in [0, 1]):
      confidence  E_x max_k p(k | x)
      balance     H(E_x p(. | x)) / log K: 1 when every category gets as many images
      info        [H(E_x p) - E_x H(p(. | x))] / log K: the mutual information between an
                  image and the category Q draws for it, read by Q (a plug-in estimate)
      stability   P[argmax_k p(k | x) = argmax_k p(k | x')], x' = x moved by <= max_shift pixels
    """
    p = category_probs(model, images).double()
    K = p.shape[1]

    def H(q):  # entropy in nats along the last axis
        return -(q * q.clamp_min(1e-12).log()).sum(-1)

    H_marginal, H_conditional = H(p.mean(0)), H(p).mean()
    moved = category_probs(model, shifted(images, max_shift, seed)).argmax(1)
    return {"confidence": float(p.max(1).values.mean()),
            "balance": float(H_marginal / math.log(K)),
            "info": float((H_marginal - H_conditional) / math.log(K)),
            "stability": float((moved == p.argmax(1)).double().mean())}
# --- label-free: end


def evaluate_c1(model, images: torch.Tensor, labels: torch.Tensor) -> dict:
    """cluster_metrics of c1 on a labelled set (the MNIST test set in the paper)."""
    pred = predict_categories(model, images)
    return cluster_metrics(pred.numpy(), labels.cpu().numpy(), k=model.spec.categorical[0])
