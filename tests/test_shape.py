"""Slant and width from image moments, checked on shapes whose answer is known."""
import math

import pytest
import torch

from infogan_lite import InfoGAN, LatentSpec
from infogan_lite.shape import code_effects, moments, slant, width


def bar(angle_deg: float, half_len: float = 10.0, half_width: float = 1.5, size: int = 28):
    """A filled rectangle through the centre, its long axis `angle_deg` from the vertical,
    top leaning right for angle > 0 (y upwards)."""
    ys, xs = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    x, y = xs - (size - 1) / 2, -(ys - (size - 1) / 2)
    a = math.radians(angle_deg)
    along = x * math.sin(a) + y * math.cos(a)
    across = x * math.cos(a) - y * math.sin(a)
    img = ((along.abs() <= half_len) & (across.abs() <= half_width)).float()
    return img[None, None]


@pytest.mark.parametrize("angle", [-35.0, -10.0, 0.0, 15.0, 40.0])
def test_slant_of_a_rotated_bar_is_its_angle(angle):
    assert slant(bar(angle)).item() == pytest.approx(angle, abs=1.5)


def test_width_grows_with_the_bar_and_ignores_rotation():
    thin, thick = width(bar(0, half_width=1.0)), width(bar(0, half_width=4.0))
    assert thick.item() > 2.5 * thin.item()
    assert width(bar(30, half_width=4.0)).item() == pytest.approx(thick.item(), rel=0.1)
    # a vertical band n pixels wide has standard deviation sqrt((n^2 - 1) / 12) across it;
    # half-width 4.5 about the centre 13.5 covers the 10 columns 9..18
    assert width(bar(0, half_width=4.5)).item() == pytest.approx(math.sqrt(99 / 12), rel=1e-4)


def test_moments_reject_colour_images():
    with pytest.raises(ValueError, match=r"grey images \[n, 1, H, W\]"):
        moments(torch.rand(2, 3, 28, 28))


def test_code_effects_shapes_and_range():
    torch.manual_seed(0)
    model = InfoGAN(LatentSpec(8, (3,), 2)).eval()
    out = code_effects(model, n_noise=6, seed=1)
    assert set(out) == {"c2", "c3"}
    for code in out.values():
        for trait in ("slant", "width"):
            assert len(code[trait]["per_z"]) == 6
            assert -1 <= code[trait]["mean"] <= 1
