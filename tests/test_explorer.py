"""The traversal explorer: the live widgets redraw on a change, the static HTML stands alone."""
import io
import json
import re

import numpy as np
import pytest
import torch
from PIL import Image

from infogan_lite import InfoGAN, LatentSpec
from infogan_lite.book.explorer import live_explorer, static_explorer


def _data(explorer) -> dict:
    """The JSON the static explorer's inline script carries (images, frames, values...)."""
    return json.loads(re.search(r"data = (\{.*?\}), moved", explorer.html).group(1))


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


def test_live_explorer_redraws_the_image_when_c2_moves(model):
    explorer = live_explorer(model, scale=1)
    before = explorer.image.value
    explorer.controls["c2"].value = 1.5      # the same path a slider drag takes: observe -> update
    assert explorer.image.value != before
    explorer.controls["c2"].value = 0.0
    assert explorer.image.value == before, "the image must depend on the codes alone"
    explorer.controls["c1"].value = 7
    assert explorer.image.value != before
    explorer.controls["c1"].value, explorer.controls["z"].value = 0, 5
    assert explorer.image.value != before


def test_live_explorer_has_one_control_per_code_of_the_spec():
    spec = LatentSpec(n_noise=8, categorical=(4,), continuous=3)
    explorer = live_explorer(InfoGAN(spec), limit=2.0)
    assert list(explorer.controls) == ["c1", "c2", "c3", "c4", "z"]
    assert list(explorer.controls["c1"].options) == [0, 1, 2, 3]
    assert all((explorer.controls[c].min, explorer.controls[c].max) == (-2.0, 2.0)
               for c in ("c2", "c3", "c4"))


def test_static_explorer_has_the_controls_of_the_dom_contract(model):
    html = static_explorer(model, seeds=(0, 1)).html
    assert html.startswith('<div class="infogan-explorer"')
    for code, maximum in (("c1", 9), ("c2", 8), ("c3", 8), ("z", 1)):
        assert re.search(rf'<input type="range" id="[^"]+" data-code="{code}" min="0" '
                         rf'max="{maximum}"', html), code
    assert html.count('<img class="infogan-explorer-image"') == 1


def test_static_explorer_embeds_one_distinct_image_per_reachable_state(model):
    explorer = static_explorer(model, seeds=(0, 1))
    data = _data(explorer)
    # per seed: 10 categories x (the centre + 8 other values of c2 + 8 of c3)
    assert explorer.n_images == len(data["images"]) == 2 * 10 * 17
    assert len(set(data["images"])) == explorer.n_images
    frames = np.array(data["frames"])          # [seed, category, code, value]
    assert frames.shape == (2, 10, 2, 9)
    assert len(np.unique(frames)) == explorer.n_images
    assert (frames[:, :, 0, 4] == frames[:, :, 1, 4]).all(), "c2 = c3 = 0 is one shared image"


def test_static_explorer_shows_what_the_live_explorer_shows(model):
    data = _data(static_explorer(model, seeds=(3,)))
    live = live_explorer(model, seed=3, scale=1)
    live.controls["c1"].value, live.controls["c3"].value = 6, data["values"][1]
    import base64
    static_png = base64.b64decode(data["images"][data["frames"][0][6][1][1]])
    assert np.array_equal(_pixels(static_png), _pixels(live.image.value))


def test_static_explorer_is_self_contained_and_small(model):
    html = static_explorer(model).html
    assert not re.search(r"https?:|src=\"//|<link|<script src|url\(", html)
    assert html.count("data:image/png;base64,") == 1   # the prefix is added in the script
    assert len(html) < 1.5e6


def test_two_static_explorers_on_one_page_have_distinct_ids(model):
    a, b = static_explorer(model, seeds=(0,)), static_explorer(model, seeds=(0,))
    ids_a, ids_b = (set(re.findall(r'id="([^"]+)"', e.html)) for e in (a, b))
    assert a.element_id != b.element_id and not ids_a & ids_b


def test_static_explorer_without_continuous_codes_still_works():
    spec = LatentSpec(n_noise=4, categorical=(3,), continuous=0)
    explorer = static_explorer(InfoGAN(spec), seeds=(0,))
    assert explorer.n_images == 3 and 'data-code="c2"' not in explorer.html
    with pytest.raises(ValueError, match="at least one seed"):
        static_explorer(InfoGAN(spec), seeds=())
