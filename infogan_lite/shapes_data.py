"""Shapes: a synthetic image set whose factors of variation are known (the data of chapter 9).

Like dSprites (Matthey et al., 2017), one white shape on a black square, but 28x28 so
that the MNIST networks of Table 1 run on it unchanged. Five factors, drawn
independently of each other:

    shape     categorical: 0 square, 1 ellipse, 2 triangle
    scale     in [0, 1]: half-size from 10% to 20% of the image side
    rotation  in degrees, [0, 90)
    x, y      in [0, 1]: centre from 30% to 70% of the image side (y grows downwards)

Rotation is circular: a square turned by 89 degrees looks like one turned by -1, so
codes that read rotation well may still score less than perfectly on it.

``make_shapes()`` renders the full product grid (3 x 4 x 6 x 8 x 8 = 4,608 images, like
dSprites' grid); ``make_shapes(n, seed)`` draws n images with the continuous factors
uniform in their ranges, reproducibly from `seed`. Edges are anti-aliased over about
one pixel. Pure torch, no extra dependency; 20,000 images take about a second of one CPU core.
"""
from __future__ import annotations

import itertools
import math

import torch

FACTOR_NAMES = ("shape", "scale", "rotation", "x", "y")
CATEGORICAL = (True, False, False, False, False)   # which factors are categorical
SHAPES = ("square", "ellipse", "triangle")
GRID = (3, 4, 6, 8, 8)                              # values per factor on the product grid
TRAIN_SIZE, TRAIN_SEED = 20000, 0


def factor_grid(grid: tuple[int, ...] = GRID) -> torch.Tensor:
    """The factor table [prod(grid), 5] of the product grid; the shape varies slowest."""
    if len(grid) != 5 or grid[0] > len(SHAPES) or min(grid) < 1:
        raise ValueError(f"grid gives the number of values of ({', '.join(FACTOR_NAMES)}), "
                         f"at most {len(SHAPES)} shapes; got {grid!r}")
    axes = [torch.arange(grid[0], dtype=torch.float32),
            torch.linspace(0, 1, grid[1]) if grid[1] > 1 else torch.zeros(1),
            torch.arange(grid[2], dtype=torch.float32) * 90 / grid[2],   # 0, 15, ..., 75
            torch.linspace(0, 1, grid[3]) if grid[3] > 1 else torch.zeros(1),
            torch.linspace(0, 1, grid[4]) if grid[4] > 1 else torch.zeros(1)]
    return torch.tensor(list(itertools.product(*[a.tolist() for a in axes])), dtype=torch.float32)


def random_factors(n: int, seed: int = 0) -> torch.Tensor:
    """A factor table [n, 5] with every factor drawn independently (uniform), from `seed`."""
    g = torch.Generator().manual_seed(seed)
    shape = torch.randint(len(SHAPES), (n,), generator=g).float()
    scale, rot, x, y = torch.rand(4, n, generator=g)
    return torch.stack([shape, scale, rot * 90, x, y], dim=1)


def render(factors: torch.Tensor, size: int = 28) -> torch.Tensor:
    """Images [n, 1, size, size] in [0, 1] for a factor table [n, 5].

    Each shape is a signed distance d (in pixels, negative inside) in the shape's own
    rotated frame (u, v); the pixel's grey level is clamp(0.5 - d, 0, 1), a one-pixel ramp.
    """
    f = factors.float()
    shape = f[:, 0].long()
    s = (0.10 + 0.10 * f[:, 1]) * size                      # half-size in pixels
    theta = torch.deg2rad(f[:, 2])
    cx, cy = ((0.30 + 0.40 * f[:, k]) * (size - 1) for k in (3, 4))
    grid = torch.arange(size, dtype=torch.float32)
    dx = grid[None, None, :] - cx[:, None, None]            # [n, 1, size]
    dy = grid[None, :, None] - cy[:, None, None]            # [n, size, 1]
    cos, sin = theta.cos()[:, None, None], theta.sin()[:, None, None]
    u, v = cos * dx + sin * dy, -sin * dx + cos * dy        # [n, size, size]
    d = torch.empty_like(u)
    for k, distance in enumerate((_square, _ellipse, _triangle)):
        m = shape == k
        d[m] = distance(u[m], v[m], s[m][:, None, None])
    return (0.5 - d).clamp(0, 1).unsqueeze(1)


def _square(u, v, s):
    return torch.maximum(u.abs(), v.abs()) - s


def _ellipse(u, v, s):   # semi-axes 1.2 s and 0.6 s; the distance is exact on the axes only
    a, b = 1.2 * s, 0.6 * s
    return (torch.sqrt((u / a) ** 2 + (v / b) ** 2) - 1) * b


def _triangle(u, v, s):  # equilateral, circumradius 1.3 s: the largest of three edge distances
    R = 1.3 * s
    return torch.stack([math.cos(t) * u + math.sin(t) * v
                        for t in (-math.pi / 2, math.pi / 6, 5 * math.pi / 6)]).amax(0) - R / 2


def make_shapes(n: int | None = None, seed: int = 0, size: int = 28,
                grid: tuple[int, ...] = GRID) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (images [N, 1, size, size] in [0, 1], factors [N, 5]).

    n=None: the product grid (N = prod(grid)); otherwise n random draws from `seed`.
    Column k of `factors` is FACTOR_NAMES[k]; CATEGORICAL[k] says whether it is categorical.
    """
    factors = factor_grid(grid) if n is None else random_factors(n, seed)
    images = torch.cat([render(factors[i:i + 4096], size) for i in range(0, len(factors), 4096)])
    return images, factors


def shapes_dataset(train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """The data set "shapes" of ``load_dataset``: (images, shape labels [N]).

    train: 20,000 random draws (seed 0); test: the full grid of 4,608 images.
    """
    images, factors = make_shapes(TRAIN_SIZE, TRAIN_SEED) if train else make_shapes()
    return images, factors[:, 0].long()
