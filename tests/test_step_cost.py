"""The cost of a training step per paper configuration: counted, timed, and estimated."""
import statistics

import pytest

from infogan_lite.paper_configs import paper_config
from infogan_lite.book.step_cost import (PAPER_NAMES, describe, gpu_estimate, latent_text, step_flops,
                                    time_steps)

pytestmark = pytest.mark.usefixtures("one_thread")


# Parameters counted by hand from the tables (4x4 kernels throughout; every layer has a bias;
# batch norm adds a scale and a shift per channel). The Q head's output: Cat logits plus one
# mean per continuous code, plus one log-sigma per code where sigma is learned (not MNIST).
def fc(n_in, n_out):
    return n_in * n_out + n_out


def conv(c_in, c_out):
    return c_in * c_out * 16 + c_out


def bn(c):
    return 2 * c


PARAMS = {  # name: (G, D with Q)
    "mnist": (fc(74, 1024) + bn(1024) + fc(1024, 7 * 7 * 128) + bn(7 * 7 * 128)      # Table 1
              + conv(128, 64) + bn(64) + conv(64, 1),
              conv(1, 64) + conv(64, 128) + bn(128) + fc(7 * 7 * 128, 1024) + bn(1024)
              + fc(1024, 1) + fc(1024, 128) + bn(128) + fc(128, 10 + 2)),
    "svhn": (fc(168, 2 * 2 * 448) + bn(2 * 2 * 448) + conv(448, 256) + bn(256)        # Table 2
             + conv(256, 128) + conv(128, 64) + conv(64, 3),
             conv(3, 64) + conv(64, 128) + bn(128) + conv(128, 256) + bn(256)
             + fc(4 * 4 * 256, 1) + fc(4 * 4 * 256, 128) + bn(128) + fc(128, 4 * 10 + 2 * 4)),
    "celeba": (fc(228, 2 * 2 * 448) + bn(2 * 2 * 448) + conv(448, 256) + bn(256)      # Table 3
               + conv(256, 128) + conv(128, 64) + conv(64, 3),
               conv(3, 64) + conv(64, 128) + bn(128) + conv(128, 256) + bn(256)
               + fc(4 * 4 * 256, 1) + fc(4 * 4 * 256, 128) + bn(128) + fc(128, 10 * 10)),
    "faces3d-azimuth": (fc(133, 1024) + bn(1024) + fc(1024, 8 * 8 * 128) + bn(8 * 8 * 128)  # T. 4
                        + conv(128, 64) + bn(64) + conv(64, 1),
                        conv(1, 64) + conv(64, 128) + bn(128) + fc(8 * 8 * 128, 1024) + bn(1024)
                        + fc(1024, 1) + fc(1024, 2 * 5)),
    "chairs-rotation": (fc(189, 1024) + bn(1024) + fc(1024, 8 * 8 * 256) + bn(8 * 8 * 256)  # T. 6
                        + 2 * (conv(256, 256) + bn(256)) + conv(256, 128) + bn(128)
                        + conv(128, 64) + bn(64) + conv(64, 1),
                        conv(1, 64) + conv(64, 128) + bn(128) + conv(128, 256) + bn(256)
                        + 2 * (conv(256, 256) + bn(256)) + fc(8 * 8 * 256, 1024) + bn(1024)
                        + fc(1024, 1) + fc(1024, 3 * 20 + 2 * 1)),
}


@pytest.mark.parametrize("name, dim, image", [
    ("mnist", 74, (1, 28, 28)), ("svhn", 168, (3, 32, 32)), ("celeba", 228, (3, 32, 32)),
    ("faces3d-azimuth", 133, (1, 32, 32)), ("chairs-rotation", 189, (1, 64, 64))])
def test_describe_gives_the_tables_input_and_image_size(name, dim, image):
    row = describe(name)
    assert (row["G input"], row["image"]) == (dim, image)
    assert (row["G params"], row["D+Q params"]) == PARAMS[name]


def test_latent_text_reads_like_the_paper():
    assert latent_text(paper_config("svhn")) == "4 x Cat(10) + 4 cont. + 124 noise"
    assert latent_text(paper_config("faces3d")) == "5 cont. + 128 noise"
    assert set(PAPER_NAMES) >= {"mnist", "svhn", "celeba", "chairs-width"}


def test_step_flops_are_linear_in_the_batch_and_match_the_hand_count():
    cfg = paper_config("mnist")
    f2, f4 = step_flops(cfg, 2), step_flops(cfg, 4)
    assert f4 == 2 * f2
    # appendix A counts about 145 M multiply-adds per image by hand: 37 GFLOP at batch 128
    assert 36e9 < f4 * 32 < 38e9


def test_time_steps_times_real_steps():
    t = time_steps(paper_config("mnist"), batch_size=4, steps=3, amp="off")
    assert len(t["seconds"]) == 3 and t["dtype"] == "float32"
    assert all(s > 0 for s in t["seconds"]) and t["median"] == statistics.median(t["seconds"])


def test_gpu_estimate_is_flops_over_throughput_with_a_floor():
    assert gpu_estimate(10e12, 100, tflops=10) == pytest.approx(100.0)
    assert gpu_estimate(1e9, 1000, tflops=10, floor_ms=5) == pytest.approx(5.0)
