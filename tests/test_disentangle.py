"""MIG and SAP: known answers for perfect, random and entangled encoders."""
import math

import numpy as np
import pytest
import torch
from scipy.linalg import hadamard
from scipy.optimize import linear_sum_assignment

from infogan_lite import InfoGAN, LatentSpec
from infogan_lite.book.disentangle import discretize, evaluate_disentanglement, infer_codes, mig, sap
from infogan_lite.shapes_data import CATEGORICAL, factor_grid


@pytest.fixture(scope="module")
def factors():
    return factor_grid().numpy().astype(float)


def _standardise(f):
    return (f - f.mean(0)) / f.std(0)


def _both(codes, factors, categorical=CATEGORICAL):
    return mig(codes, factors)["mig"], sap(codes, factors, categorical)["sap"]


@pytest.mark.parametrize("distort", [np.tanh, np.exp, lambda v: v ** 3])
def test_codes_that_are_the_factors_score_near_one(factors, distort):
    """Each code one factor, in another order, bent monotonically, with a little noise."""
    z = _standardise(factors)
    order = [3, 0, 4, 1, 2]
    noise = 0.01 * np.random.default_rng(0).normal(size=(len(z), 5))
    scores = _both(distort(z[:, order]) + noise, factors)
    assert min(scores) > 0.9, scores


def test_codes_independent_of_the_factors_score_near_zero(factors):
    codes = np.random.default_rng(1).normal(size=(len(factors), 6))
    scores = _both(codes, factors)
    assert max(scores) < 0.1, scores


def test_codes_that_each_mix_all_factors_equally_score_near_zero(factors):
    """A Hadamard mixing: every code is (+-z1 +- z2 +- z3 +- z4) / 2, so no code leads."""
    f = factors[:, 1:]                                   # the four continuous factors
    codes = _standardise(f) @ hadamard(4) / 2
    scores = _both(codes, f, CATEGORICAL[1:])
    assert max(scores) < 0.1, scores


def test_randomly_rotated_codes_score_far_below_perfect(factors):
    z = _standardise(factors)
    scores = np.array([_both(z @ np.linalg.qr(np.random.default_rng(s).normal(size=(5, 5)))[0],
                             factors) for s in range(8)])
    assert scores.mean(axis=0).max() < 0.5, scores.mean(axis=0)


def test_mig_by_hand():
    """One factor, two codes: a copy of it and an independent coin, then two copies."""
    v = np.array([0, 0, 1, 1] * 5)
    coin = np.array([0, 1, 0, 1] * 5)
    out = mig(np.stack([coin, v], 1), v[:, None])
    assert np.ravel(out["mi"]) == pytest.approx([0.0, math.log(2)])
    assert out["mig"] == pytest.approx(1.0)
    assert mig(np.stack([v, v], 1), v[:, None])["mig"] == pytest.approx(0.0)   # no gap


def test_discretize_keeps_few_values_and_bins_many():
    few = np.array([0.3, 0.1, 0.3, 7.0])
    assert discretize(few)[:, 0].tolist() == [1, 0, 1, 2]
    many = np.linspace(0, 1, 1000)
    labels = discretize(many, n_bins=20)[:, 0]
    assert labels.min() == 0 and labels.max() == 19 and np.all(np.diff(labels) >= 0)
    assert np.bincount(labels).min() >= 49


def test_bad_inputs_name_the_problem(factors):
    with pytest.raises(ValueError, match="never change"):
        mig(np.random.rand(10, 2), np.zeros((10, 1)))
    with pytest.raises(ValueError, match="best two codes"):
        mig(np.random.rand(10, 1), factors[:10])
    with pytest.raises(ValueError, match="one categorical flag per factor"):
        sap(np.random.rand(10, 3), factors[:10], (True,))


def test_q_codes_have_one_column_per_code():
    torch.manual_seed(0)
    model = InfoGAN(LatentSpec(10, (3,), 4))
    images = torch.rand(50, 1, 28, 28)
    codes = infer_codes(model, images, batch=20)
    assert codes.shape == (50, 5) and set(np.unique(codes[:, 0])) <= {0, 1, 2}
    assert model.training, "infer_codes must restore the training mode"
    f = factor_grid().numpy()[np.random.default_rng(0).choice(4608, 50, replace=False)]
    out = evaluate_disentanglement(model, images, f)
    assert set(out) == {"mig", "sap", "c1"}
    codes = infer_codes(model, images, batch=50)  # the same readings, put together by hand
    assert out["mig"] == mig(codes, f) and out["sap"] == sap(codes, f, CATEGORICAL)
    counts = np.zeros((3, 3))
    np.add.at(counts, (codes[:, 0].astype(int), f[:, 0].astype(int)), 1)
    rows, cols = linear_sum_assignment(-counts)          # the best one-to-one pairing
    assert out["c1"]["accuracy"] == pytest.approx(counts[rows, cols].sum() / 50)
