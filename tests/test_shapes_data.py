"""The shapes data set: five known, independent factors, each visible in the image."""
import itertools

import numpy as np
import pytest
import torch

from infogan_lite import TrainConfig, train
from infogan_lite.data import load_dataset
from infogan_lite.book.disentangle import discretize
from infogan_lite.book.entanglement import joint_table
from infogan_lite.book.information import mutual_information
from infogan_lite.shapes_data import (CATEGORICAL, FACTOR_NAMES, GRID, SHAPES, factor_grid,
                                    make_shapes, render)


@pytest.fixture(scope="module")
def grid():
    return make_shapes()


def test_the_grid_is_every_combination_of_factor_values_once(grid):
    images, factors = grid
    assert images.shape == (3 * 4 * 6 * 8 * 8, 1, 28, 28) and factors.shape == (4608, 5)
    assert images.dtype == torch.float32 and images.min() == 0 and images.max() == 1
    assert [len(factors[:, k].unique()) for k in range(5)] == list(GRID)
    assert len({tuple(r) for r in factors.tolist()}) == 4608
    assert len(FACTOR_NAMES) == len(CATEGORICAL) == 5 and CATEGORICAL[0] and len(SHAPES) == 3


def _pairwise_mi(factors, n_bins=10):
    labels = discretize(factors.numpy(), n_bins)
    return {(a, b): mutual_information(joint_table(torch.from_numpy(labels[:, a]),
                                                   torch.from_numpy(labels[:, b]),
                                                   labels[:, a].max() + 1, labels[:, b].max() + 1))
            for a, b in itertools.combinations(range(5), 2)}


def test_factors_are_independent_on_the_grid_and_in_random_draws(grid):
    assert max(_pairwise_mi(grid[1]).values()) < 1e-12            # a product grid: exactly 0
    # random draws: only the estimator's bias, about (bins - 1)^2 / (2 n) = 0.004 nats
    assert max(_pairwise_mi(make_shapes(10000, seed=0)[1]).values()) < 0.01


def test_random_draws_are_reproducible_from_the_seed():
    x1, f1 = make_shapes(200, seed=3)
    x2, f2 = make_shapes(200, seed=3)
    x3, f3 = make_shapes(200, seed=4)
    assert torch.equal(x1, x2) and torch.equal(f1, f2)
    assert not torch.equal(f1, f3) and not torch.equal(x1, x3)


@pytest.mark.parametrize("k", range(5))
def test_each_factor_changes_the_image_when_the_others_stay_fixed(grid, k):
    """Every step to the next grid value of factor k, from every grid point, moves pixels."""
    images = grid[0].reshape(*GRID, 28, 28)
    changed = images.diff(dim=k).abs().sum(dim=(-1, -2))          # summed grey-level change
    assert changed.min() > 2.0, f"{FACTOR_NAMES[k]}: some step changes < 2 grey levels"


def test_the_shape_stays_inside_the_image(grid):
    images = grid[0][:, 0]
    border = torch.cat([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]], dim=1)
    assert border.max() < 0.5 and images.sum(dim=(1, 2)).min() > 10


def test_the_factor_table_describes_the_image():
    """Same factors, same image; and the factor table of the grid is the one make_shapes renders."""
    assert torch.equal(factor_grid(), make_shapes()[1])
    f = torch.tensor([[0, 0.5, 0.0, 0.5, 0.5], [0, 0.5, 0.0, 0.5, 0.5]])
    x = render(f)
    assert torch.equal(x[0], x[1])
    centre = (x[0, 0] * torch.arange(28.0)[None, :]).sum() / x[0, 0].sum()
    assert abs(centre.item() - 13.5) < 0.1                          # x = 0.5 is the middle


def test_load_dataset_shapes_labels_are_the_shape():
    x, y = load_dataset("shapes", train=False)
    assert x.shape == (4608, 1, 28, 28) and torch.equal(torch.bincount(y), torch.full((3,), 1536))
    x, y = load_dataset("shapes")
    assert x.shape == (20000, 1, 28, 28) and torch.bincount(y, minlength=3).min() > 6000


def test_train_runs_on_shapes(tmp_path, c1_reading):
    cfg = TrainConfig(dataset="shapes", arch_name="tiny", n_noise=10, categorical=(3,), continuous=4,
                      steps=2, batch_size=8, log_every=1, checkpoint_every=2, eval_every=2,
                      device="cpu", threads=1, out_dir=str(tmp_path / "run"))
    model, record = train(cfg, progress=False)
    assert record["step"] == 2 and np.isfinite(record["history"][-1]["L_I_cat"])
    accuracy, _ = c1_reading(model, *load_dataset("shapes", train=False))  # c1 against the shape
    assert record["evals"][-1]["accuracy"] == pytest.approx(accuracy, abs=1e-12)
