import os

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


@pytest.mark.skipif(not os.environ.get(ENV_VAR), reason=f"{ENV_VAR} not set: no offline MNIST")
@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_real_data_loads_as_one_tensor(name):
    x, y = load_dataset(name, train=False)
    assert x.shape == (10000, 1, 28, 28) and x.dtype == torch.float32
    assert 0 <= x.min() and x.max() == 1 and y.shape == (10000,) and set(y.tolist()) == set(range(10))
