"""The correlated Gaussian pair, explored without a kernel (chapter 1, eq-gaussian-mi).

`static_pair_explorer(rhos)` draws n points of (X, Y), standard normals with correlation
rho, for every rho on a grid, rasterises each cloud into a small greyscale PNG, and embeds
them all in one self-contained HTML block with a range input and a few lines of inline
JavaScript. Moving the slider swaps the picture and its caption (the closed form
I = -1/2 log(1 - rho^2) and the Monte Carlo estimate from the points shown), in a notebook
and on the book's static site alike: no kernel, no widget manager, no network.

The block follows the DOM contract of chapter 7's static explorer (`explorer.py`): a
`div.infogan-explorer` holding an `img.infogan-explorer-image`, and an
`input[type="range"]` and an `output` with the same `data-code` ("rho").
"""
from __future__ import annotations

import base64
import hashlib
import itertools
import json
from dataclasses import dataclass

import numpy as np
import torch

from .explorer import png_bytes
from .information import gaussian_mi_monte_carlo, gaussian_mutual_information, sample_gaussian_pair

_instances = itertools.count()   # distinct element ids when a page shows two explorers
LIMIT = 4.0                      # the picture shows [-LIMIT, LIMIT] on both axes


def default_rhos() -> list[float]:
    """-0.99, -0.95, -0.90, ..., 0.95, 0.99: 41 values, symmetric about 0."""
    inner = np.round(np.arange(-0.95, 0.951, 0.05), 2)
    return [-0.99, *[float(r) + 0.0 for r in inner], 0.99]


def raster(x: np.ndarray, y: np.ndarray, size: int = 200, dot: float = 0.45) -> np.ndarray:
    """Points (x, y) in [-LIMIT, LIMIT]^2 as a greyscale image [size, size] of uint8: white
    background, each point darkening a 2x2 block of pixels by `dot`, light axes through 0,
    y upwards."""
    image = np.ones((size, size))
    image[size // 2, :] = image[:, size // 2] = 0.88                      # the axes
    col = np.floor((x + LIMIT) / (2 * LIMIT) * size).astype(int)
    row = size - 1 - np.floor((y + LIMIT) / (2 * LIMIT) * size).astype(int)
    inside = (col >= 0) & (col < size - 1) & (row >= 0) & (row < size - 1)
    darkness = np.zeros((size, size))
    for dr, dc in ((0, 0), (0, 1), (1, 0), (1, 1)):
        np.add.at(darkness, (row[inside] + dr, col[inside] + dc), dot)
    image = np.clip(image - darkness, 0, 1)
    image[[0, -1], :] = image[:, [0, -1]] = 0.6                           # a frame
    return (image * 255).round().astype(np.uint8)


def _png(image: np.ndarray) -> str:
    """A uint8 greyscale image [H, W] as base64 PNG text, encoded as chapter 7's explorer does."""
    return base64.b64encode(png_bytes(torch.from_numpy(image)[None] / 255)).decode("ascii")


def frames(rhos, n: int = 2000, seed: int = 1):
    """For each rho: (base64 PNG of the cloud, caption). Every frame draws its points with
    the same seed, so the cloud changes smoothly with rho; the caption's estimate (eq-mi-mc)
    uses exactly the points shown."""
    out = []
    for rho in rhos:
        x, y = sample_gaussian_pair(rho, n, np.random.default_rng(seed))
        estimate, se = gaussian_mi_monte_carlo(rho, n, np.random.default_rng(seed))
        caption = (f"ρ = {rho:+.2f}: I = {gaussian_mutual_information(rho):.3f} nats "
                   f"(estimate from these {n} points: {estimate:.3f} ± {se:.3f})")
        out.append((_png(raster(x, y)), caption))
    return out


@dataclass
class StaticPairExplorer:
    """A self-contained HTML block; notebooks and Jupyter Book display it via `_repr_html_`."""

    html: str
    rhos: list
    captions: list
    start: float
    element_id: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:   # what a text-only reader (the PDF) sees
        return (f"A slider over rho = {self.rhos[0]:+.2f} ... {self.rhos[-1]:+.2f} "
                f"({len(self.rhos)} values); it works in a browser. At the start: "
                f"{self.captions[self.rhos.index(self.start)]}")


_SCRIPT = """(function () {
  var root = document.getElementById(%(id)s), data = %(data)s;
  var slider = root.querySelector('input[data-code="rho"]');
  var image = root.querySelector("img.infogan-explorer-image");
  var caption = root.querySelector('output[data-code="rho"]');
  function show() {
    var t = parseInt(slider.value, 10);
    image.src = "data:image/png;base64," + data.images[t];
    caption.textContent = data.captions[t];
  }
  slider.addEventListener("input", show);
  show();
})();"""


def static_pair_explorer(rhos=None, n: int = 2000, seed: int = 1, start: float = 0.8,
                         scale: float = 1.4) -> StaticPairExplorer:
    """A slider over `rhos` (default `default_rhos()`) that shows n draws of the pair and the
    value of I for each; it starts at `start`, which must be one of the rhos."""
    rhos = [float(r) for r in (default_rhos() if rhos is None else rhos)]
    if start not in rhos:
        raise ValueError(f"start = {start} is not on the grid of rho values {rhos}")
    images, captions = map(list, zip(*frames(rhos, n, seed)))
    digest = hashlib.sha1("".join(images).encode()).hexdigest()[:10]
    uid = f"infogan-pair-explorer-{digest}-{next(_instances)}"
    data = json.dumps({"images": images, "captions": captions}, separators=(",", ":"))
    side = int(200 * scale)
    html = (f'<div class="infogan-explorer" id="{uid}" style="display:flex;flex-wrap:wrap;'
            f'gap:1.5em;align-items:center;margin:0.5em 0">'
            f'<img class="infogan-explorer-image" alt="{n} draws of a Gaussian pair (X, Y)" '
            f'width="{side}" height="{side}" style="image-rendering:pixelated">'
            f'<div style="max-width:22em"><label style="display:block">ρ '
            f'<input type="range" id="{uid}-rho" data-code="rho" min="0" max="{len(rhos) - 1}" '
            f'step="1" value="{rhos.index(start)}" style="vertical-align:middle"></label>'
            f'<output data-code="rho" for="{uid}-rho" style="display:block;margin-top:0.4em">'
            f'</output><div style="font-size:0.85em;opacity:0.7">X across, Y up, both from -4 '
            f'to 4</div></div><script>{_SCRIPT % {"id": json.dumps(uid), "data": data}}</script>'
            f'</div>')
    return StaticPairExplorer(html=html, rhos=rhos, captions=captions, start=start, element_id=uid)
