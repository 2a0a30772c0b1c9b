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
def one_thread():
    """Run a test on one CPU thread (fast and reproducible on a shared machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def tiny_config(tmp_path):
    """A CPU run on the generated toy data set that takes a few seconds."""
    return TrainConfig(dataset="toy", steps=6, batch_size=16, log_every=2, checkpoint_every=2,
                       eval_every=0, device="cpu", out_dir=str(tmp_path / "run"), seed=3)


@pytest.fixture(scope="session", autouse=True)
def committed_weights_are_unchanged():
    """Fail the session, loudly, if any test changed a file in infogan_lite/pretrained/."""
    from infogan_lite.pretrained import PRETRAINED_DIR, sha256

    def digests():
        files = sorted(PRETRAINED_DIR.iterdir()) if PRETRAINED_DIR.exists() else []
        return {p.name: sha256(p) for p in files if p.is_file()}

    before = digests()
    yield
    after = digests()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        pytest.fail(f"THE TESTS CHANGED THE COMMITTED WEIGHTS in {PRETRAINED_DIR}: {changed}. "
                    f"Restore them: git checkout -- infogan_lite/pretrained", pytrace=False)
