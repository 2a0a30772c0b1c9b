"""Small helpers for the book's notebooks (every chapter): smoke mode, image grids, glue, tables."""
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


def markdown_table(header, rows, align: str | None = None):
    """A table as rendered Markdown (every chapter): a notebook shows it as a table, and the
    book renders it as one, which a narrow screen can show without scrolling sideways.

    header: column titles; rows: sequences of cells, each formatted with str();
    align: one character per column, "l", "c" or "r" (default: left, then right-aligned).
    """
    from IPython.display import Markdown

    header = [str(h) for h in header]
    rows = [[str(v) for v in row] for row in rows]
    align = align or "l" + "r" * (len(header) - 1)
    if len(align) != len(header) or any(len(row) != len(header) for row in rows):
        raise ValueError(f"markdown_table: {len(header)} columns in the header, align "
                         f"{align!r} and rows of lengths {sorted({len(r) for r in rows})}")
    rule = {"l": ":--", "c": ":-:", "r": "--:"}

    def line(cells):
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return Markdown("\n".join([line(header), line(rule[a] for a in align), *map(line, rows)]))
