"""Digit-change rates of a continuous code: grids read back from their PNG, rates by hand."""
import numpy as np
import pytest
import torch

from infogan_lite.book.digit_change import change_from_centre, digit_change, read_grid_png
from infogan_lite.book.report import save_grid


def test_a_stored_grid_is_cut_back_into_its_images(tmp_path):
    grid = torch.rand(8, 9, 1, 28, 28)
    save_grid(grid, tmp_path / "c2.png")
    back = read_grid_png(tmp_path / "c2.png")
    assert back.shape == grid.shape
    assert (back - grid).abs().max() <= 1 / 255 + 1e-6          # 8-bit PNG
    with pytest.raises(ValueError, match="pass the grid's rows and cols"):
        read_grid_png(tmp_path / "c2.png", rows=9)


VALUES = np.linspace(-2, 2, 9)                                   # centre: column 4


def test_changes_are_counted_against_the_rows_digit_at_zero_inside_and_beyond():
    labels = torch.tensor([[4, 4, 4, 4, 4, 4, 4, 4, 4],          # never changes
                           [9, 9, 4, 4, 4, 4, 4, 9, 9],          # changes beyond |v| = 1 only
                           [7, 7, 1, 7, 7, 7, 1, 7, 7]])         # changes at v = -1 and 1 only
    r = change_from_centre(labels, VALUES)
    assert r["inside"] == pytest.approx(2 / 12)                  # |v| = 1 is inside the range
    assert r["beyond"] == pytest.approx(4 / 12)
    assert r["rows_inside"] == pytest.approx(1 / 3) and r["rows"] == 3
    with pytest.raises(ValueError, match="0 among the values"):
        change_from_centre(labels, np.linspace(1, 2, 9))


def test_digit_change_names_each_image_by_its_nearest_reference():
    ref_x = torch.stack([torch.zeros(1, 28, 28), torch.ones(1, 28, 28)])
    ref_y = torch.tensor([3, 8])
    grid = torch.zeros(2, 9, 1, 28, 28)
    grid[0, -1] = 0.9                                            # row 0 at v = 2 looks like an 8
    r = digit_change({"c2": grid}, ref_x, ref_y, VALUES)["c2"]
    assert r["inside"] == 0 and r["beyond"] == pytest.approx(1 / 8)
