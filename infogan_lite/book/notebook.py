"""Small helpers for the book's notebooks (every chapter): smoke mode and image grids."""
from __future__ import annotations

import os

import torch

SMOKE_VAR = "INFOGAN_LITE_SMOKE"


def smoke_mode() -> bool:
    """True when INFOGAN_LITE_SMOKE=1 (CI): notebooks shrink training to seconds, asserts stay."""
    return os.environ.get(SMOKE_VAR, "") == "1"


SMOKE = smoke_mode()


def image_grid(images: torch.Tensor, nrow: int, pad: int = 2) -> torch.Tensor:
    """Tile images [n, C, H, W] in [0, 1] into one [H', W'] (grey) or [H', W', 3] array for imshow."""
    from torchvision.utils import make_grid

    grid = make_grid(images.detach().cpu().float(), nrow=nrow, padding=pad, pad_value=1.0)
    return grid[0] if images.shape[1] == 1 else grid.permute(1, 2, 0)
