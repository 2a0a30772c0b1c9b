"""The traversal explorer (chapter 7): choose the codes c of G(z, c) and watch the image (Figure 2).

With the noise z held fixed, the paper's MNIST model lets c1 pick the digit type while the
continuous codes c2 and c3 change rotation and width; Figure 2 pushes them to [-2, 2], beyond
the U(-1, 1) they were trained on (section 7.2). One explorer, in two forms:

* `live_explorer(model)`: ipywidgets controls that call `model.generate` on every change.
  It needs a running kernel (JupyterLab, Colab).
* `static_explorer(model)`: every image precomputed on a grid of code values and embedded
  as PNG data URIs in one self-contained HTML block with a few lines of inline JavaScript,
  so a static page (the book's site, a file opened from disk) works with no kernel, no
  widget manager and no network.

Codes are named as in the paper: the categorical codes first (c1 for MNIST), then the
continuous ones (c2, c3).
"""
from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
from dataclasses import dataclass

import numpy as np
import torch

_instances = itertools.count()  # keeps element ids unique when a page shows two explorers


def code_names(spec) -> tuple[list[str], list[str]]:
    """Names of the categorical and the continuous codes: (["c1"], ["c2", "c3"]) for MNIST."""
    n_cat = len(spec.categorical)
    return ([f"c{i + 1}" for i in range(n_cat)],
            [f"c{n_cat + j + 1}" for j in range(spec.continuous)])


def fixed_noise(spec, seed: int) -> torch.Tensor:
    """One noise vector z [1, n_noise] drawn from the prior with `seed`; both explorers use it."""
    return spec.sample(1, generator=torch.Generator().manual_seed(int(seed)))[0]


def png_bytes(image: torch.Tensor, scale: int = 1) -> bytes:
    """An image [C, H, W] in [0, 1] as PNG bytes, enlarged `scale` times without smoothing."""
    from PIL import Image

    pixels = (image.detach().cpu().float().clamp(0, 1) * 255).round().to(torch.uint8)
    array = pixels[0].numpy() if pixels.shape[0] == 1 else pixels.permute(1, 2, 0).numpy()
    picture = Image.fromarray(array)
    if scale != 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _generate(model, cat: list[list[int]], cont: list[list[float]], seed: int) -> torch.Tensor:
    """G(z, c) for rows of codes, every row with the same z = fixed_noise(seed).

    G runs in eval mode (then the model's mode is restored): in training mode BatchNorm would
    make each image depend on the others in the batch, and fail on a batch of one.
    """
    cat_t = torch.tensor(cat, dtype=torch.long).reshape(len(cat), len(model.spec.categorical))
    cont_t = torch.tensor(cont, dtype=torch.float32).reshape(len(cont), model.spec.continuous)
    noise = fixed_noise(model.spec, seed).expand(len(cat), -1)
    was_training = model.training
    try:
        return model.eval().generate(cat_t, cont_t, noise=noise)
    finally:
        model.train(was_training)


# --- live explorer (ipywidgets) ---------------------------------------------------------

def live_explorer(model, seed: int = 0, limit: float = 2.0, scale: int = 5):
    """ipywidgets UI: a Dropdown per categorical code, a FloatSlider in [-limit, limit] per
    continuous code and an IntText for the noise seed; the image is G(z, c) for the chosen c.

    The returned VBox also carries `.controls` ({"c1": Dropdown, "c2": FloatSlider, ...,
    "z": IntText}) and `.image` (the Image widget), for notebooks and tests.
    """
    import ipywidgets as widgets

    spec = model.spec
    cat_names, cont_names = code_names(spec)
    controls = {name: widgets.Dropdown(options=list(range(k)), value=0, description=name)
                for name, k in zip(cat_names, spec.categorical)}
    controls.update({name: widgets.FloatSlider(value=0.0, min=-limit, max=limit, step=0.1,
                                               description=name) for name in cont_names})
    controls["z"] = widgets.IntText(value=int(seed), description="z seed")
    image = widgets.Image(format="png")

    def update(_change=None):
        cat = [[controls[name].value for name in cat_names]]
        cont = [[controls[name].value for name in cont_names]]
        image.value = png_bytes(_generate(model, cat, cont, controls["z"].value)[0], scale)

    for control in controls.values():
        control.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([image, widgets.VBox(list(controls.values()))])])
    box.controls, box.image = controls, image
    return box


# --- static explorer (self-contained HTML) ----------------------------------------------

@dataclass
class StaticExplorer:
    """A self-contained HTML explorer; notebooks and Jupyter Book display it via `_repr_html_`."""

    html: str
    n_images: int   # distinct images embedded
    element_id: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return (f"StaticExplorer({self.n_images} images, {len(self.html) / 1e3:.0f} kB of HTML; "
                "display it in a notebook or a page to use it)")


def _frames(model, seeds, values) -> tuple[list[str], list]:
    """Every image the explorer can show, and where to find it.

    Returns (images, frames): images are distinct base64 PNGs; frames[s][k][j][t] is the index
    in `images` of seed s, category k of c1, continuous code j at values[t] and every other
    continuous code at the centre of the grid (further categorical codes stay at 0).
    """
    spec, centre = model.spec, (len(values) - 1) // 2
    n_cat, m = len(spec.categorical), spec.continuous
    categories = range(spec.categorical[0]) if n_cat else [0]
    codes, steps = range(max(m, 1)), range(len(values) if m else 1)
    images, frames = [], []
    for seed in seeds:
        rows: dict[tuple, int] = {}  # (k, continuous values) -> row; the centre image is shared

        def row(k, j, t):
            cont = tuple(values[t] if i == j else values[centre] for i in range(m))
            return rows.setdefault((k, cont), len(rows))

        table = [[[row(k, j, t) for t in steps] for j in codes] for k in categories]
        cat = [[k] + [0] * (n_cat - 1) if n_cat else [] for k, _ in rows]
        x = _generate(model, cat, [list(cont) for _, cont in rows], seed)
        start = len(images)
        images += [base64.b64encode(png_bytes(image)).decode("ascii") for image in x]
        frames.append([[[start + r for r in along] for along in per_k] for per_k in table])
    return images, frames


# Inline JavaScript of one explorer: `data` holds the images and frames of _frames, the
# names of the codes and the grid of values. Moving a continuous code returns the others to
# the centre, so every reachable state has a precomputed image.
_SCRIPT = """(function () {
  var root = document.getElementById(%(id)s), data = %(data)s, moved = 0;
  var image = root.querySelector("img.infogan-explorer-image");
  function input(code) { return root.querySelector('input[data-code="' + code + '"]'); }
  function value(code) { var el = input(code); return el ? parseInt(el.value, 10) : 0; }
  function label(code, text) {
    var out = root.querySelector('output[data-code="' + code + '"]');
    if (out) { out.textContent = text; }
  }
  function show() {
    var s = value("z"), k = value("c1"), t = data.cont.length ? value(data.cont[moved]) : 0;
    image.src = "data:image/png;base64," + data.images[data.frames[s][k][moved][t]];
    label("c1", k);
    label("z", data.seeds[s]);
    data.cont.forEach(function (code) { label(code, data.values[value(code)].toFixed(2)); });
  }
  data.cont.forEach(function (code, j) {
    input(code).addEventListener("input", function () {
      moved = j;
      data.cont.forEach(function (other) { if (other !== code) { input(other).value = data.centre; } });
      show();
    });
  });
  ["c1", "z"].forEach(function (code) { if (input(code)) { input(code).addEventListener("input", show); } });
  show();
})();"""


def _slider(uid: str, code: str, label: str, maximum: int, value: int) -> str:
    return (f'<label style="display:block;margin:0.2em 0">{label} '
            f'<input type="range" id="{uid}-{code}" data-code="{code}" min="0" max="{maximum}" '
            f'step="1" value="{value}" style="vertical-align:middle"> '
            f'<output data-code="{code}" for="{uid}-{code}"></output></label>')


def static_explorer(model, seeds=(0, 1, 2), values=None, scale: int = 5) -> StaticExplorer:
    """A self-contained HTML explorer: range inputs for c1, each continuous code and (with
    several seeds) the noise z, over precomputed images of G(z, c), shown `scale` times enlarged.

    values: the grid of each continuous code (default 9 points in [-2, 2], as in Figure 2).
    One continuous code varies at a time; moving it returns the others to the grid's centre.
    Only c1 gets a control; further categorical codes stay at category 0.
    For MNIST and 3 seeds that is 3 x 10 x 17 = 510 distinct 28x28 PNGs.
    """
    values = [float(v) for v in (np.linspace(-2, 2, 9) if values is None else values)]
    seeds = [int(s) for s in seeds]
    if not values or not seeds:
        raise ValueError("static_explorer needs at least one seed and one value per code")
    spec = model.spec
    cat_names, cont_names = code_names(spec)
    images, frames = _frames(model, seeds, values)
    digest = hashlib.sha1("".join(images).encode()).hexdigest()[:10]
    uid = f"infogan-explorer-{digest}-{next(_instances)}"
    centre = (len(values) - 1) // 2
    controls = [_slider(uid, "c1", "c1 (category)", spec.categorical[0] - 1, 0)] if cat_names else []
    controls += [_slider(uid, name, name, len(values) - 1, centre) for name in cont_names]
    if len(seeds) > 1:
        controls.append(_slider(uid, "z", "noise z, seed", len(seeds) - 1, 0))
    data = dict(images=images, frames=frames, values=values, centre=centre, seeds=seeds,
                cont=cont_names)
    script = _SCRIPT % {"id": json.dumps(uid), "data": json.dumps(data, separators=(",", ":"))}
    side = int(model.arch.image_size) * scale
    note = (f'{" and ".join(cont_names)} move one at a time (the other stays at '
            f'{values[centre]:g}); training drew them from [-1, 1]') if cont_names else ""
    html = (f'<div class="infogan-explorer" id="{uid}" style="display:flex;gap:1.5em;'
            f'align-items:center;margin:0.5em 0">'
            f'<img class="infogan-explorer-image" alt="generated image G(z, c)" width="{side}" '
            f'height="{side}" style="image-rendering:pixelated;border:1px solid #ccc">'
            f'<div>{"".join(controls)}<div style="font-size:0.85em;opacity:0.7">{note}</div></div>'
            f'<script>{script}</script></div>')
    return StaticExplorer(html=html, n_images=len(images), element_id=uid)
