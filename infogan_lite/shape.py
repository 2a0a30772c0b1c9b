"""What a continuous code controls, measured: a digit's slant and width from its image moments.

The paper shows (Figure 2c-d) that c2 and c3 learn rotation and width. A picture can be
chosen to persuade; a number over many noise vectors cannot. Treat an image as a mass
distribution of ink; its second central moments give a covariance matrix

    Sigma = [[mu_xx, mu_xy], [mu_xy, mu_yy]]   (x to the right, y upwards, pixels),

whose principal (major) axis is the digit's long stroke direction. Then

* slant  = angle of the major axis from the vertical, in degrees, positive when the top
  leans right (an upright 1 has slant 0, a / has slant > 0);
* width  = standard deviation of ink across the major axis, sqrt(lambda_min(Sigma)),
  in pixels: small for a 1, large for a 0.

`code_effects` sweeps one continuous code at a time and reports the Spearman rank
correlation between the code's value and each trait, per noise vector.
"""
from __future__ import annotations

import math

import numpy as np
import torch
from scipy.stats import spearmanr


def moments(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Central second moments (mu_xx, mu_yy, mu_xy) of images [n, 1, H, W] in [0, 1], y upwards."""
    if x.dim() != 4 or x.shape[1] != 1:
        raise ValueError(f"moments takes grey images [n, 1, H, W], got shape {tuple(x.shape)}")
    w = x[:, 0].double().clamp_min(0)                              # [n, H, W] ink
    mass = w.sum((1, 2)).clamp_min(1e-12)
    H, W = w.shape[1:]
    ys = -torch.arange(H, dtype=w.dtype)[:, None]                  # row index, flipped: y up
    xs = torch.arange(W, dtype=w.dtype)[None, :]
    mean = lambda f: (w * f).sum((1, 2)) / mass
    cx, cy = mean(xs), mean(ys)
    dx, dy = xs - cx[:, None, None], ys - cy[:, None, None]
    return mean(dx * dx), mean(dy * dy), mean(dx * dy)


def slant(x: torch.Tensor) -> torch.Tensor:
    """Angle (degrees) of the major axis from the vertical; > 0 when the top leans right."""
    mxx, myy, mxy = moments(x)
    axis = 0.5 * torch.atan2(2 * mxy, mxx - myy)                   # from the x axis, (-90, 90]
    from_vertical = math.pi / 2 - axis                             # in [0, 180)
    from_vertical = torch.where(from_vertical > math.pi / 2, from_vertical - math.pi,
                                from_vertical)                     # to (-90, 90]
    return torch.rad2deg(from_vertical).float()


def width(x: torch.Tensor) -> torch.Tensor:
    """Standard deviation of ink across the major axis, sqrt(lambda_min(Sigma)), in pixels."""
    mxx, myy, mxy = moments(x)
    half_trace, det = (mxx + myy) / 2, mxx * myy - mxy ** 2
    lam_min = half_trace - torch.sqrt((half_trace ** 2 - det).clamp_min(0))
    return lam_min.clamp_min(0).sqrt().float()


TRAITS = {"slant": slant, "width": width}


@torch.no_grad()
def code_effects(model, n_noise: int = 200, values=None, seed: int = 0) -> dict:
    """Spearman correlation of each continuous code with each trait, over `n_noise` latents.

    For every noise vector z (with its own random category and the other continuous codes
    at 0), code j takes each of `values` (default 9 points over the training range [-1, 1]);
    the rank correlation between the value and the trait is computed per z. Returns
    {"c2": {"slant": {"mean", "sd", "per_z"}, "width": {...}}, "c3": ...} (c1 is categorical).
    """
    values = torch.linspace(-1, 1, 9) if values is None else torch.as_tensor(values).float()
    spec, out = model.spec, {}
    z, c_cat, _ = spec.sample(n_noise, torch.Generator().manual_seed(seed))
    k = len(values)
    for j in range(spec.continuous):
        c_cont = torch.zeros(n_noise * k, spec.continuous)
        c_cont[:, j] = values.repeat(n_noise)
        x = model.generate(c_cat.repeat_interleave(k, 0), c_cont, z.repeat_interleave(k, 0))
        name = f"c{len(spec.categorical) + j + 1}"
        out[name] = {}
        for trait, f in TRAITS.items():
            t = f(x).reshape(n_noise, k).numpy()
            rho = np.array([spearmanr(values.numpy(), row).statistic for row in t])
            rho = np.nan_to_num(rho)                               # constant row: no effect
            out[name][trait] = {"mean": float(rho.mean()), "sd": float(rho.std(ddof=1)),
                                "per_z": rho.round(4).tolist()}
    return out
