"""InfoGAN on a two-dimensional toy distribution, small enough to train in seconds (chapter 4).

The data are a mixture of K Gaussians whose means sit evenly on a ring. A categorical
code c ~ Cat(K, 1/K) can capture "which mode" exactly, so the bound L_I (eq. 5 of the
paper) can climb all the way to H(c) = log K.

The networks are small MLPs, but the model has the same interface as
:class:`infogan_lite.InfoGAN`, so :func:`infogan_lite.train.train_step` and
:func:`infogan_lite.train.make_optimizers` train it unchanged:

* ``model.spec``: a :class:`LatentSpec`;
* ``model.G(latent)``: the assembled latent [n, spec.dim] to points [n, 2];
* ``model.D(x, detach_q=False)``: D's logits [n] and Q's raw outputs [n, q_out],
  where Q is one linear layer on D's shared trunk (paper section 6).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.func import functional_call
from tqdm.auto import tqdm

from ..codes import LatentSpec
from ..evaluate import cluster_metrics
from ..losses import info_lower_bound
from ..models import split_q
from ..train import LOSS_NAMES, make_optimizers, train_step


# --- ring: start
@dataclass(frozen=True)
class Ring:
    """The data: K Gaussian modes N(mu_k, std^2 I), equally likely, centred on a circle."""

    K: int = 8
    radius: float = 2.0
    std: float = 0.1

    def means(self) -> torch.Tensor:
        """The K mode centres mu_k, shape [K, 2]."""
        angle = 2 * math.pi * torch.arange(self.K, dtype=torch.float32) / self.K
        return self.radius * torch.stack([angle.cos(), angle.sin()], dim=1)

    def sample(self, n: int, generator: torch.Generator | None = None):
        """n points [n, 2] from (1/K) sum_k N(mu_k, std^2 I), with their modes [n]."""
        mode = torch.randint(self.K, (n,), generator=generator)
        return self.means()[mode] + self.std * torch.randn(n, 2, generator=generator), mode

    def nearest_mode(self, x: torch.Tensor) -> torch.Tensor:
        """Index [n] of the mode centre nearest to each point of x [n, 2]."""
        return torch.cdist(x.float(), self.means()).argmin(dim=1)

    def modes_covered(self, x: torch.Tensor) -> int:
        """How many modes receive at least half their fair share 1/K of the points x [n, 2]."""
        share = torch.bincount(self.nearest_mode(x), minlength=self.K) / len(x)
        return int((share >= 0.5 / self.K).sum())
# --- ring: end


# --- toy networks: start
def _mlp(widths: list[int], act: nn.Module) -> nn.Sequential:
    layers = []
    for w_in, w_out in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(w_in, w_out), act]
    return nn.Sequential(*layers)


class PointGenerator(nn.Module):
    """G(z, c): an MLP from the latent vector [n, spec.dim] to a point in the plane [n, 2]."""

    def __init__(self, spec: LatentSpec, hidden: int = 128, depth: int = 2):
        super().__init__()
        self.net = nn.Sequential(_mlp([spec.dim] + [hidden] * depth, nn.ReLU()),
                                 nn.Linear(hidden, 2))

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return self.net(latent)


class ToyDiscriminator(nn.Module):
    """D and Q on one MLP trunk; D's head is one logit, Q's head one linear layer.

    info_to_trunk=False reproduces a bug of public ports (see the errata): Q reads the
    trunk's features, and L_I still trains Q's head and G, but never the trunk's weights.
    """

    def __init__(self, spec: LatentSpec, hidden: int = 128, depth: int = 2,
                 learn_sigma: bool = False, leak: float = 0.1, info_to_trunk: bool = True):
        super().__init__()
        self.trunk = _mlp([2] + [hidden] * depth, nn.LeakyReLU(leak))
        self.d_head = nn.Linear(hidden, 1)
        q_out = sum(spec.categorical) + spec.continuous * (2 if learn_sigma else 1)
        self.q_head = nn.Linear(hidden, q_out)
        self.info_to_trunk = info_to_trunk

    def forward(self, x: torch.Tensor, detach_q: bool = False):
        """D's logits [n] and Q's raw outputs [n, q_out]; detach_q: the GAN + Q baseline."""
        h = self.trunk(x)
        if detach_q:          # L_I reaches Q's head only: neither the trunk nor G
            h_q = h.detach()
        elif not self.info_to_trunk:  # the same features, but the trunk's weights are constants
            frozen = {name: p.detach() for name, p in self.trunk.named_parameters()}
            h_q = functional_call(self.trunk, frozen, (x,))
        else:
            h_q = h
        return self.d_head(h).squeeze(1), self.q_head(h_q)
# --- toy networks: end


class ToyInfoGAN(nn.Module):
    """G, and D with its Q head, for points in the plane; the interface of InfoGAN."""

    def __init__(self, spec: LatentSpec, hidden: int = 128, learn_sigma: bool = False,
                 info_to_trunk: bool = True):
        super().__init__()
        self.spec, self.learn_sigma = spec, learn_sigma
        self.G = PointGenerator(spec, hidden)
        self.D = ToyDiscriminator(spec, hidden, learn_sigma=learn_sigma,
                                  info_to_trunk=info_to_trunk)

    @torch.no_grad()
    def generate(self, c_cat: torch.Tensor, c_cont: torch.Tensor,
                 z: torch.Tensor | None = None, seed: int = 0) -> torch.Tensor:
        """Points G(z, c) [n, 2]; z drawn from the prior with `seed` when not given."""
        self.spec.check_codes(c_cat, c_cont, z)
        if z is None:
            z = self.spec.sample(len(c_cat), torch.Generator().manual_seed(seed))[0]
        return self.G(self.spec.assemble(z, c_cat, c_cont))

    @torch.no_grad()
    def infer(self, x: torch.Tensor):
        """Q's reading of points x [n, 2], split per code (a models.QOutput)."""
        return split_q(self.D(x)[1], self.spec, self.learn_sigma)


# --- toy loop: start
def train_toy(model: ToyInfoGAN, cfg, steps: int, ring: Ring = Ring(), batch_size: int = 256,
              log_every: int = 50, snapshot_every: int = 0, n_snapshot: int = 512,
              progress: bool = False):
    """Train with the package's own `train_step` on ring data, for `steps` steps.

    cfg is a TrainConfig; only its learning rates, betas, lambdas, `baseline` and `seed` are
    read. Returns (history, snapshots): history rows hold the step and the mean L_D, L_G,
    L_I, L_I_cont since the last row; every `snapshot_every` steps a snapshot stores the
    points G draws from one fixed batch of latents, as {"step", "x", "c_cat"}. progress:
    show a tqdm bar over the steps.
    """
    opt_DQ, opt_G = make_optimizers(model, cfg)
    gen = torch.Generator().manual_seed(cfg.seed)              # latent codes and noise
    data_gen = torch.Generator().manual_seed(cfg.seed + 1)     # the real points
    z_fix, c_fix, cont_fix = model.spec.sample(n_snapshot, torch.Generator().manual_seed(0))
    history, snapshots, sums, count = [], [], torch.zeros(len(LOSS_NAMES)), 0
    model.train()
    for step in tqdm(range(1, steps + 1), disable=not progress, desc="toy model"):
        x_real, _ = ring.sample(batch_size, data_gen)
        sums += train_step(model, opt_DQ, opt_G, x_real, gen, cfg)
        count += 1
        if step % log_every == 0 or step == steps:
            history.append({"step": step, **dict(zip(LOSS_NAMES, (sums / count).tolist()))})
            sums, count = torch.zeros(len(LOSS_NAMES)), 0
        if snapshot_every and (step % snapshot_every == 0 or step == steps):
            snapshots.append({"step": step, "c_cat": c_fix[:, 0],
                              "x": model.generate(c_fix, cont_fix, z_fix)})
    return history, snapshots
# --- toy loop: end


@torch.no_grad()
def evaluate_toy(model: ToyInfoGAN, ring: Ring = Ring(), n: int = 4000, seed: int = 123) -> dict:
    """What the first categorical code c_1 does, measured on n fresh samples from the prior.

    L_I_cat: the bound of eq. 5 in nats, estimated with the model's own Q (at most H_c).
    accuracy: c_1 read as a label for the nearest mode, matched one-to-one (Hungarian).
    purity: per category, the share of its points that fall in its most common mode.
    modes_covered: modes that receive at least half their fair share 1/K of the points.
    near_mode: the share of points within 4 standard deviations of some mode centre.
    """
    z, c_cat, c_cont = model.spec.sample(n, torch.Generator().manual_seed(seed))
    x = model.generate(c_cat, c_cont, z)
    L_I_cat, _ = info_lower_bound(model.infer(x), c_cat, c_cont, model.spec.H_c)
    k_c, mode = model.spec.categorical[0], ring.nearest_mode(x)
    counts = torch.zeros(k_c, ring.K, dtype=torch.long)          # counts[category, mode]
    counts.index_put_((c_cat[:, 0], mode), torch.ones(n, dtype=torch.long), accumulate=True)
    m = cluster_metrics(c_cat[:, 0].numpy(), mode.numpy(), k=k_c)
    dist = torch.cdist(x, ring.means()).min(dim=1).values
    return {"L_I_cat": float(L_I_cat), "H_c": model.spec.H_c, "accuracy": m["accuracy"],
            "purity": (counts.max(dim=1).values / counts.sum(dim=1).clamp(min=1)).tolist(),
            "modes_covered": ring.modes_covered(x),
            "near_mode": float((dist < 4 * ring.std).float().mean()), "counts": counts}
