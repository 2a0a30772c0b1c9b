import pytest
import torch

from infogan_lite import InfoGAN, LatentSpec, TrainConfig
from infogan_lite.architectures import architecture


@pytest.fixture
def spec():
    return LatentSpec(n_noise=62, categorical=(10,), continuous=2)


@pytest.fixture
def model(spec):
    torch.manual_seed(0)
    return InfoGAN(spec)


@pytest.fixture(scope="session")
def tiny_arch():
    """The library's "tiny" architecture (Table 1's layout, every width divided by 8): the
    same code paths as the paper's networks in a fraction of the time. In a TrainConfig or on
    the command line, ask for it by name: arch_name="tiny", --arch-name tiny. (Architecture is frozen,
    so one object serves the whole session.)"""
    return architecture("tiny")


@pytest.fixture(scope="session")
def c1_reading():
    """c1_reading(model, images, labels) -> (matched accuracy, counts[category, label]) of Q's
    first categorical code, worked out here without infogan_lite.evaluate: the argmax of Q's
    logits, the counts, and the one-to-one pairing of categories with labels that gets the
    most images right. The expected value for the metrics the library reports."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    def read(model, images, labels):
        model.eval()
        with torch.no_grad():
            pred = torch.cat([model.infer(images[i:i + 1000])[0][0].argmax(1)
                              for i in range(0, len(images), 1000)]).numpy()
        labels = np.asarray(labels)
        counts = np.zeros((model.spec.categorical[0], labels.max() + 1), dtype=np.int64)
        np.add.at(counts, (pred, labels), 1)
        rows, cols = linear_sum_assignment(-counts)
        return counts[rows, cols].sum() / len(labels), counts

    return read


@pytest.fixture(scope="session", autouse=True)
def one_thread_for_the_session():
    """The whole session on one CPU thread: small networks gain nothing from a second thread,
    and on a busy 2-core machine two threads make them several times slower. (Before, the
    first in-process benchmark set one thread for the rest of the session, by accident.)"""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session", autouse=True)
def optimisers_warmed_up():
    """An optimiser's first step imports torch._dynamo (seconds on a busy machine): done once
    here, so that the first test that steps an optimiser is timed for its own work."""
    p = torch.nn.Parameter(torch.zeros(1))
    p.grad = torch.zeros(1)
    torch.optim.Adam([p], foreach=True).step()


@pytest.fixture
def one_thread():
    """Run a test on one CPU thread (fast and reproducible on a shared machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def tiny_config(tmp_path):
    """A CPU run on the generated toy data set with the tiny architecture: about a second."""
    return TrainConfig(dataset="toy", arch_name="tiny", steps=6, batch_size=16, log_every=2,
                       checkpoint_every=2, eval_every=0, device="cpu",
                       out_dir=str(tmp_path / "run"), seed=3)


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
