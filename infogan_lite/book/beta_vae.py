"""A beta-VAE on the shapes set: a non-InfoGAN reference for MIG and SAP (chapter 9).

Higgins et al. (2017) train a VAE whose KL term is weighted by beta >= 1:

    L(x) = E_{q(u|x)}[-log p(x|u)] + beta * KL(q(u|x) || N(0, I))     (their eq. 4)

with an encoder q(u|x) = N(mu(x), diag sigma(x)^2), a Bernoulli decoder p(x|u) on the
pixels, and beta = 1 the plain VAE (Kingma and Welling, 2014). Its codes for MIG and SAP
are the posterior means mu(x), read exactly as chapter 9 reads Q's continuous codes.
The networks are small on purpose: a two-layer convolutional encoder and its mirror image.

    python -m infogan_lite.book.beta_vae --betas 1 --out infogan_lite/results/shapes/beta_vae/beta1.json
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .disentangle import mig, sap
from ..shapes_data import CATEGORICAL, make_shapes, shapes_dataset

N_LATENT = 5          # as many as InfoGAN's codes on this set: c1 and four continuous codes
RESULTS = Path(__file__).resolve().parents[1] / "results" / "shapes" / "beta_vae"


class BetaVAE(nn.Module):
    """Encoder 28x28 -> conv 32 -> conv 64 -> FC 256 -> (mu, log sigma^2); decoder mirrored."""

    def __init__(self, n_latent: int = N_LATENT):
        super().__init__()
        act = nn.LeakyReLU(0.1)
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, 4, 2, 1), act, nn.Conv2d(32, 64, 4, 2, 1), act,   # 14x14, 7x7
            nn.Flatten(), nn.Linear(64 * 7 * 7, 256), act, nn.Linear(256, 2 * n_latent))
        self.decoder = nn.Sequential(
            nn.Linear(n_latent, 256), act, nn.Linear(256, 64 * 7 * 7), act,
            nn.Unflatten(1, (64, 7, 7)), nn.ConvTranspose2d(64, 32, 4, 2, 1), act,
            nn.ConvTranspose2d(32, 1, 4, 2, 1))                                   # logits
        self.n_latent = n_latent

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(mu, log sigma^2), each [n, n_latent], of q(u | x) for images x in [0, 1]."""
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None):
        """Decoder logits [n, 1, 28, 28] at u = mu + sigma * eps (the reparameterisation),
        with mu and log sigma^2."""
        mu, logvar = self.encode(x)
        eps = torch.randn(mu.shape, generator=generator)
        return self.decoder(mu + (0.5 * logvar).exp() * eps), mu, logvar


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag e^logvar) || N(0, I)) per row, in nats:
    (1/2) sum_j (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1).sum(1)


def beta_vae_loss(x, logits, mu, logvar, beta: float) -> tuple[torch.Tensor, dict]:
    """Higgins et al.'s eq. 4, averaged over the batch: the Bernoulli reconstruction
    -log p(x|u) summed over pixels (x in [0, 1]) plus beta times the KL term."""
    recon = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)
    kl = gaussian_kl(mu, logvar)
    return (recon + beta * kl).mean(), {"recon": recon.mean().item(), "kl": kl.mean().item()}


def train_beta_vae(images: torch.Tensor, beta: float, seed: int, steps: int, batch: int = 64,
                   lr: float = 1e-3, progress: bool = False) -> tuple[BetaVAE, list]:
    """Adam on minibatches of `images`; returns the model (eval mode) and its loss history
    [(step, recon, kl)] every steps // 20 steps."""
    if beta < 0:
        raise ValueError(f"beta weights the KL term and must be >= 0, got {beta}")
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    model = BetaVAE()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history, steps_iter = [], range(1, steps + 1)
    if progress:
        from tqdm.auto import tqdm
        steps_iter = tqdm(steps_iter, desc=f"beta-VAE, beta {beta:g}, seed {seed}")
    for step in steps_iter:
        x = images[torch.randint(len(images), (batch,), generator=g)]
        loss, parts = beta_vae_loss(x, *model(x, g), beta)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % max(steps // 20, 1) == 0:
            history.append((step, round(parts["recon"], 3), round(parts["kl"], 4)))
    return model.eval(), history


@torch.no_grad()
def encode_means(model: BetaVAE, images: torch.Tensor, batch: int = 1000) -> np.ndarray:
    """The posterior means mu(x) [N, n_latent]: the codes MIG and SAP read."""
    return torch.cat([model.encode(images[i:i + batch])[0]
                      for i in range(0, len(images), batch)]).numpy()


def score(model: BetaVAE, images, factors) -> dict:
    """MIG and SAP of the posterior means against the known factors (chapter 9's estimators)."""
    codes, factors = encode_means(model, images), np.asarray(factors)
    return {"mig": mig(codes, factors), "sap": sap(codes, factors, CATEGORICAL)}


def main(argv=None) -> int:
    from ..versions import versions

    p = argparse.ArgumentParser(description="beta-VAEs on the shapes set, scored by MIG and SAP")
    p.add_argument("--betas", type=float, nargs="+", default=[1.0, 4.0])
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--out", help=f"JSON file (default {RESULTS}/beta<B>.json for one beta)")
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    train_x, _ = shapes_dataset(train=True)
    grid_x, grid_f = make_shapes()                 # the 4,608-image grid of chapter 9's reports
    runs = []
    for beta in a.betas:
        for seed in a.seeds:
            t = time.perf_counter()
            model, history = train_beta_vae(train_x, beta, seed, a.steps, progress=True)
            s = score(model, grid_x, grid_f.numpy())
            runs.append({"beta": beta, "seed": seed, "steps": a.steps, "history": history,
                         "cpu_seconds": round(time.process_time(), 1),
                         "seconds": round(time.perf_counter() - t, 1), **s})
            print(f"beta {beta:g} seed {seed}: MIG {s['mig']['mig']:.3f}, SAP {s['sap']['sap']:.3f}",
                  flush=True)
    out = Path(a.out or RESULTS / f"beta{'-'.join(f'{b:g}' for b in a.betas)}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "command": "python -m infogan_lite.book.beta_vae " + " ".join(argv or sys.argv[1:]),
        "n_latent": N_LATENT, "batch": 64, "lr": 1e-3, "optimizer": "Adam",
        "train": "shapes_dataset(train=True): 20,000 random draws", "scored_on":
        "make_shapes(): the 4,608-image grid", "versions": versions(), "runs": runs}, indent=1) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
