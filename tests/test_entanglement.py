"""Specifications for infogan_lite.book.entanglement: traversals and the measurements of chapter 3."""
import math

import pytest
import torch

from infogan_lite import InfoGAN, LatentSpec
from infogan_lite.book.entanglement import (
    change_rates, joint_table, nearest_neighbour_labels, traversal, variance_split)
from infogan_lite.book.information import mutual_information


def test_a_traversal_varies_one_input_along_each_row(model):
    grid = traversal(model, "cat", 0, range(10), n_rows=3, seed=0)
    assert grid.shape == (3, 10, 1, 28, 28)
    assert not torch.allclose(grid[0], grid[1])               # rows: different latents
    z_grid = traversal(model, "noise", 5, [-1.0, 1.0], n_rows=2, seed=0)
    assert z_grid.shape == (2, 2, 1, 28, 28)


def test_a_traversal_of_an_input_the_generator_ignores_is_constant_along_rows():
    spec = LatentSpec(n_noise=4, categorical=(3,), continuous=1)
    model = InfoGAN(spec).eval()
    with torch.no_grad():
        model.G.net[0].weight[:, 4:7] = 0                      # G no longer reads c_1
    grid = traversal(model, "cat", 0, range(3), n_rows=4, seed=0)
    assert torch.allclose(grid, grid[:, :1].expand_as(grid), atol=1e-6)
    split = variance_split(grid)
    assert split["along_rows"] == pytest.approx(0.0, abs=1e-9)


def test_variance_split_is_the_law_of_total_variance():
    grid = torch.randn(7, 5, 1, 3, 3)
    s = variance_split(grid)
    assert s["total"] == pytest.approx(s["along_rows"] + s["between_rows"], rel=1e-12)
    assert s["total"] == pytest.approx(s["along_columns"] + s["between_columns"], rel=1e-12)
    flat = grid.double().flatten(2).reshape(35, -1)
    assert s["total"] == pytest.approx(flat.var(dim=0, unbiased=False).sum().item(), rel=1e-12)


def test_change_rates_count_differing_pairs_in_rows_and_columns():
    labels = torch.tensor([[0, 0, 1],
                           [2, 2, 2]])
    along_rows, along_columns = change_rates(labels)
    assert along_rows == pytest.approx((2 * 2 + 0) / (2 * 3 * 2))   # row 0: 4 of 6 ordered pairs
    assert along_columns == pytest.approx(1.0)                      # every column differs


def test_nearest_neighbour_labels_recover_the_reference_labels():
    ref_x = torch.eye(4).reshape(4, 1, 2, 2)
    ref_y = torch.tensor([7, 3, 5, 1])
    x = ref_x + 0.1 * torch.rand(4, 1, 2, 2)
    assert nearest_neighbour_labels(x, ref_x, ref_y, batch=3).tolist() == [7, 3, 5, 1]


def test_joint_table_gives_log_K_of_information_for_a_perfect_code():
    c = torch.arange(10).repeat(20)
    assert mutual_information(joint_table(c, c, 10, 10)) == pytest.approx(math.log(10), abs=1e-12)
    assert mutual_information(joint_table(c, torch.zeros_like(c), 10, 10)) == pytest.approx(0.0)


def test_mutual_information_of_independent_labels_is_only_the_plug_in_bias():
    from infogan_lite.book.entanglement import mi_with_baselines

    g = torch.Generator().manual_seed(0)
    a, b = torch.randint(10, (2000,), generator=g), torch.randint(10, (2000,), generator=g)
    r = mi_with_baselines(a, b, 10, 10, n_perm=100)
    assert r["null_mean"] == pytest.approx(81 / 4000, rel=0.1)   # (10 - 1)^2 / (2n)
    assert abs(r["plug_in"] - 81 / 4000) < 0.01 and r["p"] > 0.05
    assert abs(r["miller_madow"]) < abs(r["plug_in"])            # the correction removes the bias


def test_mutual_information_of_equal_labels_is_the_entropy_and_beats_every_permutation():
    from infogan_lite.book.entanglement import mi_with_baselines

    a = torch.arange(10).repeat(100)
    r = mi_with_baselines(a, a, 10, 10, n_perm=50)
    assert r["plug_in"] == pytest.approx(math.log(10))
    assert r["miller_madow"] == pytest.approx(math.log(10) + (9 + 9 - 9) / 2000)
    assert r["p"] == pytest.approx(1 / 51) and r["null_q95"] < 0.1
