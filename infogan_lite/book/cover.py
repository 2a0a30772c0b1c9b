"""The book's first picture (the introduction, before chapter 1): the committed MNIST model's
categories down, its continuous code c2 across, all from one noise vector.

Rows are ordered by the digit each category of c1 was paired with on the test set (the
manifest's metrics, `book.confusion.confusion_by_label`), so the reader sees 0 to 9 top to bottom.
`tools/cover.py` writes the PNG the introduction shows; tests/test_cover.py checks that the
stored picture is what the committed weights draw today.
"""
from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from .confusion import confusion_by_label

C2_VALUES = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)   # beyond U(-1, 1): extrapolation
NOISE_SEED = 0


@torch.no_grad()
def traversal_grid(model, order, c2_values=C2_VALUES, seed: int = NOISE_SEED) -> np.ndarray:
    """Images G(z, c) as one uint8 array [rows * 28, columns * 28]: row r is category
    order[r] of c1, column j sets c2 = c2_values[j], c3 = 0; one noise vector for all."""
    rows, cols = len(order), len(c2_values)
    cat = torch.tensor(order).repeat_interleave(cols)[:, None]
    cont = torch.zeros(rows * cols, model.spec.continuous)
    cont[:, 0] = torch.tensor(c2_values).repeat(rows)
    noise = model.spec.sample(1, generator=torch.Generator().manual_seed(seed))[0]
    x = model.generate(cat, cont, noise=noise.expand(rows * cols, -1))      # [n, 1, 28, 28]
    h, w = x.shape[-2:]
    grid = x[:, 0].reshape(rows, cols, h, w).permute(0, 2, 1, 3).reshape(rows * h, cols * w)
    return (grid.clamp(0, 1) * 255).round().to(torch.uint8).numpy()


def cover_image(model, metrics: dict, scale: int = 2) -> Image.Image:
    """The grid as a picture, dark digits on white, enlarged `scale` times (nearest pixel);
    `metrics` are the manifest's c1 metrics on the test set (they order the rows)."""
    pixels = 255 - traversal_grid(model, confusion_by_label(metrics)[1])
    image = Image.fromarray(pixels, mode="L")
    return image.resize((image.width * scale, image.height * scale), Image.NEAREST)
