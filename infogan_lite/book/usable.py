"""Usable information: what a reader from a restricted family can read of a code (chapter 5).

Mutual information counts what *any* reader could read; the variational bound with a fixed
family of readers Q counts what *that family* can read, the V-information of
Xu et al. (2020). This module computes both exactly on small models (a parabola generator,
a discrete table, the GAN's source bit). The readers that chapter 5 trains on samples of
MNIST generators are in ``readers.py``. Everything is in nats.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

from .information import _distribution, kl_divergence


# --- logistic reader: start
def fit_logistic_reader(features: np.ndarray, c: np.ndarray, weights: np.ndarray, K: int,
                        max_weight: float = 1e3) -> tuple[float, np.ndarray]:
    """The best reader q(c|x) = softmax(W phi(x)) of a weighted population of pairs (c, x).

    features: phi(x) [n, d] (include a constant column for a bias); c: codes [n];
    weights: P(c, x) of each pair [n], summing to 1. The weights W are bounded by
    |W| <= max_weight, so that on separable data the optimum exists; as max_weight grows
    the result approaches the supremum over the whole family.
    Returns (max_W E[log q(c|x)], W [d, K]).
    """
    weights = _distribution(weights)
    n, d = features.shape
    onehot = np.eye(K)[c]

    def loss(w):  # minus E[log q(c|x)] and its gradient
        W = w.reshape(d, K)
        logits = features @ W
        logits -= logits.max(axis=1, keepdims=True)
        log_q = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        grad = features.T @ (weights[:, None] * (np.exp(log_q) - onehot))
        return -np.sum(weights * log_q[np.arange(n), c]), grad.ravel()

    res = optimize.minimize(loss, np.zeros(d * K), jac=True, method="L-BFGS-B",
                            bounds=[(-max_weight, max_weight)] * (d * K),
                            options={"maxiter": 5000, "ftol": 1e-13, "gtol": 1e-10})
    return -float(res.fun), res.x.reshape(d, K)


def v_information(features: np.ndarray, c: np.ndarray, weights: np.ndarray, K: int,
                  H_c: float, **kw) -> float:
    """I_V(x -> c) = H_V(c) - H_V(c | x) for the family of logistic readers on `features`.

    The family contains the readers that ignore x and answer the prior (for a uniform
    prior: W = 0 on every feature but the constant), so H_V(c) = H(c), and the
    V-information is the variational bound at its best reader: max_Q E[log Q(c|x)] + H(c).
    """
    return fit_logistic_reader(features, c, weights, K, **kw)[0] + H_c
# --- logistic reader: end


# --- parabola: start
def parabola_generator(eps: float, n_z: int = 4001):
    """x = G(z, c) = (z, z^2 + eps c), with c fair on {0, 1} and z ~ U(-1, 1) (n_z grid points).

    The two codes draw two parabolas a distance eps apart: disjoint sets, so c is a function
    of x and I(c; x) = H(c) = log 2 for every eps > 0, however small. Returns the population
    as arrays: x [2 n_z, 2], c [2 n_z], weights [2 n_z] (midpoint rule for the integral over z).
    """
    z = -1 + (np.arange(n_z) + 0.5) * 2 / n_z
    c = np.repeat([0, 1], n_z)
    zz = np.tile(z, 2)
    x = np.column_stack([zz, zz**2 + eps * c])
    return x, c, np.full(2 * n_z, 1 / (2 * n_z))


def linear_features(x: np.ndarray) -> np.ndarray:
    """phi(x) = (1, x_1, ..., x_d): a logistic reader with these features is linear."""
    return np.column_stack([np.ones(len(x)), x])


def quadratic_features(x: np.ndarray) -> np.ndarray:
    """phi(x) = (1, x, and every product x_i x_j): a reader with quadratic logits."""
    d = x.shape[1]
    prods = [x[:, i] * x[:, j] for i in range(d) for j in range(i, d)]
    return np.column_stack([linear_features(x), *prods])


def unbend(x: np.ndarray) -> np.ndarray:
    """h(x) = (x_1, x_2 - x_1^2), an invertible map of the plane (inverse: x_2 = y_2 + y_1^2)."""
    return np.column_stack([x[:, 0], x[:, 1] - x[:, 0] ** 2])
# --- parabola: end


# --- table: start
def polynomial_features(n_x: int, degree: int) -> np.ndarray:
    """phi(x) = (1, u, ..., u^degree) for the values x = 0..n_x-1 scaled to u in [-1, 1]."""
    u = np.linspace(-1, 1, n_x)
    return np.column_stack([u**k for k in range(degree + 1)])


def table_population(P_cx: np.ndarray):
    """A joint table P(c, x) as weighted pairs: (c [m], x [m], weights [m]) for P > 0."""
    c, x = np.nonzero(P_cx)
    return c, x, P_cx[c, x]
# --- table: end


# --- source bit: start
def source_bit_joint(p_data, p_g) -> np.ndarray:
    """P(x, s) for a fair source bit s: s = 1 draws x from p_data, s = 0 from p_g. [n_x, 2]."""
    p_data, p_g = _distribution(p_data), _distribution(p_g)
    return np.column_stack([p_g, p_data]) / 2


def jensen_shannon_discrete(p, q) -> float:
    """JSD(p || q) = KL(p || m) / 2 + KL(q || m) / 2 with m = (p + q) / 2."""
    m = (_distribution(p) + _distribution(q)) / 2
    return 0.5 * kl_divergence(p, m) + 0.5 * kl_divergence(q, m)


def gan_value_discrete(D, p_data, p_g) -> float:
    """V(D, G) = E_{p_data}[log D(x)] + E_{p_g}[log(1 - D(x))], on a finite set."""
    D, p_data, p_g = np.asarray(D, float), _distribution(p_data), _distribution(p_g)
    real, fake = p_data > 0, p_g > 0          # 0 log 0 = 0: impossible points do not count
    with np.errstate(divide="ignore"):
        return float(np.sum(p_data[real] * np.log(D[real]))
                     + np.sum(p_g[fake] * np.log(1 - D[fake])))


def source_bit_bound(D, p_data, p_g) -> float:
    """The variational bound on I(x; s) with reader q(s = 1 | x) = D(x):
    E[log q(s | x)] + H(s) = V(D, G) / 2 + log 2."""
    return gan_value_discrete(D, p_data, p_g) / 2 + math.log(2)
# --- source bit: end



# --- fano: start
def binary_entropy(p: float) -> float:
    """h(p) = -p log p - (1 - p) log(1 - p), in nats; h(0) = h(1) = 0."""
    if not 0 <= p <= 1:
        raise ValueError(f"binary_entropy takes a probability in [0, 1], got {p!r}")
    return float(-sum(q * math.log(q) for q in (p, 1 - p) if q > 0))


def fano_lower_bound(p_err: float, K: int, H_c: float | None = None) -> float:
    """The lower bound on I(c; x) that a reader with error probability p_err implies.

    Fano's inequality: any guess of a K-valued c from x that is wrong with probability
    p_err leaves H(c | x) <= h(p_err) + p_err log(K - 1), so

        I(c; x) >= H(c) - h(p_err) - p_err log(K - 1)      (eq-fano)

    (nats; H_c defaults to log K, a uniform c). It is vacuous (negative) when the reader
    does no better than a blind guess.
    """
    if K < 2:
        raise ValueError(f"fano_lower_bound needs a code with K >= 2 values, got K = {K}")
    H_c = math.log(K) if H_c is None else H_c
    return H_c - binary_entropy(p_err) - p_err * math.log(K - 1)


def error_upper_limit(n_errors: int, n: int, level: float = 0.95) -> float:
    """The exact (Clopper-Pearson) one-sided upper confidence limit, at `level`, of an error
    probability of which n_errors in n held-out trials were observed: fed to
    `fano_lower_bound`, it gives a bound on I(c; x) that holds with that confidence."""
    if not 0 <= n_errors <= n or n < 1:
        raise ValueError(f"error_upper_limit needs 0 <= n_errors <= n and n >= 1, "
                         f"got {n_errors} errors in {n} trials")
    return 1.0 if n_errors == n else float(stats.beta.ppf(level, n_errors + 1, n - n_errors))


def fano_held_out(n_errors: int, n: int, K: int, level: float = 0.95) -> float:
    """The Fano bound (eq-fano) that a reader's n_errors in n held-out pairs imply with
    confidence `level`: `fano_lower_bound` at the error's upper limit, or 0 (no claim) when
    that limit reaches the blind guess's error 1 - 1/K, where the bound stops decreasing."""
    p_err = error_upper_limit(n_errors, n, level)
    return fano_lower_bound(p_err, K) if p_err < 1 - 1 / K else 0.0


def symmetric_channel_joint(K: int, p_err: float) -> np.ndarray:
    """P[c, x] of the K-ary symmetric channel: c uniform, x = c with probability 1 - p_err,
    else one of the K - 1 other values uniformly; reading x itself errs with p_err, and
    there Fano's bound is an equality."""
    P = np.full((K, K), p_err / (K - 1))
    np.fill_diagonal(P, 1 - p_err)
    return P / K
# --- fano: end
