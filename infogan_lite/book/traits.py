"""What a continuous code controls, measured: image traits from ink moments and intensity
(chapters 7 and 8).

The paper shows (Figure 2c-d) that c2 and c3 learn rotation and width. A picture can be
chosen to persuade; a number over many noise vectors cannot. Treat an image as a mass
distribution of ink; its second central moments give a covariance matrix

    Sigma = [[mu_xx, mu_xy], [mu_xy, mu_yy]]   (x to the right, y upwards, pixels),

whose principal (major) axis is the digit's long stroke direction. Then

* slant  = angle of the major axis from the vertical, in degrees, positive when the top
  leans right (an upright 1 has slant 0, a / has slant > 0);
* width  = standard deviation of ink across the major axis, sqrt(lambda_min(Sigma)),
  in pixels: small for a 1, large for a 0.

Clothes (Fashion-MNIST, chapter 8) are centred and upright, and shoes and bags lie
on their side, so an angle from the vertical would jump between +90 and -90 degrees on
them. Their traits are read along the image's own axes instead:

* lean    = the shear of the ink, atan(mu_xy / mu_yy) in degrees: the slope of x on y,
  positive when the top leans right (a rectangle sheared by x += k y has lean atan k);
* height  = sqrt(12 mu_yy + 1), the number of rows of a solid band with the same
  vertical spread (exact for a filled rectangle); breadth the same across;
* ink     = the mean grey level of the image (the brightness, or mass of ink);
* fill    = mean grey level over the height x breadth rectangle, ink mass / (height *
  breadth): 1 for a solid white rectangle, lower for grey items and for items with gaps
  (the space between trouser legs, a sandal's straps).

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


def lean(x: torch.Tensor) -> torch.Tensor:
    """Shear of the ink, atan(mu_xy / mu_yy) in degrees; > 0 when the top leans right."""
    mxx, myy, mxy = moments(x)
    return torch.rad2deg(torch.atan(mxy / myy.clamp_min(1e-12))).float()


def height(x: torch.Tensor) -> torch.Tensor:
    """Vertical extent in pixels, sqrt(12 mu_yy + 1): exact for a filled rectangle."""
    return torch.sqrt(12 * moments(x)[1] + 1).float()


def breadth(x: torch.Tensor) -> torch.Tensor:
    """Horizontal extent in pixels, sqrt(12 mu_xx + 1): exact for a filled rectangle."""
    return torch.sqrt(12 * moments(x)[0] + 1).float()


def ink(x: torch.Tensor) -> torch.Tensor:
    """Mean grey level of each image [n, C, H, W], in [0, 1]."""
    return x.double().mean(dim=(1, 2, 3)).float()


def fill(x: torch.Tensor) -> torch.Tensor:
    """Ink mass per pixel of the height x breadth rectangle: 1 for a solid white rectangle."""
    mass = x[:, 0].double().clamp_min(0).sum((1, 2))
    return (mass / (height(x).double() * breadth(x).double())).float()


TRAITS = {"slant": slant, "width": width}                  # digits (chapter 7)
FASHION_TRAITS = {"lean": lean, "height": height, "breadth": breadth, "ink": ink,
                  "fill": fill}                            # clothes (chapter 8)


def best_rho(report: dict, trait: str) -> float:
    """The largest |Spearman rho| of any continuous code with `trait` in a run's report
    (its `codes`, written by `code_effects`): what the codes control, whichever code it is;
    0 without continuous codes."""
    return max([abs(d[trait]["mean"]) for d in report.get("codes", {}).values()], default=0.0)


def traits_for(dataset: str) -> dict:
    """The traits `report` measures for a data set: FASHION_TRAITS for fashion-mnist,
    else TRAITS (read when called, so that a trait added to TRAITS is measured too)."""
    return FASHION_TRAITS if dataset == "fashion-mnist" else TRAITS


@torch.no_grad()
def code_effects(model, n_noise: int = 200, values=None, seed: int = 0, traits=None) -> dict:
    """Spearman correlation of each continuous code with each trait, over `n_noise` latents.

    For every noise vector z (with its own random category and the other continuous codes
    at 0), code j takes each of `values` (default 9 points over the training range [-1, 1]);
    the rank correlation between the value and the trait is computed per z. Returns
    {"c2": {"slant": {"mean", "sd", "per_z"}, "width": {...}}, "c3": ...} (c1 is categorical).
    `traits` maps names to functions of images [n, 1, H, W]; None: TRAITS (slant, width).
    """
    traits = TRAITS if traits is None else traits
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
        for trait, f in traits.items():
            t = f(x).reshape(n_noise, k).numpy()
            rho = np.array([spearmanr(values.numpy(), row).statistic for row in t])
            rho = np.nan_to_num(rho)                               # constant row: no effect
            out[name][trait] = {"mean": float(rho.mean()), "sd": float(rho.std(ddof=1)),
                                "per_z": rho.round(4).tolist()}
    return out
