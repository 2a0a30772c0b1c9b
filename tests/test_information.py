"""Specifications for infogan_lite.book.information: the identities of chapters 1 and 2."""
import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from infogan_lite.book.information import (
    L_I, L_I_monte_carlo, additive_toy_generator, conditional_entropy, entropy,
    gaussian_channel_gap, gaussian_channel_L_I, gaussian_channel_L_I_monte_carlo,
    gaussian_channel_mutual_information, gaussian_channel_posterior, gaussian_entropy,
    gaussian_mi_monte_carlo, gaussian_mutual_information, kl_divergence,
    lemma_5_1_monte_carlo, mutual_information, posterior_gap)
from infogan_lite.losses import log_q_categorical

RNG_SEED = 20160612


@pytest.fixture
def rng():
    return np.random.default_rng(RNG_SEED)


@pytest.fixture
def toy():
    return additive_toy_generator(3, [0.4, 0.3, 0.2, 0.1])


def random_Q(rng, K, n_x):
    """A random conditional table Q[c, x]: each column a distribution over c."""
    return rng.dirichlet(np.ones(K), size=n_x).T


# Chapter 1: entropy and KL divergence

def test_entropy_matches_scipy(rng):
    p = rng.dirichlet(np.ones(7))
    assert entropy(p) == pytest.approx(stats.entropy(p), abs=1e-12)


def test_entropy_of_uniform_distribution_is_log_K_and_of_point_mass_is_zero():
    assert entropy(np.full(10, 0.1)) == pytest.approx(math.log(10), abs=1e-12)
    assert entropy([0.0, 1.0, 0.0]) == 0.0


def test_entropy_never_exceeds_log_K(rng):
    for _ in range(100):
        p = rng.dirichlet(np.full(5, 0.3))
        assert entropy(p) == pytest.approx(stats.entropy(p), abs=1e-12)   # -sum p log p
        assert 0 <= entropy(p) <= math.log(5) + 1e-12


def test_entropy_rejects_a_non_distribution():
    with pytest.raises(ValueError, match="sum to 1"):
        entropy([0.5, 0.6])


def test_kl_divergence_matches_scipy_and_is_not_symmetric(rng):
    p, q = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(4))
    assert kl_divergence(p, q) == pytest.approx(stats.entropy(p, q), abs=1e-12)
    assert kl_divergence(p, q) != pytest.approx(kl_divergence(q, p), abs=1e-3)


def test_kl_divergence_is_positive_unless_the_distributions_are_equal(rng):
    for _ in range(100):
        p, q = rng.dirichlet(np.ones(4)), rng.dirichlet(np.ones(4))
        assert kl_divergence(p, q) == pytest.approx(np.sum(p * np.log(p / q)), abs=1e-12)
        assert kl_divergence(p, q) > 0
        assert kl_divergence(p, p) == 0.0


def test_kl_divergence_is_infinite_when_Q_misses_part_of_Ps_support():
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2))


# Chapter 1: mutual information

def test_mutual_information_of_independent_variables_is_zero(rng):
    P_xy = np.outer(rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(5)))
    assert mutual_information(P_xy) == pytest.approx(0.0, abs=1e-12)


def test_mutual_information_equals_entropy_minus_conditional_entropy(rng):
    P_xy = rng.dirichlet(np.ones(12)).reshape(3, 4)
    H_x, H_y = entropy(P_xy.sum(1)), entropy(P_xy.sum(0))
    I = mutual_information(P_xy)
    assert I == pytest.approx(H_x - conditional_entropy(P_xy), abs=1e-12)
    assert I == pytest.approx(H_y - conditional_entropy(P_xy.T), abs=1e-12)
    assert I == pytest.approx(H_x + H_y - entropy(P_xy), abs=1e-12)
    assert I > 0


def test_mutual_information_of_a_variable_with_itself_is_its_entropy(rng):
    p = rng.dirichlet(np.ones(6))
    assert mutual_information(np.diag(p)) == pytest.approx(entropy(p), abs=1e-12)


def test_gaussian_entropy_of_unit_normal_and_scaling():
    assert gaussian_entropy(1.0) == pytest.approx(0.5 * math.log(2 * math.pi * math.e))
    assert gaussian_entropy(3.0) - gaussian_entropy(1.0) == pytest.approx(math.log(3.0))


def test_gaussian_mutual_information_is_the_kl_from_the_product_of_marginals():
    rho = 0.8
    joint = stats.multivariate_normal(cov=[[1, rho], [rho, 1]])

    def integrand(y, x):
        p = joint.pdf([x, y])
        return p * math.log(p / (stats.norm.pdf(x) * stats.norm.pdf(y)))

    kl, _ = integrate.dblquad(integrand, -9, 9, -9, 9, epsabs=1e-9)
    assert gaussian_mutual_information(rho) == pytest.approx(kl, abs=1e-6)


def test_gaussian_mutual_information_monte_carlo_agrees_within_four_standard_errors(rng):
    for rho in (0.0, 0.5, -0.9):
        estimate, se = gaussian_mi_monte_carlo(rho, 20_000, rng)
        assert abs(estimate - gaussian_mutual_information(rho)) < 4 * se + 1e-12


# Chapter 2: the variational bound

def test_L_I_is_below_the_mutual_information_for_any_Q(toy, rng):
    P_cx, I = toy.joint(), mutual_information(toy.joint())
    for _ in range(50):
        assert L_I(P_cx, random_Q(rng, 3, toy.n_x), toy.H_c) < I


def test_gap_equals_expected_kl_from_the_posterior(toy, rng):
    P_cx, I = toy.joint(), mutual_information(toy.joint())
    for _ in range(20):
        Q = random_Q(rng, 3, toy.n_x)
        assert I - L_I(P_cx, Q, toy.H_c) == pytest.approx(posterior_gap(P_cx, Q), abs=1e-12)


def test_L_I_equals_mutual_information_at_the_true_posterior(toy):
    P_cx = toy.joint()
    assert L_I(P_cx, toy.posterior(), toy.H_c) == pytest.approx(mutual_information(P_cx),
                                                                abs=1e-12)
    assert posterior_gap(P_cx, toy.posterior()) == pytest.approx(0.0, abs=1e-12)


def test_L_I_is_zero_when_Q_ignores_x_and_equals_the_prior(toy):
    Q = np.repeat(toy.P_c[:, None], toy.n_x, axis=1)
    assert L_I(toy.joint(), Q, toy.H_c) == pytest.approx(0.0, abs=1e-12)


def test_categorical_L_I_equals_H_c_when_x_reveals_c():
    toy = additive_toy_generator(4, [1.0])                    # no noise: x = c
    assert L_I(toy.joint(), toy.posterior(), toy.H_c) == pytest.approx(math.log(4), abs=1e-12)
    assert mutual_information(toy.joint()) == pytest.approx(math.log(4), abs=1e-12)


def test_posterior_is_bayes_rule_and_sums_to_one(toy):
    post = toy.posterior()
    assert np.allclose(post.sum(axis=0), 1.0)
    assert post[:, 0] == pytest.approx([1.0, 0.0, 0.0])      # x = 0 only from c = 0, z = 0
    assert post[:, 1] == pytest.approx([0.3 / 0.7, 0.4 / 0.7, 0.0])


def test_forward_samples_follow_the_joint_distribution(toy, rng):
    c, _, x = toy.sample(100_000, rng)
    counts = np.zeros_like(toy.joint())
    np.add.at(counts, (c, x), 1)
    assert np.abs(counts / 100_000 - toy.joint()).max() < 0.01


def test_posterior_samples_follow_the_posterior(toy, rng):
    x = np.full(100_000, 2)
    freq = np.bincount(toy.sample_posterior(x, rng), minlength=3) / 100_000
    assert np.abs(freq - toy.posterior()[:, 2]).max() < 0.01


def test_lemma_5_1_resampling_c_from_the_posterior_keeps_the_joint_law(toy):
    """The joint of (c', x) with c' ~ P(c|x) is sum_c P(c, x) P(c'|x) = P(c', x)."""
    P_cx, post = toy.joint(), toy.posterior()
    P_cprime_x = post * P_cx.sum(axis=0)                      # sum over c of P(c, x) P(c'|x)
    assert np.allclose(P_cprime_x, P_cx, atol=1e-15)


def test_lemma_5_1_monte_carlo_sides_agree_within_four_standard_errors(toy, rng):
    f = rng.normal(size=(3, toy.n_x))
    exact = float(np.sum(toy.joint() * f))
    (left, se_left), (right, se_right) = lemma_5_1_monte_carlo(
        toy, lambda c, x: f[c, x], 50_000, rng)
    assert abs(left - exact) < 4 * se_left
    assert abs(right - exact) < 4 * se_right


def test_L_I_monte_carlo_agrees_with_the_exact_bound(toy, rng):
    Q = random_Q(rng, 3, toy.n_x)
    estimate, se = L_I_monte_carlo(toy, Q, 50_000, rng)
    assert abs(estimate - L_I(toy.joint(), Q, toy.H_c)) < 4 * se


def test_training_loss_computes_the_same_bound_as_this_chapter(toy, rng):
    """losses.log_q_categorical + H(c) on forward samples is the Monte Carlo L_I."""
    Q = random_Q(rng, 3, toy.n_x)
    c, _, x = toy.sample(1000, rng)
    logits = torch.tensor(np.log(Q[:, x].T))                 # log Q are valid logits
    from_loss = log_q_categorical([logits], torch.tensor(c)[:, None]).item() + toy.H_c
    # log_q_categorical works in float32, hence the tolerance
    assert from_loss == pytest.approx(np.mean(np.log(Q[c, x])) + toy.H_c, abs=1e-5)


# Chapter 2: the Gaussian channel x = c + sigma z

@pytest.mark.parametrize("sigma", [0.3, 1.0, 2.0])
def test_gaussian_channel_bound_is_tight_exactly_at_the_posterior(sigma):
    a_star, v = gaussian_channel_posterior(sigma)
    I = gaussian_channel_mutual_information(sigma)
    assert gaussian_channel_L_I(a_star, math.sqrt(v), sigma) == pytest.approx(I, abs=1e-12)
    for a, s in [(a_star + 0.1, math.sqrt(v)), (a_star, 1.0), (0.0, 1.0)]:
        gap = gaussian_channel_gap(a, s, sigma)
        assert gap > 0
        assert I - gaussian_channel_L_I(a, s, sigma) == pytest.approx(gap, abs=1e-12)


def test_gaussian_channel_bound_with_unit_variance_Q_never_exceeds_one_half():
    for sigma in (1e-3, 0.1, 1.0):
        a_star, _ = gaussian_channel_posterior(sigma)
        assert gaussian_channel_L_I(a_star, 1.0, sigma) <= 0.5


def test_gaussian_channel_L_I_monte_carlo_agrees_with_the_closed_form(rng):
    estimate, se = gaussian_channel_L_I_monte_carlo(0.7, 0.8, 0.5, 50_000, rng)
    assert abs(estimate - gaussian_channel_L_I(0.7, 0.8, 0.5)) < 4 * se
