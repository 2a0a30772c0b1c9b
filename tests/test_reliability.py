"""Bad input is refused at the boundary with a message that says what was expected.

Files (checkpoints, weights, manifests), configs, calls to `generate` and `infer`,
non-finite losses, full disks and unwritable folders: each case below is something a
user can do, and each must raise a clear error that names the file or the field, the
mismatch and the fix, and must leave what was on disk, or in the model, as it was.

Set INFOGAN_LITE_MESSAGES=<file> to collect every message these tests saw (JSON lines);
the table in the book's reliability notes is made from it.
"""
from __future__ import annotations

import dataclasses
import errno
import importlib
import json
import math
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from infogan_lite import Architecture, InfoGAN, Layer, LatentSpec, TrainConfig, train
from infogan_lite.architectures import architecture
from infogan_lite.checkpoint import (load_checkpoint, load_strict, model_from_checkpoint,
                                     save_checkpoint)
from infogan_lite.files import CheckpointError, atomic_write, folder_lock
from infogan_lite.pretrained import export_run, load_pretrained
from infogan_lite.pretrained import sha256 as file_sha256

T = importlib.import_module("infogan_lite.train")  # the module (the package exports train())


@pytest.fixture
def said(request):
    """said(excinfo): keep the message for the table when INFOGAN_LITE_MESSAGES is set."""
    def keep(excinfo):
        if os.environ.get("INFOGAN_LITE_MESSAGES"):
            with open(os.environ["INFOGAN_LITE_MESSAGES"], "a") as f:
                f.write(json.dumps({"test": request.node.name, "type": excinfo.type.__name__,
                                    "message": str(excinfo.value)}) + "\n")
    return keep


def _cfg(out_dir, **kw) -> TrainConfig:
    return TrainConfig(**{**dict(dataset="toy", arch_name="tiny", steps=6, batch_size=16,
                                 log_every=2, checkpoint_every=2, eval_every=0, device="cpu",
                                 amp="off", threads=1, seed=5, out_dir=str(out_dir)), **kw})


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A finished tiny run (checkpoint at step 4) and its exported weights."""
    tmp = tmp_path_factory.mktemp("reliability")
    train(_cfg(tmp / "run", steps=4), progress=False)
    export_run(tmp / "run", "tiny", tmp / "weights")
    return tmp


@pytest.fixture
def ckpt(run, tmp_path) -> Path:
    shutil.copytree(run / "run", tmp_path / "run")
    return tmp_path / "run" / "checkpoint.pt"


@pytest.fixture
def weights(run, tmp_path) -> Path:
    shutil.copytree(run / "weights", tmp_path / "weights")
    return tmp_path / "weights"


def _tensors(module) -> dict:
    return {k: v.clone() for k, v in module.state_dict().items()}


def _unchanged(before: dict, module) -> bool:
    return all(torch.equal(before[k], v) for k, v in module.state_dict().items())


# --- checkpoints ------------------------------------------------------------------------

def test_flipped_bytes_anywhere_in_a_checkpoint_never_load_as_different_weights(ckpt):
    """Without the stored SHA-256, torch.load reads flipped tensor bytes without a word."""
    original, data = load_checkpoint(ckpt), ckpt.read_bytes()
    gen, caught = torch.Generator().manual_seed(0), 0
    for i in torch.randint(len(data), (30,), generator=gen).tolist():
        bad = bytearray(data)
        bad[i] ^= 0xFF
        ckpt.write_bytes(bytes(bad))
        try:
            state = load_checkpoint(ckpt)
        except CheckpointError as err:
            assert str(ckpt) in str(err) and ("corrupt" in str(err))
            caught += 1
            continue
        assert all(torch.equal(state["model"][k], v) for k, v in original["model"].items())
    assert caught >= 25  # the rest fell in zip padding, which holds no content


def test_a_checkpoint_whose_content_does_not_match_its_sha256_is_refused(ckpt, said):
    state = torch.load(ckpt, weights_only=True)
    state["model"]["G.net.0.weight"][0, 0] += 1  # one changed number, the stored SHA-256 kept
    torch.save(state, ckpt)
    with pytest.raises(CheckpointError, match="does not match the SHA-256 stored in it") as e:
        load_checkpoint(ckpt)
    said(e)


@pytest.mark.parametrize("keep", [0.99, 0.1, 0.0001])
def test_a_truncated_checkpoint_is_named_as_corrupt_or_truncated(ckpt, keep, said):
    data = ckpt.read_bytes()
    ckpt.write_bytes(data[:max(1, int(len(data) * keep))])
    with pytest.raises(CheckpointError, match="corrupt or truncated") as e:
        load_checkpoint(ckpt)
    said(e)


@pytest.mark.parametrize("write, message", [
    (lambda p: torch.save({"model": {}, "step": 3}, p), "not an infogan_lite training checkpoint"),
    (lambda p: torch.save(torch.zeros(3), p), "found 'Tensor'"),
    (lambda p: save_file({"w": torch.zeros(3)}, str(p)), "corrupt or truncated, or not a torch file"),
    (lambda p: p.write_text("step: 3\n"), "corrupt or truncated, or not a torch file"),
], ids=["foreign torch.save dict", "a bare tensor", "a safetensors file", "a text file"])
def test_foreign_files_are_not_taken_for_checkpoints(tmp_path, write, message, said):
    path = tmp_path / "checkpoint.pt"
    write(path)
    with pytest.raises(CheckpointError, match=message) as e:
        load_checkpoint(path)
    assert str(path) in str(e.value)
    said(e)


def test_a_folder_given_as_checkpoint_file_is_named(tmp_path, said):
    with pytest.raises(CheckpointError, match="is a folder, not a checkpoint file") as e:
        load_checkpoint(tmp_path)
    said(e)


def test_a_run_folder_without_checkpoint_says_to_train_first(tmp_path, said):
    with pytest.raises(CheckpointError, match="no checkpoint at .*train with this out_dir") as e:
        model_from_checkpoint(tmp_path)
    said(e)


def test_weights_of_another_shape_in_a_checkpoint_are_refused_on_resume(ckpt, said):
    state = load_checkpoint(ckpt)
    state["model"] = InfoGAN(LatentSpec(), Architecture()).state_dict()  # Table 1's sizes
    save_checkpoint(ckpt, state)  # a valid checksum: only the shapes are wrong
    with pytest.raises(CheckpointError, match="do not fit this model") as e:
        train(_cfg(ckpt.parent, steps=6), resume=True, progress=False)
    assert str(ckpt) in str(e.value) and "shape mismatches" in str(e.value)
    said(e)


def test_a_checkpoint_without_optimiser_state_is_refused_on_resume(ckpt, said):
    state = load_checkpoint(ckpt)
    del state["opt_DQ"]
    save_checkpoint(ckpt, state)
    with pytest.raises(CheckpointError, match="incomplete or from another version") as e:
        train(_cfg(ckpt.parent, steps=6), resume=True, progress=False)
    said(e)


def test_a_failed_load_leaves_the_model_as_it_was(ckpt, tiny_arch):
    model = InfoGAN(LatentSpec(continuous=3), tiny_arch)  # one more continuous code than the file
    before = _tensors(model)
    with pytest.raises(CheckpointError):
        load_strict(model, load_checkpoint(ckpt)["model"], ckpt)
    assert _unchanged(before, model)


def test_temporary_files_of_a_killed_writer_are_never_read_and_are_cleared(ckpt):
    stale = ckpt.parent / ".checkpoint.pt.abc123.tmp"
    stale.write_bytes(ckpt.read_bytes()[:100])  # what a kill in mid-write leaves
    assert load_checkpoint(ckpt)["step"] == 4  # resume reads checkpoint.pt only
    train(_cfg(ckpt.parent, steps=6), resume=True, progress=False)
    assert not stale.exists() and load_checkpoint(ckpt)["step"] == 6


# --- pretrained weights -----------------------------------------------------------------

def _manifest(weights: Path, edit=None) -> dict:
    path = weights / "tiny.json"
    m = json.loads(path.read_text())
    if edit:
        edit(m)
        path.write_text(json.dumps(m))
    return m


def _replace_weights(weights: Path, part: str, write) -> Path:
    """Replace a weights file and update its manifest's checksum, as a careless tool would."""
    path = weights / f"tiny-{part}.safetensors"
    write(path)
    _manifest(weights, lambda m: m["files"].update({path.name: file_sha256(path)}))
    return path


@pytest.mark.parametrize("part, write, message", [
    ("G", lambda p: p.write_bytes(p.read_bytes()[:-50]), "not a readable safetensors file"),
    ("D", lambda p: p.write_text("weights"), "not a readable safetensors file"),
    ("G", lambda p: save_file({"net.0.weight": torch.zeros(5, 5)}, str(p)),
     "do not fit this model .* another LatentSpec or architecture"),
    ("D", lambda p: save_file({k: v.fill_(float("nan")) if v.is_floating_point() else v for k, v
                               in InfoGAN(LatentSpec(), architecture("tiny")).D.state_dict().items()},
                              str(p)),
     "NaN or infinite values .* diverged"),
], ids=["truncated safetensors", "text file", "safetensors of another model", "NaN weights"])
def test_unusable_weights_files_are_named_with_the_fix(weights, part, write, message, said):
    path = _replace_weights(weights, part, write)
    with pytest.raises(CheckpointError, match=message) as e:
        load_pretrained("tiny", root=weights)
    assert str(path) in str(e.value)
    said(e)


def test_an_empty_weights_file_is_named(weights, said):
    (weights / "tiny-G.safetensors").write_bytes(b"")
    with pytest.raises(CheckpointError, match="tiny-G.safetensors is empty .*git checkout") as e:
        load_pretrained("tiny", root=weights)
    said(e)


def test_a_manifest_checksum_that_does_not_match_is_named(weights, said):
    _manifest(weights, lambda m: m["files"].update({"tiny-D.safetensors": "0" * 64}))
    with pytest.raises(CheckpointError, match="checksum of .*tiny-D.safetensors does not match") as e:
        load_pretrained("tiny", root=weights)
    said(e)


@pytest.mark.parametrize("edit, message", [
    (lambda m: m["arch"].update({"d_fc": [64]}), "do not fit this model .*architecture"),
    (lambda m: m["spec"].update({"categorical": [12]}), "do not fit this model .*LatentSpec"),
    (lambda m: m.pop("files"), r"lacks \['files'\].*export"),
    (lambda m: m.update({"format": "other.v9"}), "not an infogan_lite manifest"),
], ids=["another architecture", "another LatentSpec", "no file list", "another format"])
def test_a_manifest_that_does_not_fit_its_weights_is_refused(weights, edit, message, said):
    _manifest(weights, edit)
    with pytest.raises(CheckpointError, match=message) as e:
        load_pretrained("tiny", root=weights)
    said(e)


def test_a_failed_weights_load_returns_no_model_and_changes_nothing(weights):
    """load_pretrained builds a fresh model and hands it out only when every file fitted, so
    a failed load leaves no half-loaded network anywhere, and no trace: the files are as they
    were, and once the manifest is right again the same weights load as before."""
    good, manifest = load_pretrained("tiny", root=weights), (weights / "tiny.json").read_text()
    files = {p.name: p.read_bytes() for p in weights.glob("*.safetensors")}
    _manifest(weights, lambda m: m["spec"].update({"continuous": 3}))  # one code more than the files
    with pytest.raises(CheckpointError, match="tiny-G.safetensors do not fit this model .*continuous=3"):
        load_pretrained("tiny", root=weights)
    assert {p.name: p.read_bytes() for p in weights.glob("*.safetensors")} == files
    (weights / "tiny.json").write_text(manifest)
    assert _unchanged(_tensors(good), load_pretrained("tiny", root=weights))


# --- configs ------------------------------------------------------------------------------

BAD_CONFIGS = [
    ("dataset", "minst", "unknown dataset 'minst': did you mean 'mnist'\\? choose one of mnist"),
    ("lr_d", -1e-4, "lr_d must be a finite number > 0, got -0.0001"),
    ("lr_g", float("nan"), "lr_g must be a finite number > 0, got nan"),
    ("lambda_cat", float("inf"), "lambda_cat must be a finite number >= 0, got inf"),
    ("continuous", -1, "LatentSpec.continuous must be an integer >= 0, got -1"),
    ("n_noise", -5, "LatentSpec.n_noise must be an integer >= 0"),
    ("categorical", (10, 0), "needs a whole number of at least 2 categories, got \\(10, 0\\)"),
    ("categorical", (2.5,), "needs a whole number of at least 2 categories"),
    ("beta1", 1.0, "beta1 must lie in \\[0, 1\\), got 1.0"),
    ("eval_every", -1, "eval_every must be a whole number >= 0"),
    ("threads", -2, "threads must be a whole number >= 0"),
    ("device", "tpu", "device must be 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps', got 'tpu'"),
    ("batch_size", 10_000, "batch_size 10000 is larger than the 6000 training images of toy"),
]


@pytest.mark.parametrize("field, value, message", BAD_CONFIGS,
                         ids=[f"{f}={v!r}" for f, v, _ in BAD_CONFIGS])
def test_bad_configs_are_refused_before_training(tmp_path, monkeypatch, field, value, message, said):
    monkeypatch.setattr(T, "train_step", lambda *a, **k: pytest.fail("training started"))
    with pytest.raises(ValueError, match=message) as e:
        train(_cfg(tmp_path / "run", **{field: value}), progress=False)
    assert not (tmp_path / "run" / "checkpoint.pt").exists()
    said(e)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_asking_for_a_gpu_that_is_not_there_is_refused(tmp_path, said):
    with pytest.raises(ValueError, match="device 'cuda' was asked for but this machine has no CUDA") as e:
        _cfg(tmp_path, device="cuda").validate()
    said(e)


def test_an_architecture_whose_discriminator_cannot_divide_the_image_is_refused(said):
    with pytest.raises(ValueError, match="not divisible by the discriminator's total stride 8") as e:
        Architecture(d_conv=(Layer(64), Layer(128), Layer(256)))
    said(e)


def test_the_command_line_reports_a_non_finite_loss_without_a_traceback(tmp_path, monkeypatch,
                                                                        capsys):
    from infogan_lite.__main__ import main
    monkeypatch.setattr(T, "train_step", lambda *a, **k: torch.full((len(T.LOSS_NAMES),), float("nan")))
    code = main(["train", "--dataset", "toy", "--arch-name", "tiny", "--steps", "2",
                 "--batch-size", "8", "--log-every", "2", "--eval-every", "0", "--device", "cpu",
                 "--out-dir", str(tmp_path), "--no-progress"])
    assert code == 2 and capsys.readouterr().err.startswith("error: non-finite loss at step 2")


# --- calls ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_model(tiny_arch):
    torch.manual_seed(0)
    return InfoGAN(LatentSpec(), tiny_arch).eval()


ONE, CONT = torch.tensor([[1]]), torch.zeros(1, 2)


@pytest.mark.parametrize("call, message", [
    (lambda m: m.generate(ONE, CONT, noise=torch.full((1, 62), float("nan"))),
     r"noise must hold finite floats .*NaN"),
    (lambda m: m.generate(ONE, CONT, noise=torch.zeros(1, 62, dtype=torch.long)),
     r"noise must hold finite floats .*torch.int64"),
    (lambda m: m.generate(ONE, torch.tensor([[float("inf"), 0.0]])), "NaN or infinite"),
    (lambda m: m.generate([[1]], CONT), r"integer tensor \[n, 1\] of category indices, got list"),
    (lambda m: m.generate(torch.tensor([[1], [2]]), CONT), r"shape \[2, 2\] .* got \[1, 2\]"),
    (lambda m: m.generate(ONE, CONT.long()), r"continuous codes must be a float tensor"),
    (lambda m: m.generate(ONE, CONT, seed="abc"), "seed must be a whole number or None"),
    (lambda m: m.infer(torch.rand(2, 1, 28, 28) * 2 - 1), r"got values in \[-.*\(x \+ 1\) / 2"),
    (lambda m: m.infer(torch.rand(2, 1, 28, 28) * 255), r"got values in \[.*, 25.*divide .* by 255"),
    (lambda m: m.infer(torch.full((2, 1, 28, 28), float("nan"))), "NaN or infinite pixel"),
    (lambda m: m.infer(torch.rand(2, 3, 28, 28)), r"shape \[n, 1, 28, 28\], got \[2, 3, 28, 28\]"),
    (lambda m: m.infer(torch.rand(1, 28, 28)), r"add a batch dimension: x\[None\]"),
    (lambda m: m.infer(torch.rand(2, 1, 28, 28).numpy()), "got ndarray"),
    (lambda m: m.infer(torch.zeros(2, 1, 28, 28, dtype=torch.uint8)), r"divide by 255"),
], ids=["noise NaN", "noise int", "cont inf", "cat list", "batch mismatch", "cont int",
        "seed str", "images in [-1,1]", "images in 0..255", "NaN images", "3 channels",
        "no batch dim", "numpy images", "uint8 images"])
def test_bad_calls_are_refused_at_the_boundary(tiny_model, call, message, said):
    before = _tensors(tiny_model)
    with pytest.raises(ValueError, match=message) as e:
        call(tiny_model)
    assert _unchanged(before, tiny_model)
    said(e)


# --- numerical faults ---------------------------------------------------------------------

@pytest.mark.parametrize("log_every, fault", [(2, "nan"), (6, "inf")],
                         ids=["NaN weights, caught at a log", "inf loss, caught at a checkpoint"])
def test_a_non_finite_loss_keeps_the_last_good_checkpoint_and_resume_with_lower_lr_works(
        tmp_path, monkeypatch, log_every, fault, said):
    clean_model, clean = train(_cfg(tmp_path / "clean", steps=2, log_every=2), progress=False)
    real_step, calls = T.train_step, {"n": 0}

    def faulty(model, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3 and fault == "nan":  # a real NaN, in the weights, from step 3 on
            with torch.no_grad():
                next(model.G.parameters()).fill_(float("nan"))
        losses = real_step(model, *args, **kwargs)
        return losses * float("inf") if calls["n"] == 3 and fault == "inf" else losses

    monkeypatch.setattr(T, "train_step", faulty)
    cfg = _cfg(tmp_path / "run", log_every=log_every)
    with pytest.raises(FloatingPointError, match="non-finite loss at step 4") as e:
        train(cfg, progress=False)
    ckpt = tmp_path / "run" / "checkpoint.pt"
    assert f"last good checkpoint (step 2) is kept in {ckpt}" in str(e.value)
    assert "Lower lr_d and lr_g" in str(e.value) and "resume" in str(e.value)
    said(e)
    kept = load_checkpoint(ckpt)  # loadable, checksum verified, and equal to a clean step 2
    assert kept["step"] == 2
    assert all(torch.equal(v, clean_model.state_dict()[k]) for k, v in kept["model"].items())

    monkeypatch.setattr(T, "train_step", real_step)
    lower = dataclasses.replace(cfg, lr_d=cfg.lr_d / 2, lr_g=cfg.lr_g / 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, record = train(lower, resume=True, progress=False)
    assert any("lr_d=0.0001" in str(w.message) for w in caught)
    assert record["step"] == 6 and [r["step"] for r in record["history"]][-1] == 6
    assert all(math.isfinite(v) for r in record["history"] for v in r.values() if v is not None)
    # the fault left no trace: the same weights as the clean run resumed with the same lower lr
    shutil.copytree(tmp_path / "clean", tmp_path / "clean-resumed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected, _ = train(dataclasses.replace(lower, out_dir=str(tmp_path / "clean-resumed")),
                            resume=True, progress=False)
    resumed = load_checkpoint(ckpt)["model"]
    assert all(torch.equal(resumed[k], v) for k, v in expected.state_dict().items())
    final = load_checkpoint(ckpt)
    assert [g["lr"] for g in final["opt_DQ"]["param_groups"]] == [cfg.lr_d / 2]
    assert [g["lr"] for g in final["opt_G"]["param_groups"]] == [cfg.lr_g / 2]


# --- resources: full disk, unwritable folder, a second trainer -----------------------------

def _fail_on_write(monkeypatch, name: str, after: int, code: int):
    """os.replace raises OSError(code) from the `after`-th rename onto `name` (simulated)."""
    real, seen = os.replace, {"n": 0}

    def replace(src, dst, *a, **k):
        if Path(dst).name == name:
            seen["n"] += 1
            if seen["n"] > after:
                raise OSError(code, os.strerror(code), str(dst))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", replace)


def test_a_full_disk_at_a_checkpoint_stops_training_and_keeps_the_previous_one(
        tmp_path, monkeypatch, said):
    _fail_on_write(monkeypatch, "checkpoint.pt", after=1, code=errno.ENOSPC)
    out = tmp_path / "run"
    with pytest.raises(CheckpointError) as e:
        train(_cfg(out), progress=False)
    for words in (f"cannot write checkpoint.pt in {out}", "the disk is full",
                  "free some space", "--out-dir", "earlier checkpoint.pt there is intact"):
        assert words in str(e.value)
    said(e)
    assert load_checkpoint(out / "checkpoint.pt")["step"] == 2
    assert not list(out.glob("*.tmp"))


def test_an_unwritable_out_dir_is_refused_before_training_starts(tmp_path, monkeypatch, said):
    monkeypatch.setattr(T, "train_step", lambda *a, **k: pytest.fail("training started"))
    _fail_on_write(monkeypatch, "config.json", after=0, code=errno.EROFS)  # simulated: we are root
    with pytest.raises(CheckpointError, match="config.json in .*run: the folder is not writable") as e:
        train(_cfg(tmp_path / "run"), progress=False)
    said(e)


def test_an_out_dir_that_is_a_file_is_refused_before_training_starts(tmp_path, said):
    (tmp_path / "run").write_text("not a folder")
    with pytest.raises(CheckpointError, match="a file is in the way of the folder") as e:
        train(_cfg(tmp_path / "run"), progress=False)
    said(e)


def test_a_second_training_process_in_the_same_out_dir_is_refused(tmp_path, said):
    with folder_lock(tmp_path / "run"):  # as another process holding the folder would
        with pytest.raises(CheckpointError, match="another process is training in") as e:
            train(_cfg(tmp_path / "run"), resume=True, progress=False)
    said(e)
    assert train(_cfg(tmp_path / "run", steps=2), progress=False)[1]["step"] == 2  # lock released


@pytest.fixture
def small_tmpfs(tmp_path):
    """A real 1 MB file system: room for one tiny checkpoint, not for a second beside it."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if not shutil.which("mount") or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=True)


def test_a_real_full_disk_keeps_the_previous_checkpoint(small_tmpfs, said):
    out = small_tmpfs / "run"
    with pytest.raises(CheckpointError, match="the disk is full .*free some space") as e:
        train(_cfg(out), progress=False)
    said(e)
    assert load_checkpoint(out / "checkpoint.pt")["step"] == 2
    assert not list(out.glob("*.tmp"))


def test_a_real_read_only_folder_is_refused_before_training(small_tmpfs, said):
    subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], check=True)
    with pytest.raises(CheckpointError, match="the folder is not writable .*Read-only") as e:
        train(_cfg(small_tmpfs / "run"), progress=False)
    said(e)


def test_atomic_write_reports_a_failing_write_and_leaves_nothing_behind(tmp_path):
    (tmp_path / "record.json").write_text("old")

    def write(f):
        f.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(CheckpointError, match="cannot write record.json .*disk is full"):
        atomic_write(tmp_path / "record.json", write)
    assert (tmp_path / "record.json").read_text() == "old" and len(os.listdir(tmp_path)) == 1


# --- the committed weights ----------------------------------------------------------------

def test_every_committed_manifest_matches_its_files_and_loads():
    from infogan_lite.pretrained import PRETRAINED_DIR, available
    for name in available():
        manifest = json.loads((PRETRAINED_DIR / f"{name}.json").read_text())
        for fname, digest in manifest["files"].items():
            assert file_sha256(PRETRAINED_DIR / fname) == digest, fname
        assert not load_pretrained(name).training
