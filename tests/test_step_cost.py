"""The cost of a training step per paper configuration: counted, timed, and estimated."""
import pytest

from infogan_lite.paper_configs import paper_config
from infogan_lite.book.step_cost import (PAPER_NAMES, describe, gpu_estimate, latent_text, step_flops,
                                    time_steps)

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.mark.parametrize("name, dim, image", [
    ("mnist", 74, (1, 28, 28)), ("svhn", 168, (3, 32, 32)), ("celeba", 228, (3, 32, 32)),
    ("faces3d-azimuth", 133, (1, 32, 32)), ("chairs-rotation", 189, (1, 64, 64))])
def test_describe_gives_the_tables_input_and_image_size(name, dim, image):
    row = describe(name)
    assert (row["G input"], row["image"]) == (dim, image)
    assert row["G params"] > 0 and row["D+Q params"] > 0


def test_latent_text_reads_like_the_paper():
    assert latent_text(paper_config("svhn")) == "4 x Cat(10) + 4 cont. + 124 noise"
    assert latent_text(paper_config("faces3d")) == "5 cont. + 128 noise"
    assert set(PAPER_NAMES) >= {"mnist", "svhn", "celeba", "chairs-width"}


def test_step_flops_are_linear_in_the_batch_and_match_the_hand_count():
    cfg = paper_config("mnist")
    f2, f4 = step_flops(cfg, 2), step_flops(cfg, 4)
    assert f4 == 2 * f2
    # chapter 6 counts about 145 M multiply-adds per image by hand: 37 GFLOP at batch 128
    assert 36e9 < f4 * 32 < 38e9


def test_time_steps_times_real_steps():
    t = time_steps(paper_config("mnist"), batch_size=4, steps=2, amp="off")
    assert len(t["seconds"]) == 2 and t["median"] > 0 and t["dtype"] == "float32"


def test_gpu_estimate_is_flops_over_throughput_with_a_floor():
    assert gpu_estimate(10e12, 100, tflops=10) == pytest.approx(100.0)
    assert gpu_estimate(1e9, 1000, tflops=10, floor_ms=5) == pytest.approx(5.0)
