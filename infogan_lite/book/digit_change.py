"""How often moving a continuous code changes the digit itself (chapter 7).

Slant and width correlations (`traits.py`) measure how a code reshapes a digit; they cannot
see a code that turns a 4 into a 9. Here a digit labeller (chapter 3's nearest neighbour in
the labelled training images) names every image of a traversal grid, and a code's
**digit-change rate** at a value v is the share of rows (fixed z and c1) whose digit at v
differs from the digit at v = 0. The rate is read inside the training range (0 < |v| <= 1)
and beyond it (|v| > 1), where the paper says the codes keep working.

A run whose weights were not kept still has its grids: `report` stored each as a PNG of
8 noise rows x 9 values over [-2, 2] (`read_grid_png` cuts it back into images).
"""
from __future__ import annotations

import numpy as np
import torch

VALUES = np.linspace(-2, 2, 9)            # the columns of a stored grid (`report.traversal_grids`)


def read_grid_png(path, rows: int = 8, cols: int = 9, size: int = 28,
                  pad: int = 2) -> torch.Tensor:
    """A grid PNG written by `report.save_grid` back into images [rows, cols, 1, size, size]
    in [0, 1]: cell (r, k) starts at pad + r * (size + pad), pad + k * (size + pad)."""
    from PIL import Image

    a = np.asarray(Image.open(path).convert("L"), dtype=np.float32) / 255.0
    step = size + pad
    if a.shape != (pad + rows * step, pad + cols * step):
        raise ValueError(f"{path}: a {rows} x {cols} grid of {size}-pixel images with padding "
                         f"{pad} is {pad + rows * step} x {pad + cols * step} pixels, this one "
                         f"is {a.shape[0]} x {a.shape[1]}: pass the grid's rows and cols")
    cells = [[a[pad + r * step:pad + r * step + size, pad + k * step:pad + k * step + size]
              for k in range(cols)] for r in range(rows)]
    return torch.from_numpy(np.array(cells))[:, :, None]


def change_from_centre(labels: torch.Tensor, values=VALUES) -> dict:
    """For digit labels [R, K] of a traversal over `values` (which include 0): the share of
    (row, value) pairs whose digit differs from the row's digit at 0, inside the training
    range (0 < |v| <= 1) and beyond it (|v| > 1), and the share of rows that change at all
    inside it."""
    values = np.asarray(values, dtype=float)
    if labels.shape[1] != len(values) or not np.any(np.isclose(values, 0)):
        raise ValueError(f"one label column per value, with 0 among the values: labels "
                         f"{tuple(labels.shape)}, values {values.tolist()}")
    changed = (labels != labels[:, [int(np.argmin(np.abs(values)))]]).cpu().numpy()  # [R, K]
    inside = (np.abs(values) > 1e-9) & (np.abs(values) <= 1 + 1e-9)
    beyond = np.abs(values) > 1 + 1e-9
    return {"inside": float(changed[:, inside].mean()),
            "beyond": float(changed[:, beyond].mean()) if beyond.any() else float("nan"),
            "rows_inside": float(changed[:, inside].any(axis=1).mean()), "rows": len(labels)}


def digit_change(grids: dict[str, torch.Tensor], ref_x, ref_y, values=VALUES) -> dict:
    """`change_from_centre` for each code's grid [R, K, C, H, W], the digits named by the
    nearest labelled reference image (`entanglement.nearest_neighbour_labels`)."""
    from .entanglement import nearest_neighbour_labels

    out = {}
    for code, grid in grids.items():
        labels = nearest_neighbour_labels(grid.flatten(0, 1), ref_x, ref_y)
        out[code] = change_from_centre(labels.reshape(grid.shape[:2]), values)
    return out
