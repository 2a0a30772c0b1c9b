"""What a training run carries from step to step, saved and restored as one object.

`RunState.save` and `RunState.restore` write and read the same fields, so a run killed at
any moment resumes from its last checkpoint bit for bit (tests/test_faults.py kills one
six times). `Stopwatch` measures training time and pauses while the run evaluates.
"""
from __future__ import annotations

import contextlib
import json
import time
import warnings
from dataclasses import dataclass, field

import torch

from .checkpoint import CheckpointError, load_checkpoint, load_model_state, save_checkpoint
from .config import TrainConfig

# Settings that shape the model or the batches; learning rates and lambdas may change on resume.
MUST_MATCH = ("dataset", "arch", "n_noise", "categorical", "continuous", "learn_sigma",
              "baseline", "seed", "batch_size", "labels_per_class", "fresh_g_latents")


def renamed(row: dict) -> dict:
    """A history row under today's names: records before version 0.2 called the
    categorical codes' bound "L_I"; it is "L_I_cat" now."""
    return {("L_I_cat" if k == "L_I" else k): v for k, v in row.items()}


class Stopwatch:
    """Seconds of training, starting from `seconds`; `paused()` leaves time out of the count."""

    def __init__(self, seconds: float = 0.0):
        self.total, self.started = seconds, time.perf_counter()

    def seconds(self) -> float:
        return self.total + (time.perf_counter() - self.started if self.started else 0.0)

    @contextlib.contextmanager
    def paused(self):
        self.total, self.started = self.seconds(), None
        try:
            yield
        finally:
            self.started = time.perf_counter()


@dataclass
class RunState:
    """The step reached, the logs so far, and the loss sums since the last history row."""

    step: int = 0
    history: list = field(default_factory=list)   # one row every log_every steps
    evals: list = field(default_factory=list)     # one row every eval_every steps
    seconds: float = 0.0                          # training time so far, evaluation left out
    sums: torch.Tensor | None = None              # losses summed since the last history row
    count: int = 0                                # ... over this many steps
    segments: list = field(default_factory=list)  # precision, device, torch of each resumed part

    def save(self, path, model, opt_DQ, opt_G, gen, cfg: TrainConfig) -> None:
        """Write everything a resumed run needs (atomically, with a checksum)."""
        save_checkpoint(path, {
            "config": cfg.to_dict(), "step": self.step, "model": model.state_dict(),
            "opt_DQ": opt_DQ.state_dict(), "opt_G": opt_G.state_dict(), "gen": gen.get_state(),
            "history": json.dumps(self.history), "evals": json.dumps(self.evals),
            "train_seconds": self.seconds, "sums": self.sums, "count": self.count,
            "segments": json.dumps(self.segments)})

    @classmethod
    def restore(cls, path, model, opt_DQ, opt_G, gen, cfg: TrainConfig) -> "RunState":
        """Read what `save` wrote into the fresh model, optimisers and generator of a run
        with the same settings (MUST_MATCH); refuse a checkpoint of another run by name."""
        state = load_checkpoint(path)
        saved = TrainConfig.from_dict(state["config"])
        for key in MUST_MATCH:
            if getattr(saved, key) != getattr(cfg, key):
                raise ValueError(
                    f"checkpoint {path} was written with {key}={getattr(saved, key)!r} but this "
                    f"run has {key}={getattr(cfg, key)!r}: use another out_dir, or the same setting")
        if len(saved.dq_lrs) != len(cfg.dq_lrs):  # one optimiser group for D and Q, or two
            raise ValueError(f"checkpoint {path} was written with lr_q={saved.lr_q!r} but this run "
                             f"has lr_q={cfg.lr_q!r}: Q's head has its own learning rate in both "
                             f"or in neither; use another out_dir, or the same setting")
        load_model_state(model, state["model"], path)  # checks every name and shape first
        try:
            opt_DQ.load_state_dict(state["opt_DQ"])
            opt_G.load_state_dict(state["opt_G"])
            gen.set_state(state["gen"])
            run = cls(int(state["step"]), [renamed(row) for row in json.loads(state["history"])],
                      json.loads(state["evals"]),
                      float(state["train_seconds"]), state.get("sums"), int(state.get("count", 0)),
                      json.loads(state.get("segments", "[]")))
        except (KeyError, TypeError, ValueError, RuntimeError) as err:
            raise CheckpointError(f"checkpoint {path} is incomplete or from another version "
                                  f"({type(err).__name__}: {err}): use another out_dir") from err
        for key in ("lr_d", "lr_g", "lr_q"):
            if getattr(saved, key) != getattr(cfg, key):  # e.g. lowered after a non-finite loss
                warnings.warn(f"resuming {path} with {key}={getattr(cfg, key)} "
                              f"(it was {getattr(saved, key)})")
        for opt, group_lrs in ((opt_DQ, cfg.dq_lrs), (opt_G, [cfg.lr_g])):
            for group, lr in zip(opt.param_groups, group_lrs, strict=True):
                group.update(lr=lr, betas=(cfg.beta1, cfg.beta2))
        return run
