"""Entropy, KL divergence, mutual information and the variational bound L_I (chapters 1-2).

Everything is in nats (natural logarithms). A discrete distribution is an array of
probabilities. A joint distribution is a table, ``P_xy[x, y]`` or ``P_cx[c, x]``. A
conditional distribution such as Q(c|x) is a table ``Q[c, x]`` whose columns sum to one,
so that ``Q[c, x]`` reads as Q(c | x). Equation labels refer to the book's chapters.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import stats


def _distribution(p) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not math.isclose(p.sum(), 1.0, abs_tol=1e-9):
        raise ValueError(f"not a probability distribution: entries must be >= 0 and sum "
                         f"to 1, got sum {p.sum():.6g} and minimum {p.min():.3g}")
    return p


# --- monte carlo: start
def mc_estimate(samples) -> tuple[float, float]:
    """A Monte Carlo estimate: the sample mean and its standard error std / sqrt(n)."""
    samples = np.asarray(samples, dtype=float)
    return float(samples.mean()), float(samples.std(ddof=1) / math.sqrt(samples.size))
# --- monte carlo: end


# --- entropy: start
def entropy(p) -> float:
    """H(P) = -sum_x p(x) log p(x)  (eq-entropy). Terms with p(x) = 0 count as 0."""
    p = _distribution(p)
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))
# --- entropy: end


# --- kl: start
def kl_divergence(p, q) -> float:
    """KL(P || Q) = sum_x p(x) log(p(x) / q(x))  (eq-kl); +inf if q(x) = 0 < p(x)."""
    p, q = _distribution(p), _distribution(q)
    support = p > 0
    if np.any(q[support] == 0):
        return math.inf
    return float(np.sum(p[support] * np.log(p[support] / q[support])))
# --- kl: end


# --- conditional entropy: start
def conditional_entropy(P_xy) -> float:
    """H(X | Y) = sum_y P(y) H(X | Y = y)  (eq-conditional-entropy), from a table P_xy[x, y]."""
    P_xy = _distribution(P_xy)
    P_y = P_xy.sum(axis=0)
    return float(sum(P_y[y] * entropy(P_xy[:, y] / P_y[y])
                     for y in range(P_xy.shape[1]) if P_y[y] > 0))
# --- conditional entropy: end


# --- mutual information: start
def mutual_information(P_xy) -> float:
    """I(X; Y) = KL(P_XY || P_X P_Y)  (eq-mi-kl), from a table P_xy[x, y]."""
    P_xy = _distribution(P_xy)
    P_x, P_y = P_xy.sum(axis=1), P_xy.sum(axis=0)
    return kl_divergence(P_xy.ravel(), np.outer(P_x, P_y).ravel())
# --- mutual information: end


# --- gaussian: start
def gaussian_entropy(sigma: float) -> float:
    """Differential entropy of N(mu, sigma^2): (1/2) log(2 pi e sigma^2)  (eq-gaussian-entropy)."""
    return 0.5 * math.log(2 * math.pi * math.e * sigma**2)


def gaussian_mutual_information(rho: float) -> float:
    """I(X; Y) = -(1/2) log(1 - rho^2) for a standard bivariate normal  (eq-gaussian-mi)."""
    return -0.5 * math.log1p(-rho**2)


def sample_gaussian_pair(rho: float, n: int, rng: np.random.Generator):
    """n draws of (X, Y), standard normals with correlation rho: Y = rho X + sqrt(1-rho^2) E."""
    x = rng.standard_normal(n)
    y = rho * x + math.sqrt(1 - rho**2) * rng.standard_normal(n)
    return x, y


def gaussian_mi_monte_carlo(rho: float, n: int, rng: np.random.Generator):
    """Estimate I(X; Y) as the mean of log p(x, y) / (p(x) p(y)) over samples  (eq-mi-mc).

    Returns (estimate, standard error). The densities come from scipy.stats, so the
    check against the closed form does not reuse its algebra.
    """
    x, y = sample_gaussian_pair(rho, n, rng)
    joint = stats.multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]])
    log_ratio = joint.logpdf(np.column_stack([x, y])) - stats.norm.logpdf(x) - stats.norm.logpdf(y)
    return mc_estimate(log_ratio)
# --- gaussian: end


# --- toy generator: start
@dataclass(frozen=True)
class TableGenerator:
    """A generator x = G(z, c) small enough that P(c, x) and P(c | x) are exact tables.

    P_c[k]: prior of the code c; P_z[m]: distribution of the noise z;
    G[k, m]: index (0 .. n_x - 1) of the "image" G(z=m, c=k).
    """

    P_c: np.ndarray
    P_z: np.ndarray
    G: np.ndarray
    n_x: int

    @property
    def H_c(self) -> float:
        """H(c), the entropy of the code's prior  (eq-entropy)."""
        return entropy(self.P_c)

    def joint(self) -> np.ndarray:
        """P(c, x) = sum_z P(c) P(z) [G(z, c) = x], a table [K, n_x]."""
        P_cx = np.zeros((len(self.P_c), self.n_x))
        for k, m in np.ndindex(*self.G.shape):
            P_cx[k, self.G[k, m]] += self.P_c[k] * self.P_z[m]
        return P_cx

    def posterior(self) -> np.ndarray:
        """P(c | x) = P(c, x) / P(x) by Bayes' rule, a table [K, n_x] with columns summing to 1.

        Where P(x) = 0 the posterior is undefined; the prior is used (a null set).
        """
        P_cx = self.joint()
        P_x = P_cx.sum(axis=0)
        safe = np.where(P_x > 0, P_x, 1.0)
        return np.where(P_x > 0, P_cx / safe, self.P_c[:, None])

    def sample(self, n: int, rng: np.random.Generator):
        """Forward sampling, as InfoGAN does: c ~ P(c), z ~ P(z), x = G(z, c)."""
        c = rng.choice(len(self.P_c), size=n, p=self.P_c)
        z = rng.choice(len(self.P_z), size=n, p=self.P_z)
        return c, z, self.G[c, z]

    def sample_posterior(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """c' ~ P(c | x) for each entry of x (inverse-CDF sampling from the posterior table)."""
        cdf = np.cumsum(self.posterior()[:, x], axis=0)          # [K, n]
        u = rng.random(len(x))
        return np.minimum((u > cdf).sum(axis=0), len(self.P_c) - 1)


def additive_toy_generator(K: int, P_z) -> TableGenerator:
    """c ~ U{0..K-1}, z ~ P_z on {0..M-1}, and the "image" x = G(z, c) = c + z."""
    P_z = _distribution(P_z)
    G = np.add.outer(np.arange(K), np.arange(len(P_z)))
    return TableGenerator(np.full(K, 1 / K), P_z, G, n_x=K + len(P_z) - 1)
# --- toy generator: end


# --- bound: start
def L_I(P_cx: np.ndarray, Q: np.ndarray, H_c: float) -> float:
    """L_I(G, Q) = E_{(c, x) ~ P(c, x)}[log Q(c | x)] + H(c)  (eq-L_I), computed exactly."""
    mask = P_cx > 0
    with np.errstate(divide="ignore"):
        return float(np.sum(P_cx[mask] * np.log(Q[mask]))) + H_c


def posterior_gap(P_cx: np.ndarray, Q: np.ndarray) -> float:
    """E_x[KL(P(. | x) || Q(. | x))], the gap I(c; x) - L_I(G, Q)  (eq-bound-gap)."""
    P_x = P_cx.sum(axis=0)
    return float(sum(P_x[x] * kl_divergence(P_cx[:, x] / P_x[x], Q[:, x])
                     for x in range(P_cx.shape[1]) if P_x[x] > 0))


def L_I_monte_carlo(toy: TableGenerator, Q: np.ndarray, n: int, rng: np.random.Generator):
    """Estimate L_I by forward sampling only: mean of log Q(c | G(z, c)) + H(c)  (eq-L_I-mc).

    Returns (estimate, standard error). The posterior P(c | x) is never used.
    """
    c, _, x = toy.sample(n, rng)
    return mc_estimate(np.log(Q[c, x]) + toy.H_c)


def lemma_5_1_monte_carlo(toy: TableGenerator, f: Callable, n: int, rng: np.random.Generator):
    """Both sides of Lemma 5.1 with X = c, Y = x  (eq-lemma-5-1), by Monte Carlo.

    Left: c ~ P(c), x ~ P(x | c), average f(c, x).
    Right: c ~ P(c), x ~ P(x | c), then c' ~ P(c | x), average f(c', x).
    Returns ((left, its standard error), (right, its standard error)).
    """
    c, _, x = toy.sample(n, rng)
    c_prime = toy.sample_posterior(x, rng)
    return mc_estimate(f(c, x)), mc_estimate(f(c_prime, x))
# --- bound: end


# --- gaussian channel: start
# c ~ N(0, 1), z ~ N(0, 1), x = G(z, c) = c + sigma z;  Q(c | x) = N(c; a x, s^2).
def gaussian_channel_mutual_information(sigma: float) -> float:
    """I(c; x) = (1/2) log(1 + 1 / sigma^2)  (eq-channel-mi)."""
    return 0.5 * math.log1p(1 / sigma**2)


def gaussian_channel_posterior(sigma: float) -> tuple[float, float]:
    """P(c | x) = N(a* x, v): returns (a*, v) = (1 / (1 + sigma^2), sigma^2 / (1 + sigma^2))."""
    return 1 / (1 + sigma**2), sigma**2 / (1 + sigma**2)


def gaussian_channel_L_I(a: float, s: float, sigma: float) -> float:
    """L_I = 1/2 - log s - ((1 - a)^2 + a^2 sigma^2) / (2 s^2)  (eq-channel-L_I)."""
    return 0.5 - math.log(s) - ((1 - a) ** 2 + a**2 * sigma**2) / (2 * s**2)


def gaussian_channel_gap(a: float, s: float, sigma: float) -> float:
    """E_x KL(N(a* x, v) || N(a x, s^2)), from the KL between two normals  (eq-channel-gap)."""
    a_star, v = gaussian_channel_posterior(sigma)
    mean_sq = (a_star - a) ** 2 * (1 + sigma**2)                # E_x[(a* x - a x)^2]
    return 0.5 * (math.log(s**2 / v) + (v + mean_sq) / s**2 - 1)


def gaussian_channel_L_I_monte_carlo(a: float, s: float, sigma: float, n: int,
                                     rng: np.random.Generator):
    """Estimate L_I: mean of log N(c; a x, s^2) + H(c) over forward samples of (c, x)."""
    c = rng.standard_normal(n)
    x = c + sigma * rng.standard_normal(n)
    return mc_estimate(stats.norm.logpdf(c, loc=a * x, scale=s) + gaussian_entropy(1.0))
# --- gaussian channel: end
