import dataclasses
import json
import shutil

import pytest
import torch

from infogan_lite import load_pretrained, train
from infogan_lite.checkpoint import CheckpointError
from infogan_lite.pretrained import PRETRAINED_DIR, available, export_run


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A toy model trained for a few steps and exported like the shipped weights."""
    from infogan_lite import TrainConfig

    tmp = tmp_path_factory.mktemp("export")
    cfg = TrainConfig(dataset="toy", steps=4, batch_size=16, log_every=2, checkpoint_every=2,
                      eval_every=0, device="cpu", out_dir=str(tmp / "run"))
    train(cfg, progress=False)
    export_run(tmp / "run", "toy", tmp / "weights")
    return tmp / "weights"


@pytest.fixture
def weights(exported, tmp_path):
    shutil.copytree(exported, tmp_path / "w")
    return tmp_path / "w"


def test_exported_weights_load_through_the_public_api(weights):
    model = load_pretrained("toy", root=weights)
    assert not model.training and model.spec.dim == 74
    x = model.generate(torch.tensor([[2], [5]]), torch.zeros(2, 2), seed=0)
    assert x.shape == (2, 1, 28, 28)
    manifest = json.loads((weights / "toy.json").read_text())
    assert manifest["steps"] == 4 and manifest["dataset"] == "toy" and manifest["seed"] == 0
    assert {"accuracy", "nmi", "usage"} <= set(manifest["metrics"])


def test_shipped_weights_are_half_precision(weights):
    from safetensors.torch import load_file
    tensors = load_file(str(weights / "toy-G.safetensors"))
    assert all(t.dtype == torch.float16 for t in tensors.values() if t.is_floating_point())


def test_an_unknown_name_lists_the_available_models(weights):
    with pytest.raises(ValueError, match="no pretrained model 'svhn'.*available: toy"):
        load_pretrained("svhn", root=weights)


def test_a_modified_weights_file_fails_its_checksum(weights):
    path = weights / "toy-D.safetensors"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="checksum of .*toy-D.safetensors does not match"):
        load_pretrained("toy", root=weights)


def test_a_missing_weights_file_is_named(weights):
    (weights / "toy-G.safetensors").unlink()
    with pytest.raises(CheckpointError, match="toy-G.safetensors is missing"):
        load_pretrained("toy", root=weights)


def _rewrite_manifest(weights, edit):
    path = weights / "toy.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


def test_a_foreign_file_with_a_matching_checksum_is_refused(weights):
    from infogan_lite.pretrained import sha256
    path = weights / "toy-G.safetensors"
    path.write_bytes(b"\x00" * 64)
    _rewrite_manifest(weights, lambda m: m["files"].update({path.name: sha256(path)}))
    with pytest.raises(CheckpointError, match="not a readable safetensors file"):
        load_pretrained("toy", root=weights)


def test_weights_for_another_latent_spec_are_refused(weights):
    _rewrite_manifest(weights, lambda m: m["spec"].update({"continuous": 3}))
    with pytest.raises(CheckpointError, match="written for another LatentSpec"):
        load_pretrained("toy", root=weights)


def test_a_manifest_that_is_not_json_is_named(weights):
    (weights / "toy.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        load_pretrained("toy", root=weights)


# --- the committed MNIST model (issue: matched accuracy >= 0.95, usage 5-15 %, L_I >= 2.2)

needs_mnist = pytest.mark.skipif("mnist" not in available(), reason="no committed MNIST weights")


@needs_mnist
def test_committed_mnist_model_meets_the_papers_accuracy():
    manifest = json.loads((PRETRAINED_DIR / "mnist.json").read_text())
    assert manifest["metrics"]["accuracy"] >= 0.95
    assert all(0.05 <= u <= 0.15 for u in manifest["metrics"]["usage"])
    assert manifest["max_L_I"] >= 2.2


@needs_mnist
@pytest.mark.skipif(not __import__("os").environ.get("INFOGAN_LITE_DATA"), reason="no offline MNIST")
def test_committed_mnist_model_reproduces_its_manifest_on_the_test_set():
    from infogan_lite.data import load_dataset
    from infogan_lite.evaluate import evaluate_c1

    manifest = json.loads((PRETRAINED_DIR / "mnist.json").read_text())
    x, y = load_dataset("mnist", train=False)
    m = evaluate_c1(load_pretrained("mnist"), x, y)
    assert m["accuracy"] == pytest.approx(manifest["metrics"]["accuracy"], abs=1e-4)
    assert m["accuracy"] >= 0.95
