"""Clustering baselines for c1 as a classifier (chapters 7 and 8).

c1's matched accuracy (paper section 7.2) means little alone: how much of it would any
clustering of the same images get? Each baseline here runs k-means with K = 10 clusters
on one representation of the test images and scores the clusters exactly as c1 is
scored, by `infogan_lite.evaluate.cluster_metrics` (categories paired one-to-one with
labels by the Hungarian algorithm). No label is read before the scoring. k-means depends
on its random start, so each representation is clustered from several seeds (one
k-means++ start each) and reported as mean and sample standard deviation.

Representations: the raw pixels; their first 50 principal components (PCA-50, fitted on
the same unlabelled images); the frozen trunk features of a trained model's D (the
1024 units that D's and Q's heads read, batch norm in eval mode).

    python -m infogan_lite.book.baselines --dataset mnist --out results/mnist/baselines.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA

from ..evaluate import cluster_metrics
from .readers import features
from .report import spread

K = 10
SEEDS = tuple(range(10))
PCA_DIM = 50
RESULT = Path(__file__).resolve().parents[1] / "results" / "{dataset}" / "baselines.json"


def pixels(images: torch.Tensor) -> np.ndarray:
    """Images [n, C, H, W] in [0, 1] as rows of pixels [n, C*H*W] (float32)."""
    return images.flatten(1).numpy().astype(np.float32)


def pca(images: torch.Tensor, dim: int = PCA_DIM, seed: int = 0) -> np.ndarray:
    """The first `dim` principal components of the pixels [n, dim], fitted on these images."""
    if len(images) < dim:
        raise ValueError(f"pca: {len(images)} images cannot give {dim} principal components; "
                         f"pass at least {dim} images or a smaller dim")
    return PCA(dim, random_state=seed).fit_transform(pixels(images)).astype(np.float32)


def trunk(model, images: torch.Tensor) -> np.ndarray:
    """The frozen D trunk's features [n, d] of images in [0, 1] (eval mode)."""
    was = model.training
    model.eval()
    try:
        return features(model, images).numpy().astype(np.float32)
    finally:
        model.train(was)


def kmeans_scores(x: np.ndarray, labels, k: int = K, seeds=SEEDS) -> dict:
    """k-means with k clusters from each seed (one k-means++ start), each clustering scored
    like c1 by `cluster_metrics`; returns per-seed accuracy and NMI and their spread."""
    labels = np.asarray(labels)
    if len(x) != len(labels):
        raise ValueError(f"kmeans_scores: {len(x)} feature rows but {len(labels)} labels; "
                         "pass one row of features per labelled image")
    acc, nmi = [], []
    for seed in seeds:
        pred = KMeans(k, n_init=1, random_state=seed).fit_predict(x)
        m = cluster_metrics(pred, labels, k=k)
        acc.append(m["accuracy"])
        nmi.append(m["nmi"])
    return {"seeds": list(seeds), "accuracy": acc, "nmi": nmi,
            "accuracy_spread": spread(acc), "nmi_spread": spread(nmi)}


def representations(images: torch.Tensor, model=None) -> dict:
    """name -> features [n, d]: raw pixels, PCA-50 and, given a model, its D trunk."""
    reps = {"pixels": pixels(images), "pca50": pca(images)}
    if model is not None:
        reps["d_trunk"] = trunk(model, images)
    return reps


def baselines(images: torch.Tensor, labels, model=None, seeds=SEEDS, log=None) -> dict:
    """kmeans_scores of every representation of `images` (see `representations`)."""
    out = {}
    for name, x in representations(images, model).items():
        out[name] = {"dim": int(x.shape[1]), **kmeans_scores(x, labels, seeds=seeds)}
        if log:
            log(name, out[name])
    return out


def main(argv=None) -> int:
    from ..data import load_dataset
    from ..pretrained import load_pretrained
    from ..versions import versions

    p = argparse.ArgumentParser(description="k-means baselines for c1 on a test set")
    p.add_argument("--dataset", choices=("mnist", "fashion-mnist"), required=True)
    p.add_argument("--seeds", type=int, default=len(SEEDS), help="k-means seeds 0..N-1")
    p.add_argument("--out", help=f"JSON file (default {RESULT})")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    images, labels = load_dataset(a.dataset, train=False)
    model = load_pretrained(a.dataset)
    res = baselines(images, labels.numpy(), model, seeds=range(a.seeds),
                    log=lambda n, r: print(f"{n}: accuracy {r['accuracy_spread']['mean']:.4f} "
                                           f"+- {r['accuracy_spread']['sd']:.4f}", flush=True))
    out = Path(a.out or str(RESULT).format(dataset=a.dataset))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "command": "python -m infogan_lite.book.baselines " + " ".join(argv or sys.argv[1:]),
        "dataset": a.dataset, "split": "test", "n": len(labels), "k": K,
        "model": f'load_pretrained("{a.dataset}")', "versions": versions(),
        "baselines": res}, indent=1) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
