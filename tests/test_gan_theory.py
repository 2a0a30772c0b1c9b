"""Specifications for infogan_lite.book.gan_theory: the optimal discriminator and the JSD (chapter 3)."""
import math

import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon

from infogan_lite.book.gan_theory import (
    gan_value, jensen_shannon, kl_density, mixture_density, optimal_discriminator)

X = np.linspace(-12, 12, 24_001)
DX = X[1] - X[0]


@pytest.fixture
def pair():
    """A two-mode data density and a one-mode generator density on the grid X."""
    return (mixture_density(X, [-2.0, 2.0], [0.5, 0.8], [0.3, 0.7]),
            mixture_density(X, [0.5], [1.5]))


def test_mixture_density_integrates_to_one(pair):
    for p in pair:
        assert np.sum(p) * DX == pytest.approx(1.0, abs=1e-9)


def test_value_at_the_optimal_discriminator_is_minus_log_4_plus_twice_the_JSD(pair):
    p_data, p_g = pair
    V = gan_value(optimal_discriminator(p_data, p_g), p_data, p_g, X)
    assert V == pytest.approx(-math.log(4) + 2 * jensen_shannon(p_data, p_g, X), abs=1e-9)


def test_jensen_shannon_matches_scipy_on_the_grid(pair):
    p_data, p_g = pair
    assert jensen_shannon(p_data, p_g, X) == pytest.approx(
        jensenshannon(p_data * DX, p_g * DX) ** 2, abs=1e-6)


def test_optimal_discriminator_beats_every_perturbed_discriminator(pair):
    p_data, p_g = pair
    D_star = optimal_discriminator(p_data, p_g)
    V_star = gan_value(D_star, p_data, p_g, X)
    logit = np.log(D_star) - np.log1p(-D_star)
    rng = np.random.default_rng(0)
    for _ in range(50):
        bump = rng.normal() * np.cos(rng.uniform(0.1, 4) * X + rng.uniform(0, 6.3))
        assert gan_value(1 / (1 + np.exp(-(logit + 0.3 * bump))), p_data, p_g, X) < V_star


def test_a_perfect_generator_leaves_a_coin_toss_and_the_value_minus_log_4(pair):
    p_data, _ = pair
    D = optimal_discriminator(p_data, p_data)
    assert np.allclose(D, 0.5)
    assert gan_value(D, p_data, p_data, X) == pytest.approx(-math.log(4), abs=1e-12)
    assert jensen_shannon(p_data, p_data, X) == pytest.approx(0.0, abs=1e-12)


def test_jsd_is_symmetric_and_reaches_log_2_for_disjoint_supports(pair):
    p_data, p_g = pair
    assert jensen_shannon(p_data, p_g, X) == pytest.approx(jensen_shannon(p_g, p_data, X), abs=1e-12)
    far_a, far_b = mixture_density(X, [-5.0], [0.1]), mixture_density(X, [5.0], [0.1])
    assert jensen_shannon(far_a, far_b, X) == pytest.approx(math.log(2), abs=1e-9)


def test_kl_is_infinite_where_q_vanishes_and_p_does_not():
    p = np.where(np.abs(X) < 1, 0.5, 0.0)
    q = np.where(X > 0, 0.25, 0.0) * (X < 4)
    assert kl_density(p, q, X) == math.inf


def test_optimal_discriminator_is_one_half_where_both_densities_vanish():
    assert optimal_discriminator(np.array([0.0, 1.0]), np.array([0.0, 3.0])).tolist() == [0.5, 0.25]
