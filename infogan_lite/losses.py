"""The two halves of InfoGAN's objective, min_{G,Q} max_D V(D, G) - lambda L_I(G, Q)  (eq. 6).

Every loss takes logits, never probabilities: BCE-with-logits for D, cross-entropy
on Q's raw categorical outputs (a softmax in front of it would be applied twice).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .models import QOutput

# --- GAN loss: start
def d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """-V(D, G) for D (eq. 1): -E[log D(x)] - E[log(1 - D(G(z, c)))], from logits."""
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def g_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """The non-saturating generator loss -E[log D(G(z, c))] (Goodfellow et al. 2014, sec. 3)."""
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
# --- GAN loss: end


# --- L_I: start
def log_q_categorical(cat_logits: list[torch.Tensor], c_cat: torch.Tensor) -> torch.Tensor:
    """E[log Q(c_cat | x)] summed over the categorical codes: minus a cross-entropy (eq. 5)."""
    total = cat_logits[0].new_zeros(())
    for i, logits in enumerate(cat_logits):
        total = total - F.cross_entropy(logits.float(), c_cat[:, i])
    return total


def log_q_continuous(mean: torch.Tensor, log_sigma: torch.Tensor | None,
                     c_cont: torch.Tensor) -> torch.Tensor:
    """E[log Q(c_cont | x)] for a factored Gaussian Q: sum over codes, mean over the batch.

    log N(c; mu, sigma^2) = -(c - mu)^2 / (2 sigma^2) - log sigma - log(2 pi) / 2.
    With sigma fixed to 1 (log_sigma None) this is a scaled squared error plus a constant.
    """
    mean = mean.float()
    log_sigma = torch.zeros_like(mean) if log_sigma is None else log_sigma.float()
    log_density = (-0.5 * ((c_cont - mean) / log_sigma.exp()) ** 2
                   - log_sigma - 0.5 * math.log(2 * math.pi))
    return log_density.sum(dim=1).mean()


def info_lower_bound(q: QOutput, c_cat: torch.Tensor, c_cont: torch.Tensor, H_c: float,
                     H_cont: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """L_I(G, Q) = E_{c ~ P(c), x ~ G(z, c)}[log Q(c | x)] + H(c)  (eq. 5), split in two.

    Returns (L_I_cat, L_I_cont): the bound for the categorical codes, which lies in
    [ -inf, H_c ] and reaches H_c = sum log K_i when Q recovers them exactly, and the
    bound for the continuous codes (H_cont = log 2 per U(-1, 1) code). Maximising
    either is minimising a negative log-likelihood of c under Q; H(c) is a constant.
    """
    L_I_cat = (log_q_categorical(q.cat_logits, c_cat) + H_c) if q.cat_logits else c_cont.new_zeros(())
    L_I_cont = (log_q_continuous(q.cont_mean, q.cont_log_sigma, c_cont) + H_cont) \
        if c_cont.shape[1] else c_cont.new_zeros(())
    return L_I_cat, L_I_cont
# --- L_I: end
