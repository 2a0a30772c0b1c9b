"""Latent traversals, and two measurements of what one latent input controls (chapter 3).

A traversal varies one input of G (a categorical code, a continuous code or one noise
coordinate) along a row while every other input stays fixed; different rows are different
draws of the fixed inputs. Two measurements read such a grid without using Q:

* the law of total variance splits the pixel variance of the grid into the part that
  changes along rows (the varied input) and the part that changes between rows;
* a 1-nearest-neighbour lookup in labelled real images names the digit in each generated
  image, so one can count how often varying an input changes the digit.
"""
from __future__ import annotations

import numpy as np
import torch

from ..evaluate import confusion


@torch.no_grad()
def traversal(model, code: str, index: int, values, n_rows: int, seed: int = 0) -> torch.Tensor:
    """Images [n_rows, len(values), C, H, W]: row r fixes a latent drawn with `seed`, column j
    sets input `index` of kind `code` ("cat", "cont" or "noise") to values[j]."""
    spec, values = model.spec, torch.as_tensor(values)
    z, c_cat, c_cont = spec.sample(n_rows, torch.Generator().manual_seed(seed))
    z, c_cat, c_cont = (t.repeat_interleave(len(values), dim=0) for t in (z, c_cat, c_cont))
    column = values.repeat(n_rows)
    target = {"cat": c_cat, "cont": c_cont, "noise": z}[code]
    target[:, index] = column.to(target.dtype)
    images = model.generate(c_cat, c_cont, z)
    return images.reshape(n_rows, len(values), *images.shape[1:])


def variance_split(grid: torch.Tensor) -> dict:
    """The law of total variance for a traversal grid [R, K, ...], pixels summed.

    total = along_rows + between_rows, where along_rows = E_r Var_k(x) is the variance the
    varied input causes with everything else fixed, and between_rows = Var_r E_k(x).
    Likewise total = along_columns + between_columns for the other inputs. Population
    (1/n) variances, so the identities hold exactly.
    """
    g = grid.double().flatten(2)                                # [R, K, pixels]
    sq = lambda d: d.pow(2).sum(-1).mean().item()               # mean squared norm
    mean = g.mean(dim=(0, 1), keepdim=True)
    row_mean, col_mean = g.mean(dim=1, keepdim=True), g.mean(dim=0, keepdim=True)
    return {"total": sq(g - mean),
            "along_rows": sq(g - row_mean), "between_rows": sq(row_mean - mean),
            "along_columns": sq(g - col_mean), "between_columns": sq(col_mean - mean)}


@torch.no_grad()
def nearest_neighbour_labels(x: torch.Tensor, ref_x: torch.Tensor, ref_y: torch.Tensor,
                             batch: int = 500) -> torch.Tensor:
    """The label of the nearest reference image (Euclidean, in pixels) for each image of x."""
    ref = ref_x.flatten(1).float()
    out = [ref_y[torch.cdist(x[i:i + batch].flatten(1).to(ref), ref).argmin(dim=1)]
           for i in range(0, len(x), batch)]
    return torch.cat(out)


def change_rates(labels: torch.Tensor) -> tuple[float, float]:
    """For labels [R, K] of a traversal grid: the share of pairs in the same row (only the
    varied input differs) and in the same column (only the other inputs differ) whose
    labels differ."""
    labels = labels.cpu()
    same_row = (labels[:, :, None] != labels[:, None, :]).float()   # [R, K, K]
    same_col = (labels[:, None, :] != labels[None, :, :]).float()   # [R, R, K]
    R, K = labels.shape
    return (same_row.sum().item() / (R * K * (K - 1)),
            same_col.sum().item() / (K * R * (R - 1)))


def joint_table(a: torch.Tensor, b: torch.Tensor, n_a: int, n_b: int) -> np.ndarray:
    """The empirical joint distribution P[a, b] of two label arrays (for mutual_information)."""
    counts = confusion(a.cpu().numpy().ravel(), b.cpu().numpy().ravel(), n_a, n_b)
    return counts / counts.sum()


def mi_with_baselines(a: torch.Tensor, b: torch.Tensor, n_a: int, n_b: int,
                      n_perm: int = 200, seed: int = 0) -> dict:
    """I(a; b) in nats from n paired labels, three ways: the plug-in value of the empirical
    table, which is biased upwards by about (n_a - 1)(n_b - 1) / (2n) when a and b are
    independent; the Miller-Madow value, each entropy corrected by (bins used - 1) / (2n);
    and a permutation baseline, the plug-in value after shuffling b against a (`n_perm`
    times: its mean, 95th percentile and the share at least as large as the observed)."""
    from .information import mutual_information

    a, b = a.cpu().numpy().ravel(), b.cpu().numpy().ravel()
    n = len(a)
    plug = lambda bb: mutual_information(confusion(a, bb, n_a, n_b) / n)
    counts = confusion(a, b, n_a, n_b)
    used = lambda c: int((c > 0).sum()) - 1
    observed = plug(b)
    correction = (used(counts.sum(1)) + used(counts.sum(0)) - used(counts)) / (2 * n)
    rng = np.random.default_rng(seed)
    null = np.array([plug(rng.permutation(b)) for _ in range(n_perm)])
    return {"plug_in": observed, "miller_madow": observed + correction,
            "null_mean": float(null.mean()), "null_q95": float(np.quantile(null, 0.95)),
            "p": float((1 + (null >= observed - 1e-12).sum()) / (1 + n_perm))}
