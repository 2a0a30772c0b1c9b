"""Checkpoints: what a training run carries from step to step, saved and restored as one object.

* ``RunState`` holds the run's objects (model, optimisers, random generator, config) and
  its logs; ``save`` and ``restore`` write and read the same fields, so a run killed at
  any moment resumes from its last checkpoint bit for bit (tests/test_faults.py kills
  one six times).
* ``save_checkpoint`` writes atomically (files.atomic_write) with the SHA-256 of the
  content; ``load_checkpoint`` checks it, so flipped bits are caught instead of resumed from.
* ``load_strict``: the one loader of weights, for checkpoints and pretrained files alike:
  every name and shape checked first, all or nothing.
"""
from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .architectures import architecture
from .config import TrainConfig
from .files import CheckpointError, atomic_write
from .infogan import InfoGAN

CHECKPOINT_FORMAT = "infogan_lite.checkpoint.v1"

# Settings that shape the model or the batches; learning rates, betas and lambdas may change
# on resume (the optimisers take the new ones).
MUST_MATCH = ("dataset", "arch_name", "n_noise", "categorical", "continuous", "learn_sigma",
              "baseline", "seed", "batch_size", "labels_per_class", "fresh_g_latents")


def content_sha256(state) -> str:
    """SHA-256 of a checkpoint's content: every tensor's dtype, shape and bytes, every value."""
    h = hashlib.sha256()

    def visit(obj):
        if isinstance(obj, torch.Tensor):
            t = obj.detach().cpu().contiguous().reshape(-1)
            h.update(f"T{t.dtype}{tuple(obj.shape)}".encode())
            h.update(t.view(torch.uint8).numpy().data if t.numel() else b"")
        elif isinstance(obj, dict):
            h.update(f"D{len(obj)}".encode())
            for key in sorted(obj, key=repr):
                h.update(repr(key).encode())
                visit(obj[key])
        elif isinstance(obj, (list, tuple)):
            h.update(f"L{len(obj)}".encode())
            for item in obj:
                visit(item)
        else:
            h.update(f"V{obj!r}".encode())

    visit(state)
    return h.hexdigest()


def save_checkpoint(path, state: dict) -> None:
    """Write a training state (tensors, numbers, strings, lists, dicts) atomically, with its SHA-256."""
    state = {"format": CHECKPOINT_FORMAT, **state}
    state["sha256"] = content_sha256(state)
    atomic_write(path, lambda f: torch.save(state, f))


def load_checkpoint(path) -> dict:
    """Read a checkpoint written by save_checkpoint, or raise a CheckpointError saying why."""
    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"no checkpoint at {path}: train with this out_dir first")
    if path.is_dir():
        raise CheckpointError(f"{path} is a folder, not a checkpoint file: give its checkpoint.pt")
    if path.stat().st_size == 0:
        raise CheckpointError(f"checkpoint {path} is empty (0 bytes): delete it and train again")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # garbage makes the unpickler raise almost anything (IndexError...)
        raise CheckpointError(
            f"checkpoint {path} is corrupt or truncated, or not a torch file ({type(err).__name__}: "
            f"{str(err).splitlines()[0][:200]}): delete it, or resume from an intact copy") from err
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(
            f"{path} is not an infogan_lite training checkpoint (expected format "
            f"{CHECKPOINT_FORMAT!r}, found "
            f"{state.get('format') if isinstance(state, dict) else type(state).__name__!r})")
    stored = state.pop("sha256", None)  # checkpoints of older versions carry none
    if stored is not None and stored != content_sha256(state):
        raise CheckpointError(
            f"checkpoint {path} is corrupt: its content does not match the SHA-256 stored in it "
            f"(flipped bits on disk?): delete it, or resume from an intact copy")
    return state


def load_strict(net: torch.nn.Module, tensors: dict, path,
                fix: str = "use the settings of that run") -> None:
    """net.load_state_dict(tensors), after checking every name, shape and value: all or nothing."""
    own = net.state_dict()
    if not isinstance(tensors, dict):
        raise CheckpointError(f"{path} holds no model weights (found {type(tensors).__name__})")
    missing, extra = sorted(set(own) - set(tensors)), sorted(set(tensors) - set(own))
    shapes = [f"{k}: file {list(tensors[k].shape)}, model {list(own[k].shape)}" for k in own
              if k in tensors and getattr(tensors[k], "shape", None) != own[k].shape]
    if missing or extra or shapes:
        raise CheckpointError(
            f"the weights in {path} do not fit this model (missing {missing[:3]}, unexpected "
            f"{extra[:3]}, shape mismatches {shapes[:3]}): they were written for another "
            f"LatentSpec or architecture; {fix}")
    bad = [k for k, v in tensors.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise CheckpointError(f"{path} holds NaN or infinite values in {bad[:3]}: the run it came "
                              f"from diverged; use an earlier checkpoint")
    net.load_state_dict({k: v.to(own[k].dtype) for k, v in tensors.items()})


def renamed(row: dict) -> dict:
    """A history row under today's names: records before version 0.2 called the
    categorical codes' bound "L_I"; it is "L_I_cat" now."""
    return {("L_I_cat" if k == "L_I" else k): v for k, v in row.items()}


@dataclass
class RunState:
    """A run's objects (the model, D-with-Q's and G's optimisers, the random generator of
    the latents, the config), the step reached, the logs so far, and the loss sums since
    the last history row."""

    model: InfoGAN
    opt_DQ: torch.optim.Optimizer
    opt_G: torch.optim.Optimizer
    gen: torch.Generator
    cfg: TrainConfig
    step: int = 0
    history: list = field(default_factory=list)   # one row every log_every steps
    evals: list = field(default_factory=list)     # one row every eval_every steps
    seconds: float = 0.0                          # training time so far, evaluation left out
    sums: torch.Tensor | None = None              # losses summed since the last history row
    count: int = 0                                # ... over this many steps
    segments: list = field(default_factory=list)  # precision, device, torch of each resumed part

    def save(self, path) -> None:
        """Write everything a resumed run needs (atomically, with a checksum)."""
        save_checkpoint(path, {
            "config": self.cfg.to_dict(), "step": self.step, "model": self.model.state_dict(),
            "opt_DQ": self.opt_DQ.state_dict(), "opt_G": self.opt_G.state_dict(),
            "gen": self.gen.get_state(), "history": json.dumps(self.history),
            "evals": json.dumps(self.evals), "train_seconds": self.seconds, "sums": self.sums,
            "count": self.count, "segments": json.dumps(self.segments)})

    def restore(self, path) -> "RunState":
        """Read what `save` wrote into this run's fresh objects, if the checkpoint's settings
        match (MUST_MATCH); refuse a checkpoint of another run by name. The optimisers keep
        this run's learning rates and betas."""
        state = load_checkpoint(path)
        self._check_settings(TrainConfig.from_dict(state["config"]), path)
        load_strict(self.model, state["model"], path)  # checks every name and shape first
        try:
            self.opt_DQ.load_state_dict(state["opt_DQ"])
            self.opt_G.load_state_dict(state["opt_G"])
            self.gen.set_state(state["gen"])
            self.step, self.seconds = int(state["step"]), float(state["train_seconds"])
            self.history = [renamed(row) for row in json.loads(state["history"])]
            self.evals = json.loads(state["evals"])
            self.sums, self.count = state.get("sums"), int(state.get("count", 0))
            self.segments = json.loads(state.get("segments", "[]"))
        except (KeyError, TypeError, ValueError, RuntimeError) as err:
            raise CheckpointError(f"checkpoint {path} is incomplete or from another version "
                                  f"({type(err).__name__}: {err}): use another out_dir") from err
        cfg = self.cfg
        for opt, group_lrs in ((self.opt_DQ, cfg.dq_lrs), (self.opt_G, [cfg.lr_g])):
            for group, lr in zip(opt.param_groups, group_lrs, strict=True):
                group.update(lr=lr, betas=(cfg.beta1, cfg.beta2))
        return self

    def _check_settings(self, saved: TrainConfig, path) -> None:
        """Refuse a checkpoint whose settings in MUST_MATCH differ; warn of new learning rates."""
        cfg = self.cfg
        for key in MUST_MATCH:
            if getattr(saved, key) != getattr(cfg, key):
                raise ValueError(
                    f"checkpoint {path} was written with {key}={getattr(saved, key)!r} but this "
                    f"run has {key}={getattr(cfg, key)!r}: use another out_dir, or the same setting")
        if len(saved.dq_lrs) != len(cfg.dq_lrs):  # one optimiser group for D and Q, or two
            raise ValueError(f"checkpoint {path} was written with lr_q={saved.lr_q!r} but this run "
                             f"has lr_q={cfg.lr_q!r}: Q's head has its own learning rate in both "
                             f"or in neither; use another out_dir, or the same setting")
        for key in ("lr_d", "lr_g", "lr_q"):
            if getattr(saved, key) != getattr(cfg, key):  # e.g. lowered after a non-finite loss
                warnings.warn(f"resuming {path} with {key}={getattr(cfg, key)} "
                              f"(it was {getattr(saved, key)})")


def save_weights(model: torch.nn.Module, path) -> None:
    """The model's weights alone (a float32 state dict, as in the run's snapshots/), atomically."""
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    atomic_write(path, lambda f: torch.save(state, f))


def model_from_checkpoint(path) -> tuple[InfoGAN, TrainConfig, dict]:
    """Rebuild the model of a training checkpoint: a run folder, its checkpoint.pt, or one of
    its snapshots (`snapshots/stepNNNNNN.pt`, the weights alone: the settings come from the
    run's config.json, and the returned state holds only "config" and "model")."""
    path = Path(path)
    path = path / "checkpoint.pt" if path.is_dir() else path
    if path.parent.name == "snapshots":
        state = {"config": json.loads((path.parent.parent / "config.json").read_text()),
                 "model": torch.load(path, map_location="cpu", weights_only=True)}
    else:
        state = load_checkpoint(path)
    cfg = TrainConfig.from_dict(state["config"])
    model = InfoGAN(cfg.spec, architecture(cfg.arch_name), cfg.learn_sigma)
    load_strict(model, state["model"], path)
    return model.eval(), cfg, state


def refuse_non_finite(step: int, what, out_dir) -> None:
    """Stop: the checkpoint on disk predates the non-finite loss, and is kept as it is."""
    ckpt = Path(out_dir) / "checkpoint.pt"
    try:
        kept = f"the last good checkpoint (step {load_checkpoint(ckpt)['step']}) is kept in {ckpt}"
    except CheckpointError:
        kept = f"no checkpoint was written before it in {out_dir}"
    raise FloatingPointError(
        f"non-finite loss at step {step} ({what}): training stopped; {kept}. Lower lr_d and lr_g "
        f"or the lambdas (or use amp='off'), and train again with resume=True (--resume).")
