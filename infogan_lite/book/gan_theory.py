"""The GAN game on a grid: densities on the real line, integrals by quadrature (chapter 3).

A density is an array of values p(x) on an evenly spaced grid x; integrals use Simpson's
rule. Everything is in nats. Equation labels refer to chapter 3 of the book, which follows
Goodfellow et al. (2014), section 4.
"""
from __future__ import annotations

import numpy as np
from scipy import integrate, stats


def mixture_density(x: np.ndarray, means, stds, weights=None) -> np.ndarray:
    """The density of sum_k w_k N(m_k, s_k^2) at the points x (equal weights by default)."""
    means, stds = np.atleast_1d(means), np.atleast_1d(stds)
    weights = np.full(len(means), 1 / len(means)) if weights is None else np.asarray(weights)
    return sum(w * stats.norm.pdf(x, m, s) for w, m, s in zip(weights, means, stds))


def _xlogy(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a log b, with 0 log 0 = 0 (impossible points do not count)."""
    return np.where(a > 0, a * np.log(np.where(a > 0, b, 1.0)), 0.0)


def integral(values: np.ndarray, x: np.ndarray) -> float:
    """Simpson's rule for the integral of a function given by its values on the grid x."""
    return float(integrate.simpson(values, x=x))


# --- optimal discriminator: start
def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x))  (eq-optimal-d); 1/2 where both vanish."""
    total = p_data + p_g
    return np.where(total > 0, p_data / np.where(total > 0, total, 1.0), 0.5)


def gan_value(D: np.ndarray, p_data: np.ndarray, p_g: np.ndarray, x: np.ndarray) -> float:
    """V(D, G) = E_{p_data}[log D(x)] + E_{p_g}[log(1 - D(x))]  (eq-gan-value), by quadrature."""
    return integral(_xlogy(p_data, D) + _xlogy(p_g, 1 - D), x)
# --- optimal discriminator: end


# --- jensen-shannon: start
def kl_density(p: np.ndarray, q: np.ndarray, x: np.ndarray) -> float:
    """KL(p || q) = integral of p log(p / q) for densities on the grid x (inf if q = 0 < p)."""
    if np.any((p > 0) & (q <= 0)):
        return np.inf
    return integral(_xlogy(p, p) - _xlogy(p, q), x)


def jensen_shannon(p: np.ndarray, q: np.ndarray, x: np.ndarray) -> float:
    """JSD(p || q) = KL(p || m) / 2 + KL(q || m) / 2 with m = (p + q) / 2  (eq-jsd)."""
    m = (p + q) / 2
    return 0.5 * kl_density(p, m, x) + 0.5 * kl_density(q, m, x)
# --- jensen-shannon: end

