"""Small helpers for the book's notebooks (every chapter): smoke mode, image grids, glue."""
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


GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value, display: bool = False) -> None:
    """Store `value`'s display form in the cell's output under `name`, for the book's prose to
    paste with {glue}`name` (myst-nb's glue, without importing myst-nb, which Colab lacks).

    The output has the form myst-nb reads: the display data under GLUE_PREFIX (hidden in
    the notebook unless display=True) and {"scrapbook": {"name", "mime_prefix"}} metadata.
    """
    from IPython.core.formatters import format_display_data
    from IPython.display import display as show

    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    show({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)
