"""InfoGAN as a Helmholtz machine: what Q learns on dreams, and how it reads data (chapter 10).

The paper's Appendix B reads G as the generative model P_G(x | c) and Q as the
recognition model Q(c | x) of a Helmholtz machine. Wake-sleep trains such a pair in
two phases:

* wake: x from the data, c ~ Q(c | x), and G learns to make x more likely given c;
* sleep: (c, x) dreamed by the generator, c ~ P(c), x ~ P_G(x | c), and Q learns to
  read c back from x, maximising E[log Q(c | x)].

InfoGAN's L_I is a sleep-phase objective for Q *and* for G ("sleep-sleep"): neither
update ever reads a real image. This module measures the two sides on any model with
the ``spec``, ``G`` and ``D`` interface of :class:`~infogan_lite.InfoGAN` (the 2-D toy
of ``toy2d`` included):

* :func:`sleep_bound`: L_I estimated on dreams, the number InfoGAN maximises;
* :func:`read_real`: Q's categories and confidence on real data it never trained on;
* :func:`wake_agreement`: a wake-phase check. Encode a real x with Q, decode with G,
  and ask whether the dream lands where x was (same label).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable

import torch

from .information import mc_estimate
from ..models import split_q


@contextmanager
def _eval_mode(model):
    """Run in eval mode (batch norm uses its running statistics), then restore the mode."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def _q_logits(model, x: torch.Tensor, code: int, batch: int = 1000) -> torch.Tensor:
    """Q's logits [n, K] for categorical code `code` on x in D's input range, in batches."""
    learn_sigma = getattr(model, "learn_sigma", False)
    with _eval_mode(model):
        return torch.cat([split_q(model.D(x[i:i + batch])[1].float(), model.spec,
                                  learn_sigma).cat_logits[code]
                          for i in range(0, len(x), batch)])


def _generate(model, latent: torch.Tensor, batch: int = 1000) -> torch.Tensor:
    """G(latent) in batches, in eval mode."""
    with _eval_mode(model):
        return torch.cat([model.G(latent[i:i + batch]) for i in range(0, len(latent), batch)])


# --- sleep bound: start
@torch.no_grad()
def dream(model, n: int, seed: int = 0):
    """Sleep-phase data: codes from the prior and what G makes of them, (c_cat [n, L], x).

    The categorical codes are balanced (n / K of each category, shuffled), so that a small
    n still estimates the bound without the noise of unequal category counts.
    """
    g = torch.Generator().manual_seed(seed)
    z, c_cat, c_cont = model.spec.sample(n, g)
    for i, k in enumerate(model.spec.categorical):
        c_cat[:, i] = torch.arange(n)[torch.randperm(n, generator=g)] % k
    return c_cat, _generate(model, model.spec.assemble(z, c_cat, c_cont))


@torch.no_grad()
def sleep_bound(model, n: int = 4000, seed: int = 0, code: int = 0) -> tuple[float, float]:
    """L_I for categorical code `code` on n dreams: E[log Q(c | x)] + log K (eq. 5).

    Returns (estimate, standard error) in nats; the estimate is at most log K.
    """
    c_cat, x = dream(model, n, seed)
    log_q = _q_logits(model, x, code).log_softmax(dim=1)
    terms = log_q.gather(1, c_cat[:, code:code + 1])[:, 0].double()
    K = model.spec.categorical[code]
    return mc_estimate((terms + torch.log(torch.tensor(float(K), dtype=torch.double))).numpy())
# --- sleep bound: end


# --- reading data: start
@torch.no_grad()
def read_real(model, x: torch.Tensor, code: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Q on real data: its category argmax Q(c | x) [n] and its confidence max Q(c | x) [n].

    x: points for the toy model; images in [0, 1] for an image model (as for `infer`).
    """
    x = getattr(model, "from_unit_range", lambda v: v)(x)
    probs = _q_logits(model, x, code).softmax(dim=1)
    confidence, category = probs.max(dim=1)
    return category, confidence


@torch.no_grad()
def wake_agreement(model, x: torch.Tensor, label: Callable[[torch.Tensor], torch.Tensor],
                   seed: int = 0) -> float:
    """Share of real x whose dream G(z, argmax Q(c | x)) gets the same label as x.

    A stand-in for the wake-phase term E_{x ~ data, c ~ Q(c | x)}[log P_G(x | c)], which an
    implicit generator cannot evaluate: instead of the likelihood of x, ask whether the
    dream of Q's reading of x falls in the same class (for the ring: the same mode).
    Only the first categorical code is read; the other codes and z are drawn afresh.
    """
    category, _ = read_real(model, x)
    z, c_cat, c_cont = model.spec.sample(len(x), torch.Generator().manual_seed(seed))
    c_cat[:, 0] = category
    x_dream = _generate(model, model.spec.assemble(z, c_cat, c_cont))
    x_dream = getattr(model, "to_unit_range", lambda v: v)(x_dream)
    return float((label(x_dream) == label(x)).float().mean())
# --- reading data: end
