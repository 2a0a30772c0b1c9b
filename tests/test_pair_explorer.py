"""Chapter 1's kernel-free slider: each position shows the cloud of its own rho, with the right I."""
import base64
import io
import json
import math
import re

import numpy as np
import pytest

from infogan_lite.book.pair_explorer import default_rhos, static_pair_explorer

RHOS = [-0.9, 0.0, 0.5, 0.8, 0.99]


@pytest.fixture(scope="module")
def explorer():
    return static_pair_explorer(RHOS, n=2000, start=0.8)


def _data(explorer) -> dict:
    return json.loads(re.search(r"data = (\{.*?\});\n", explorer.html).group(1))


def _pixel_correlation(b64: str) -> float:
    """The correlation of the dark pixels' coordinates (column against height) in a frame."""
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(b64))), dtype=float)
    ink = np.clip(0.8 - pixels / 255, 0, None)[2:-2, 2:-2]       # the points, not axes or frame
    rows, cols = np.indices(ink.shape)
    w = ink / ink.sum()
    x, y = cols, -rows
    mx, my = (w * x).sum(), (w * y).sum()
    cov = (w * (x - mx) * (y - my)).sum()
    return cov / math.sqrt((w * (x - mx) ** 2).sum() * (w * (y - my) ** 2).sum())


def test_each_slider_position_shows_a_cloud_with_its_own_correlation(explorer):
    images = _data(explorer)["images"]
    assert len(images) == len(RHOS) == len(set(images))
    for rho, image in zip(RHOS, images):
        assert _pixel_correlation(image) == pytest.approx(rho, abs=0.06), rho


def test_each_caption_carries_the_closed_form_and_the_estimate_from_the_points(explorer):
    for rho, caption in zip(RHOS, _data(explorer)["captions"]):
        assert f"I = {0.0 - 0.5 * math.log(1 - rho**2):.3f} nats" in caption, caption
        estimate, se = map(float, re.search(r"points: (-?[\d.]+) ± ([\d.]+)", caption).groups())
        assert abs(estimate + 0.5 * math.log(1 - rho**2)) < 4 * se + 1e-9, caption


def test_the_slider_starts_at_the_chosen_rho_and_follows_the_dom_contract(explorer):
    html = explorer.html
    slider = re.search(r'<input type="range"[^>]*data-code="rho"[^>]*>', html).group(0)
    assert f'max="{len(RHOS) - 1}"' in slider and f'value="{RHOS.index(0.8)}"' in slider
    assert 'class="infogan-explorer"' in html and 'img class="infogan-explorer-image"' in html
    assert '<output data-code="rho"' in html
    assert "http" not in html.replace("http-equiv", "")                  # needs no network
    assert "+0.80" in repr(explorer)                                      # the PDF's text form
    with pytest.raises(ValueError, match="not on the grid"):
        static_pair_explorer(RHOS, start=0.7)


def test_the_default_grid_is_symmetric_and_stays_inside_the_open_interval():
    rhos = default_rhos()
    assert rhos == sorted(rhos) and rhos == [-r for r in reversed(rhos)]
    assert 0.0 in rhos and 0.8 in rhos and max(map(abs, rhos)) < 1
