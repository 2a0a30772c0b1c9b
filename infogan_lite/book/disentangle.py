"""Measuring disentanglement against known factors: MIG and SAP (chapter 9).

Both metrics read an encoder's codes for images whose generating factors are known
(the shapes of ``shapes_data.py``). For InfoGAN the encoder is Q: the argmax of each
categorical code and the mean of each continuous code (``infer_codes``).

* MIG, the mutual information gap (Chen et al., 2018, section 4.1): for each factor v_k,
  the largest I(c_j; v_k) over the codes c_j minus the second largest, divided by the
  factor's entropy H(v_k); then the mean over factors. It is 1 when each factor is
  captured by one code and by no other, and 0 when the two best codes know equally much.
  Chen et al. estimate I from a VAE's posterior; a GAN's Q gives a point per image, so we
  discretise each code into 20 equal-width bins, as Locatello et al. (2019) do. Such bins
  forgive mild monotone distortions of a code, not strong ones (a code exp(5 v) crowds
  most values into one bin).
* SAP, the separated attribute predictability (Kumar et al., 2018, section 3): score[j, k]
  says how well code c_j on its own predicts factor v_k on held-out images; per factor,
  the best score minus the second best; then the mean. Kumar et al. use a linear
  regression's R^2 for continuous factors and a threshold classifier for discrete ones.
  We use one predictor for both, a lookup table from the code's bin to the factor's mean
  (scored by R^2) or majority class (scored by balanced accuracy adjusted for chance), so a
  monotone but curved code is not penalised. Scores are clipped at 0.

Both metrics read near 1 for codes that are the factors (in any order, each distorted
monotonically), near 0 for codes independent of the factors, and low for codes that
each mix all factors (tests/test_disentangle.py checks all three).
"""
from __future__ import annotations

import numpy as np
import torch
from sklearn.metrics import balanced_accuracy_score

from ..evaluate import cluster_metrics, confusion
from .information import entropy, mutual_information
from ..shapes_data import CATEGORICAL


def discretize(values, n_bins: int = 20) -> np.ndarray:
    """Integer labels [N, d], column by column: the distinct values when there are at most
    n_bins of them (a categorical code, a factor on a grid), else n_bins equal-width bins."""
    values = np.asarray(values, dtype=float)
    values = values[:, None] if values.ndim == 1 else values
    out = np.empty(values.shape, dtype=np.int64)
    for j, column in enumerate(values.T):
        distinct, inverse = np.unique(column, return_inverse=True)
        if len(distinct) <= n_bins:
            out[:, j] = inverse
        else:
            out[:, j] = np.digitize(column, np.histogram_bin_edges(column, n_bins)[1:-1])
    return out


def label_mi(a: np.ndarray, b: np.ndarray) -> float:
    """I(a; b) in nats of two label arrays, from their empirical joint distribution."""
    counts = confusion(a, b, a.max() + 1, b.max() + 1)
    return mutual_information(counts / counts.sum())


# --- MIG: start
def mig(codes, factors, n_bins: int = 20) -> dict:
    """The mutual information gap of codes [N, L] against factors [N, K] (L >= 2).

    Returns {"mig": the mean gap, "per_factor": [K] gaps, "mi": [L][K] I(c_j; v_k) in nats}.
    """
    c, v = discretize(codes, n_bins), discretize(factors, n_bins)
    if c.shape[1] < 2:
        raise ValueError(f"MIG compares the best two codes; got {c.shape[1]} code(s)")
    H = np.array([entropy(np.bincount(col) / len(col)) for col in v.T])
    if np.any(H == 0):
        raise ValueError(f"factor(s) {np.flatnonzero(H == 0).tolist()} never change: "
                         "MIG divides by H(v_k); drop constant factors")
    mi = np.array([[label_mi(c[:, j], v[:, k]) for k in range(v.shape[1])] for j in range(c.shape[1])])
    best = -np.sort(-mi, axis=0)                            # codes ordered by I, per factor
    gaps = (best[0] - best[1]) / H
    return {"mig": float(gaps.mean()), "per_factor": gaps.tolist(), "mi": mi.tolist()}
# --- MIG: end


# --- SAP: start
def predictability(code_bins, factor, categorical: bool, train) -> float:
    """How well one discretised code predicts one factor: a table bin -> prediction fitted on
    the `train` mask, scored on the rest (R^2, or balanced accuracy adjusted for chance)."""
    test, n_bins = ~train, code_bins.max() + 1
    if categorical:
        labels = np.asarray(factor).astype(np.int64)
        counts = confusion(code_bins[train], labels[train], n_bins, labels.max() + 1)
        table = counts.argmax(axis=1)                       # majority class per bin
        table[counts.sum(axis=1) == 0] = np.bincount(labels[train]).argmax()
        score = balanced_accuracy_score(labels[test], table[code_bins[test]], adjusted=True)
    else:
        counts = np.bincount(code_bins[train], minlength=n_bins)
        sums = np.bincount(code_bins[train], weights=factor[train], minlength=n_bins)
        table = np.where(counts > 0, sums / np.maximum(counts, 1), factor[train].mean())
        residual = np.sum((factor[test] - table[code_bins[test]]) ** 2)
        score = 1 - residual / np.sum((factor[test] - factor[test].mean()) ** 2)
    return max(0.0, float(score))


def sap(codes, factors, categorical, n_bins: int = 20, seed: int = 0) -> dict:
    """The SAP score of codes [N, L] against factors [N, K]; categorical[k] marks the
    categorical factors. Half the images (drawn from `seed`) fit, the other half score.

    Returns {"sap": the mean gap, "per_factor": [K] gaps, "score": [L][K] predictabilities}.
    """
    c, f = discretize(codes, n_bins), np.asarray(factors, dtype=float)
    if c.shape[1] < 2 or len(categorical) != f.shape[1]:
        raise ValueError(f"SAP needs >= 2 codes and one categorical flag per factor; got "
                         f"{c.shape[1]} codes, {f.shape[1]} factors, {len(categorical)} flags")
    train = np.random.default_rng(seed).permutation(len(f)) < len(f) // 2
    score = np.array([[predictability(c[:, j], f[:, k], categorical[k], train)
                       for k in range(f.shape[1])] for j in range(c.shape[1])])
    best = -np.sort(-score, axis=0)
    gaps = best[0] - best[1]
    return {"sap": float(gaps.mean()), "per_factor": gaps.tolist(), "score": score.tolist()}
# --- SAP: end


@torch.no_grad()
def infer_codes(model, images: torch.Tensor, batch: int = 1000) -> np.ndarray:
    """Q's codes [N, n_cat + n_cont] for images in [0, 1]: argmax of each categorical
    code, then the continuous means."""
    was_training = model.training
    model.eval()
    try:
        rows = []
        for i in range(0, len(images), batch):
            cat_logits, cont_mean = model.infer(images[i:i + batch])
            rows.append(torch.cat([*(l.argmax(1, keepdim=True).float() for l in cat_logits),
                                   cont_mean.float()], dim=1).cpu())
    finally:
        model.train(was_training)
    return torch.cat(rows).numpy()


def evaluate_disentanglement(model, images, factors, categorical=CATEGORICAL) -> dict:
    """MIG and SAP of Q's codes for `images` against their `factors`, and how well the
    first categorical code clusters the first categorical factor (matched accuracy, NMI)."""
    codes, factors = infer_codes(model, images), np.asarray(factors)
    out = {"mig": mig(codes, factors), "sap": sap(codes, factors, categorical)}
    if model.spec.categorical and categorical[0]:
        m = cluster_metrics(codes[:, 0].astype(int), factors[:, 0].astype(int),
                            k=model.spec.categorical[0])
        out["c1"] = {"accuracy": m["accuracy"], "nmi": m["nmi"]}
    return out


def shapes_config(**overrides):
    """The shapes set on Table 1's networks: c1 ~ Cat(3) for the shape, four continuous codes
    for scale, rotation, x and y, and 10 noise variables (our choice; the paper has no
    such experiment)."""
    from ..config import TrainConfig

    settings = dict(dataset="shapes", arch_name="mnist", n_noise=10, categorical=(3,), continuous=4,
                    eval_every=0, out_dir="runs/shapes")
    return TrainConfig(**{**settings, **overrides})

