import pytest
import torch

from infogan_lite import InfoGAN, LatentSpec, TrainConfig


@pytest.fixture
def spec():
    return LatentSpec(n_noise=62, categorical=(10,), continuous=2)


@pytest.fixture
def model(spec):
    torch.manual_seed(0)
    return InfoGAN(spec)


@pytest.fixture
def tiny_config(tmp_path):
    """A CPU run on the generated toy data set that takes a few seconds."""
    return TrainConfig(dataset="toy", steps=6, batch_size=16, log_every=2, checkpoint_every=2,
                       eval_every=0, device="cpu", out_dir=str(tmp_path / "run"), seed=3)
