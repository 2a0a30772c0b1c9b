import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch

from infogan_lite.data import ENV_VAR, data_root, load_dataset


def test_unknown_dataset_names_list_the_known_ones():
    with pytest.raises(ValueError, match="unknown dataset 'cifar10': choose one of mnist, fashion-mnist"):
        load_dataset("cifar10")


def test_the_root_argument_beats_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, "/somewhere/else")
    assert data_root(tmp_path) == tmp_path
    assert str(data_root()) == "/somewhere/else"
    monkeypatch.delenv(ENV_VAR)
    assert data_root().parts[-3:] == (".cache", "infogan_lite", "data")


def test_missing_data_without_network_is_a_clear_error(tmp_path, monkeypatch):
    import torchvision.datasets.mnist as tvmnist

    def offline(*args, **kwargs):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz")

    monkeypatch.setattr(tvmnist.MNIST, "download", offline)
    with pytest.raises(RuntimeError, match=f"set {ENV_VAR} to a folder"):
        load_dataset("mnist", root=tmp_path)


def test_toy_data_is_ten_balanced_classes_in_unit_range():
    x, y = load_dataset("toy")
    assert x.shape == (6000, 1, 28, 28) and 0 <= x.min() and x.max() <= 1
    assert torch.bincount(y, minlength=10).min() > 500
    # class k is a bar through the centre at k * 18 degrees: the principal axis of its ink
    w = x[:, 0].double()
    c = torch.arange(28, dtype=torch.float64) - 13.5
    yy, xx = torch.meshgrid(c, c, indexing="ij")
    mass = w.sum((1, 2))
    mxx, myy, mxy = [(w * a).sum((1, 2)) / mass for a in (xx * xx, yy * yy, xx * yy)]
    assert all(((w * a).sum((1, 2)) / mass).abs().max() < 1e-9 for a in (xx, yy))  # centred
    angle = 0.5 * torch.atan2(2 * mxy, mxx - myy)
    off = torch.remainder(angle - y * math.pi / 10 + math.pi / 2, math.pi) - math.pi / 2
    assert off.abs().max() < 1e-3


@pytest.mark.skipif(not os.environ.get(ENV_VAR), reason=f"{ENV_VAR} not set: no offline MNIST")
@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_real_data_loads_as_one_tensor(name):
    x, y = load_dataset(name, train=False)
    assert x.shape == (10000, 1, 28, 28) and x.dtype == torch.float32
    assert 0 <= x.min() and x.max() == 1 and y.shape == (10000,) and set(y.tolist()) == set(range(10))
    # the bytes of the idx files (16- and 8-byte headers), pixels divided by 255
    folder = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}[name]
    raw = Path(os.environ[ENV_VAR]) / folder / "raw"
    pixels = np.frombuffer((raw / "t10k-images-idx3-ubyte").read_bytes()[16:], dtype=np.uint8)
    labels = np.frombuffer((raw / "t10k-labels-idx1-ubyte").read_bytes()[8:], dtype=np.uint8)
    pixels = pixels.reshape(10000, 1, 28, 28).astype(np.float32) / 255
    assert torch.equal(x, torch.from_numpy(pixels))
    assert torch.equal(y, torch.from_numpy(labels.astype(np.int64)))
