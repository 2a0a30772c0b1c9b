"""Image traits (slant, width; lean, height, breadth, ink, fill) checked on shapes whose answer is known."""
import math

import pytest
import torch

from infogan_lite import InfoGAN, LatentSpec
from infogan_lite.book.traits import (FASHION_TRAITS, TRAITS, breadth, code_effects, fill, height, ink,
                                 lean, moments, slant, traits_for, width)


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
            assert code[trait]["mean"] == pytest.approx(sum(code[trait]["per_z"]) / 6, abs=1e-4)


class _BarGenerator(torch.nn.Module):
    """Known effects: c2 widens a vertical bar (2, 4, ..., 18 pixels over the 9 values of
    code_effects), c3 turns it (-40 to 40 degrees), c4 does nothing."""

    def forward(self, latent):                       # LatentSpec(8, (3,), 3): c2, c3 at 11, 12
        return torch.cat([bar(40 * float(c3), half_len=12, half_width=0.5 + 4 * (float(c2) + 1))
                          for c2, c3 in zip(latent[:, 11], latent[:, 12])])


@pytest.mark.filterwarnings("ignore:An input array is constant")
def test_code_effects_of_a_generator_with_known_effects():
    model = InfoGAN(LatentSpec(8, (3,), 3)).eval()
    model.G = _BarGenerator()
    out = code_effects(model, n_noise=3, seed=1)
    assert out["c2"]["width"]["per_z"] == [1.0] * 3 and out["c2"]["width"]["mean"] == 1.0
    assert out["c3"]["slant"]["per_z"] == [1.0] * 3 and out["c3"]["slant"]["mean"] == 1.0
    nothing = {"mean": 0.0, "sd": 0.0, "per_z": [0.0] * 3}
    assert out["c4"] == {"slant": nothing, "width": nothing}


# --- clothes (chapter 8): traits along the image's axes, and intensity
def rectangle(rows: int, cols: int, value: float = 1.0, size: int = 28, shear: float = 0.0):
    """A filled rows x cols rectangle about the centre, each row shifted right by shear * y
    (y upwards from the centre), so that its top leans right for shear > 0."""
    ys, xs = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    x, y = xs - (size - 1) / 2, -(ys - (size - 1) / 2)
    inside = (y.abs() <= (rows - 1) / 2) & ((x - shear * y).abs() <= (cols - 1) / 2)
    return (value * inside.float())[None, None]


def test_height_and_breadth_of_a_rectangle_are_its_rows_and_columns():
    img = rectangle(20, 8)
    assert img.sum().item() == 160                                    # the shape is as named
    assert height(img).item() == pytest.approx(20, rel=1e-6)
    assert breadth(img).item() == pytest.approx(8, rel=1e-6)
    assert height(rectangle(6, 20)).item() == pytest.approx(6, rel=1e-6)


def test_ink_is_the_mean_grey_level():
    assert ink(rectangle(20, 8)).item() == pytest.approx(160 / 784)
    assert ink(rectangle(20, 8, value=0.5)).item() == pytest.approx(80 / 784)
    assert ink(torch.ones(1, 1, 28, 28)).item() == 1.0


def test_fill_is_one_for_a_solid_rectangle_and_drops_with_grey_or_gaps():
    assert fill(rectangle(20, 8)).item() == pytest.approx(1.0, rel=1e-6)
    assert fill(rectangle(20, 8, value=0.5)).item() == pytest.approx(0.5, rel=1e-6)
    legs = torch.zeros(1, 1, 28, 28)
    legs[..., 4:24, 5:8] = 1                                          # two 3-pixel "legs",
    legs[..., 4:24, 20:23] = 1                                        # columns 5-7 and 20-22
    # x about 13.5: deviations 6.5, 7.5, 8.5 -> variance 170.75 / 3, 12 var + 1 = 684
    assert breadth(legs).item() == pytest.approx(math.sqrt(684), rel=1e-6)
    assert fill(legs).item() == pytest.approx(6 / math.sqrt(684), rel=1e-6)


@pytest.mark.parametrize("shear", [-0.5, -0.2, 0.0, 0.3, 0.6])
def test_lean_of_a_sheared_rectangle_is_atan_of_its_shear(shear):
    assert lean(rectangle(20, 6, shear=shear)).item() == pytest.approx(
        math.degrees(math.atan(shear)), abs=1.5)


def test_lean_does_not_wrap_for_items_lying_on_their_side():
    """A slant from the vertical jumps from +90 to -90 across a lying bar; lean moves smoothly."""
    lying = [lean(bar(a, half_len=11, half_width=3)).item() for a in (85.0, 90.0, 95.0)]
    assert lying[0] > lying[1] > lying[2]
    assert slant(bar(85.0)).item() * slant(bar(95.0)).item() < 0     # the jump lean avoids


def test_trait_sets_by_dataset_keep_mnist_as_it_was():
    assert set(TRAITS) == {"slant", "width"}
    assert traits_for("mnist") is TRAITS and traits_for("fashion-mnist") is FASHION_TRAITS
    torch.manual_seed(0)
    model = InfoGAN(LatentSpec(8, (3,), 2)).eval()
    out = code_effects(model, n_noise=4, seed=1, traits=FASHION_TRAITS)
    assert set(out["c2"]) == set(FASHION_TRAITS) == {"lean", "height", "breadth", "ink", "fill"}
    assert code_effects(model, n_noise=4, seed=1)["c3"].keys() == {"slant", "width"}
