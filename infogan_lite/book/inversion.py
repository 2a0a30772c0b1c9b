"""The latent-inversion reader of c1 (chapter 5): read the code by searching G's inputs.

For an image x and each value k of c1, minimise the squared residual

    r_k(x) = min_{z, c_cont} || G(z, k, c_cont) - x ||^2

by Adam from several random starts, and read c1 as argmin_k r_k(x). When G is deterministic
and images of different codes differ (chapter 5's proposition), r_k(x) = 0 exactly for the
true code and only for it, so a perfect search reads c1 without error; what this reader
measures is how far a gradient search gets.
"""
from __future__ import annotations

import torch


def generator_fn(model):
    """G of an InfoGAN-like model as a function (z, cat, cont) -> images in [0, 1]."""
    def gen(z, cat, cont):
        return model.to_unit_range(model.G(model.spec.assemble(z, cat, cont)))
    return gen


def residuals(gen, x: torch.Tensor, K: int, n_noise: int, n_cont: int, restarts: int = 4,
              steps: int = 300, lr: float = 0.05, seed: int = 0, z_bound: float = 1.0,
              progress: bool = False) -> torch.Tensor:
    """r[n, k]: the smallest squared residual ||gen(z, k, c) - x||^2 found for each image and
    code value k, over `restarts` starts z, c ~ U(-z_bound, z_bound) and `steps` Adam steps
    each, with z and c kept in [-z_bound, z_bound] (the prior's support) after every step."""
    n = len(x)
    g = torch.Generator().manual_seed(seed)
    rows = n * K * restarts                                      # one search per (image, k, start)
    z = (torch.rand(rows, n_noise, generator=g) * 2 - 1) * z_bound
    c = (torch.rand(rows, n_cont, generator=g) * 2 - 1) * z_bound
    cat = torch.arange(K).repeat_interleave(restarts).repeat(n)[:, None]   # [rows, 1]
    target = x.repeat_interleave(K * restarts, dim=0)
    z.requires_grad_(True)
    c.requires_grad_(True)
    opt = torch.optim.Adam([z, c], lr=lr)
    it = range(steps)
    if progress:
        from tqdm.auto import tqdm
        it = tqdm(it, desc=f"inverting {n} images x {K} codes x {restarts} starts")
    for _ in it:
        loss = (gen(z, cat, c) - target).pow(2).flatten(1).sum(1)
        z.grad, c.grad = torch.autograd.grad(loss.sum(), [z, c])   # G's weights get no gradient
        opt.step()
        with torch.no_grad():
            z.clamp_(-z_bound, z_bound)
            c.clamp_(-z_bound, z_bound)
    with torch.no_grad():
        final = (gen(z, cat, c) - target).pow(2).flatten(1).sum(1)
    return final.view(n, K, restarts).min(2).values


def read_by_inversion(gen, x, K: int, n_noise: int, n_cont: int, **search) -> torch.Tensor:
    """The inversion reader's guess of c1 for images x: argmin_k of `residuals`."""
    return residuals(gen, x, K, n_noise, n_cont, **search).argmin(1)
