"""Pretrained weights: compact safetensors files with a JSON manifest, checked on load.

A manifest ``<name>.json`` names its weight files with their SHA-256, and records the
config, the seed, the steps, the training time and the metrics of the shipped weights.

Storage. Almost all of a Table-1 model's parameters sit in its two large fully connected
layers (one in G, one in D's trunk), so the default storage is int8: every weight matrix
and convolution kernel (the tensors with two or more dimensions) is rounded to 8-bit
integers with one float32 scale per row (its largest |w| / 127), and everything else
(biases, batch-norm statistics) stays float16, about half the size of float16 files (the
reproducibility page gives the shipped files' sizes). `export_run` measures what the
rounding costs against the float32 checkpoint and writes it into the manifest
("storage_check"); ``storage="fp16"`` keeps half precision. ``parts=("G",)`` ships the
generator alone (half the size), for a model that is only ever sampled, such as chapter
3's plain GAN, whose Q head is never trained; its D then raises an error that says so.
"""
from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path

import torch
from torch import nn
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from .architectures import architecture
from .checkpoint import load_strict, model_from_checkpoint, renamed
from .codes import LatentSpec
from .config import TrainConfig
from .files import CheckpointError, atomic_write
from .infogan import InfoGAN
from .models import Architecture

PRETRAINED_DIR = Path(__file__).parent / "pretrained"
WEIGHTS_FORMAT = "infogan_lite.pretrained.v1"
PARTS = ("G", "D")  # one file per network: the generator, and D with its Q head
STORAGES = ("int8", "fp16")
SCALE = ".int8_scale"  # key suffix of a quantised tensor's row scales


def quantize(state: dict, storage: str = "int8") -> dict:
    """A state dict as stored: tensors with >= 2 dims as int8 plus per-row float32 scales
    (key + SCALE) when storage is "int8", every other float tensor as float16."""
    if storage not in STORAGES:
        raise ValueError(f"unknown storage {storage!r}: choose one of {', '.join(STORAGES)}")
    out = {}
    for k, v in state.items():
        if storage == "int8" and v.is_floating_point() and v.dim() >= 2:
            rows = v.float().reshape(len(v), -1)
            scale = rows.abs().amax(1).clamp_min(1e-12) / 127            # [rows]
            out[k] = (rows / scale[:, None]).round().clamp(-127, 127).to(torch.int8).reshape(v.shape)
            out[k + SCALE] = scale
        else:
            out[k] = v.half() if v.is_floating_point() else v
    return {k: v.contiguous() for k, v in out.items()}


def dequantize(tensors: dict, path) -> dict:
    """Inverse of `quantize`: int8 tensors times their row scales, as float32."""
    out = {}
    for k, v in tensors.items():
        if k.endswith(SCALE):
            continue
        if v.dtype == torch.int8:
            scale = tensors.get(k + SCALE)
            if scale is None or len(scale) != len(v) or not torch.isfinite(scale).all():
                raise CheckpointError(f"{path}: int8 tensor {k!r} has no valid row scales "
                                      f"({k + SCALE}); restore the file from the repository")
            v = (v.float().reshape(len(v), -1) * scale.float()[:, None]).reshape(v.shape)
        out[k] = v
    return out


def available(root: Path = PRETRAINED_DIR) -> list[str]:
    """Names of the pretrained models shipped in `root`."""
    return sorted(p.stem for p in Path(root).glob("*.json"))


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def export_run(run_dir, name: str, dest=None, storage: str = "int8", parts=PARTS,
               selection: str | None = None) -> Path:
    """Write a run's weights as `<name>-G.safetensors`, `<name>-D.safetensors`, `<name>.json`.

    The metrics in the manifest are measured on the weights as shipped (`storage`: "int8"
    or "fp16", see the module's docstring), and "storage_check" compares them with the
    run's float32 weights. `parts`: ("G", "D"), or ("G",) for the generator alone (no D
    file, no metrics of Q). `selection`: the rule that chose this run, for the manifest.

    The files go into the folder `dest`, created if missing; by default the current
    directory, never the installed package. Load them with `load_pretrained(name, root=dest)`.
    (To replace the weights committed to the repository, pass dest="infogan_lite/pretrained".)
    """
    from .data import load_dataset
    from .evaluate import evaluate_c1

    parts = tuple(parts)
    if "G" not in parts or not set(parts) <= set(PARTS):
        raise ValueError(f"parts must be ('G', 'D') or ('G',), got {parts!r}")
    parts = tuple(p for p in PARTS if p in parts)
    model, cfg, state = model_from_checkpoint(run_dir)
    dest = Path(dest if dest is not None else ".").expanduser().absolute()
    dest.mkdir(parents=True, exist_ok=True)
    files = {}
    for part in parts:
        tensors = quantize(getattr(model, part).state_dict(), storage)
        fname = f"{name}-{part}.safetensors"
        save_file(tensors, str(dest / fname),
                  metadata={"format": WEIGHTS_FORMAT, "part": part, "storage": storage})
        files[fname] = sha256(dest / fname)
    shipped = _load(dest, name, files, cfg)
    test_x, test_y = load_dataset(cfg.dataset, False, cfg.data_root)
    with_q = "D" in parts
    metrics = evaluate_c1(shipped, test_x, test_y) if with_q else {}
    history = [renamed(row) for row in json.loads(state["history"])]
    evals = json.loads(state["evals"])
    manifest = {
        "format": WEIGHTS_FORMAT, "name": name, "dataset": cfg.dataset, "seed": cfg.seed,
        "steps": state["step"], "train_seconds": round(state["train_seconds"], 1),
        "spec": cfg.spec.to_dict(), "arch": architecture(cfg.arch_name).to_dict(),
        "learn_sigma": cfg.learn_sigma, "config": cfg.to_dict(), "files": files,
        "parts": list(parts), "selection": selection,
        "storage": storage, "storage_check": storage_check(model, shipped, test_x, with_q=with_q),
        "metrics": {k: metrics[k] for k in ("accuracy", "nmi", "ari", "usage", "confusion")
                    if k in metrics},
        "max_L_I": max((r["L_I_cat"] for r in history), default=None),
        "history": history, "evals": evals,
        "torch": torch.__version__, "machine": platform.machine(),
    }
    atomic_write(dest / f"{name}.json", lambda f: f.write(json.dumps(manifest, indent=1).encode()))
    return dest / f"{name}.json"


@torch.no_grad()
def storage_check(full, shipped, x, n: int = 1000, with_q: bool = True) -> dict:
    """What storage costs: the largest and mean |pixel difference| between images that the
    float32 and the shipped generators draw from the same n latents, and (with_q) the
    fraction of n test images on which the two Q heads pick the same category for c1."""
    z, c_cat, c_cont = full.spec.sample(n, torch.Generator().manual_seed(0))
    diff = (full.eval().generate(c_cat, c_cont, z) - shipped.generate(c_cat, c_cont, z)).abs()
    check = {"n": n, "max_abs_pixel_diff": round(float(diff.max()), 5),
             "mean_abs_pixel_diff": round(float(diff.mean()), 6)}
    if not with_q:
        return check
    agree = 1.0
    if full.spec.categorical:
        agree = (full.infer(x[:n])[0][0].argmax(1) == shipped.infer(x[:n])[0][0].argmax(1))
        agree = float(agree.float().mean())
    return {**check, "c1_agreement": round(agree, 4)}


def load_pretrained(name: str = "mnist", device="cpu", root=None) -> InfoGAN:
    """The committed model `name` ("mnist", ...) in eval mode on `device`, checksums verified."""
    root = Path(root) if root else PRETRAINED_DIR
    manifest_path = root / f"{name}.json"
    if not manifest_path.exists():
        raise ValueError(f"no pretrained model {name!r} in {root}; available: "
                         f"{', '.join(available(root)) or 'none'}")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise CheckpointError(f"manifest {manifest_path} is not valid JSON ({err})") from err
    if not isinstance(manifest, dict) or manifest.get("format") != WEIGHTS_FORMAT:
        raise CheckpointError(f"{manifest_path} is not an infogan_lite manifest "
                              f"(expected format {WEIGHTS_FORMAT!r})")
    missing = [k for k in ("config", "files", "spec", "arch") if k not in manifest]
    if missing:
        raise CheckpointError(f"manifest {manifest_path} lacks {missing}: restore it from the "
                              f"repository, or export the run again (python -m infogan_lite export)")
    cfg = TrainConfig.from_dict(manifest["config"])
    model = _load(root, name, manifest["files"], cfg, manifest)
    return model.to(device)


class NotShipped(nn.Module):
    """Stands in for a network that a pretrained model does not ship; calling it says so."""

    def __init__(self, name: str, part: str):
        super().__init__()
        self.name, self.part = name, part

    def forward(self, *args, **kwargs):
        raise CheckpointError(
            f"the pretrained model {self.name!r} ships only its generator G: its {self.part} "
            f"(the discriminator with the Q head) was not exported, so D and infer() are not "
            f"available. Load the run's checkpoint instead "
            f"(infogan_lite.checkpoint.model_from_checkpoint), or train it")


def _load(root: Path, name: str, files: dict, cfg: TrainConfig, manifest: dict | None = None):
    """Verify each file's checksum, then load it strictly into a freshly built model. A part
    that the manifest does not ship (see export_run's `parts`) is replaced by NotShipped."""
    spec = LatentSpec.from_dict(manifest["spec"]) if manifest else cfg.spec
    arch = Architecture.from_dict(manifest["arch"]) if manifest else architecture(cfg.arch_name)
    model = InfoGAN(spec, arch, cfg.learn_sigma)
    parts = tuple(manifest.get("parts", PARTS)) if manifest else \
        tuple(p for p in PARTS if f"{name}-{p}.safetensors" in files)
    if "G" not in parts:
        raise CheckpointError(f"manifest for {name!r} ships no generator (parts {list(parts)})")
    for part in PARTS:
        if part not in parts:
            setattr(model, part, NotShipped(name, part))
            continue
        fname = f"{name}-{part}.safetensors"
        path = root / fname
        if fname not in files:
            raise CheckpointError(f"manifest for {name!r} does not list {fname}")
        if not path.exists():
            raise CheckpointError(f"weights file {path} is missing; restore it from the repository")
        if path.stat().st_size == 0:
            raise CheckpointError(f"weights file {path} is empty (0 bytes); restore it from the "
                                  f"repository (git checkout -- {fname})")
        if sha256(path) != files[fname]:
            raise CheckpointError(
                f"checksum of {path} does not match its manifest: the file is corrupt or was "
                f"replaced; restore it from the repository (git checkout -- {fname})")
        try:
            tensors = dequantize(load_file(str(path)), path)
        except (SafetensorError, OSError) as err:
            raise CheckpointError(f"{path} is not a readable safetensors file ({err})") from err
        load_strict(getattr(model, part), tensors, path,
                    fix=f"its manifest says {spec}; restore both from the repository, or export "
                        f"the run again")
    return model.float().eval()
