"""Pretrained weights: half-precision safetensors files with a JSON manifest, checked on load.

A manifest ``<name>.json`` names its weight files with their SHA-256, and records the
config, the seed, the steps, the training time and the metrics of the shipped weights.
"""
from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from .checkpoint import CheckpointError, atomic_write, load_checkpoint, load_model_state
from .codes import LatentSpec
from .config import TrainConfig
from .configs import architecture
from .infogan import InfoGAN
from .models import Architecture

PRETRAINED_DIR = Path(__file__).parent / "pretrained"
FORMAT = "infogan_lite.pretrained.v1"
PARTS = ("G", "D")  # one file per network: the generator, and D with its Q head


def available(root: Path = PRETRAINED_DIR) -> list[str]:
    """Names of the pretrained models shipped in `root`."""
    return sorted(p.stem for p in Path(root).glob("*.json"))


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def model_from_checkpoint(path) -> tuple[InfoGAN, TrainConfig, dict]:
    """Rebuild the model of a training checkpoint (a run folder or its checkpoint.pt)."""
    path = Path(path)
    path = path / "checkpoint.pt" if path.is_dir() else path
    state = load_checkpoint(path)
    cfg = TrainConfig.from_dict(state["config"])
    model = InfoGAN(cfg.spec, architecture(cfg.arch), cfg.learn_sigma)
    load_model_state(model, state["model"], path)
    return model.eval(), cfg, state


def export_run(run_dir, name: str, dest=None) -> Path:
    """Write a run's weights as `<name>-G.safetensors`, `<name>-D.safetensors`, `<name>.json`.

    The metrics in the manifest are measured on the half-precision weights as shipped.
    """
    from .data import load_dataset
    from .evaluate import evaluate_c1

    model, cfg, state = model_from_checkpoint(run_dir)
    dest = Path(dest) if dest else PRETRAINED_DIR
    dest.mkdir(parents=True, exist_ok=True)
    files = {}
    for part in PARTS:
        tensors = {k: (v.half() if v.is_floating_point() else v).contiguous()
                   for k, v in getattr(model, part).state_dict().items()}
        fname = f"{name}-{part}.safetensors"
        save_file(tensors, str(dest / fname), metadata={"format": FORMAT, "part": part})
        files[fname] = sha256(dest / fname)
    shipped = _load(dest, name, files, cfg)
    test_x, test_y = load_dataset(cfg.dataset, False, cfg.data_root)
    metrics = evaluate_c1(shipped, test_x, test_y)
    history, evals = json.loads(state["history"]), json.loads(state["evals"])
    manifest = {
        "format": FORMAT, "name": name, "dataset": cfg.dataset, "seed": cfg.seed,
        "steps": state["step"], "train_seconds": round(state["train_seconds"], 1),
        "spec": cfg.spec.to_dict(), "arch": architecture(cfg.arch).to_dict(),
        "learn_sigma": cfg.learn_sigma, "config": cfg.to_dict(), "files": files,
        "metrics": {k: metrics[k] for k in ("accuracy", "nmi", "ari", "usage", "confusion")},
        "max_L_I": max((r["L_I"] for r in history), default=None),
        "history": history, "evals": evals,
        "torch": torch.__version__, "machine": platform.machine(),
    }
    atomic_write(dest / f"{name}.json", lambda f: f.write(json.dumps(manifest, indent=1).encode()))
    return dest / f"{name}.json"


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
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CheckpointError(f"{manifest_path} is not an infogan_lite manifest "
                              f"(expected format {FORMAT!r})")
    missing = [k for k in ("config", "files", "spec", "arch") if k not in manifest]
    if missing:
        raise CheckpointError(f"manifest {manifest_path} lacks {missing}: restore it from the "
                              f"repository, or export the run again (python -m infogan_lite export)")
    cfg = TrainConfig.from_dict(manifest["config"])
    model = _load(root, name, manifest["files"], cfg, manifest)
    return model.to(device)


def _load(root: Path, name: str, files: dict, cfg: TrainConfig, manifest: dict | None = None):
    """Verify each file's checksum, then load it strictly into a freshly built model."""
    spec = LatentSpec.from_dict(manifest["spec"]) if manifest else cfg.spec
    arch = Architecture.from_dict(manifest["arch"]) if manifest else architecture(cfg.arch)
    model = InfoGAN(spec, arch, cfg.learn_sigma)
    for part in PARTS:
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
            tensors = load_file(str(path))
        except (SafetensorError, OSError) as err:
            raise CheckpointError(f"{path} is not a readable safetensors file ({err})") from err
        _load_strict(getattr(model, part), tensors, path, spec)
    return model.float().eval()


def _load_strict(net: torch.nn.Module, tensors: dict, path: Path, spec: LatentSpec) -> None:
    """load_state_dict, with every missing, extra or mis-shaped tensor named in the error."""
    own = net.state_dict()
    missing, extra = sorted(set(own) - set(tensors)), sorted(set(tensors) - set(own))
    shapes = [f"{k}: file {list(tensors[k].shape)}, model {list(own[k].shape)}"
              for k in own if k in tensors and tensors[k].shape != own[k].shape]
    if missing or extra or shapes:
        raise CheckpointError(
            f"{path} does not fit a model with {spec} (missing {missing[:3]}, unexpected "
            f"{extra[:3]}, shape mismatches {shapes[:3]}): it was written for another "
            f"LatentSpec or architecture than its manifest says; restore both from the repository, "
            f"or export the run again")
    bad = [k for k, v in tensors.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise CheckpointError(f"{path} holds NaN or infinite values in {bad[:3]}: the run it came "
                              f"from diverged; export an earlier checkpoint")
    net.load_state_dict({k: v.to(own[k].dtype) for k, v in tensors.items()})


def evaluate_source(source: str, data_root=None) -> dict:
    """Metrics of c1 for a pretrained name or a run folder, on its data set's test split."""
    from .data import load_dataset
    from .evaluate import evaluate_c1

    if Path(source).exists():
        model, cfg, _ = model_from_checkpoint(source)
        dataset = cfg.dataset
    else:
        model = load_pretrained(source)
        dataset = json.loads((PRETRAINED_DIR / f"{source}.json").read_text())["dataset"]
    x, y = load_dataset(dataset, False, data_root)
    m = evaluate_c1(model, x, y)
    return {k: m[k] for k in ("accuracy", "nmi", "ari", "usage")}
