"""One configuration for training, shared by `infogan_lite.train` and the command line.

The defaults are the paper's MNIST recipe and its official code (section 7, Appendix C).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from .codes import LatentSpec
from .architectures import architecture
from .data import check_name


def _check_device(name: str) -> None:
    """Refuse a device name torch does not know, or a GPU this machine does not have."""
    import torch

    if name == "auto":
        return
    try:
        kind = torch.device(name).type
    except (RuntimeError, TypeError):
        raise ValueError(f"device must be 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps', "
                         f"got {name!r}") from None
    mps = getattr(torch.backends, "mps", None)
    if (kind == "cuda" and not torch.cuda.is_available()) or \
            (kind == "mps" and not (mps and mps.is_available())):
        raise ValueError(f"device {name!r} was asked for but this machine has no {kind.upper()}: "
                         f"use 'auto' or 'cpu'")


@dataclass
class TrainConfig:
    """Everything a training run depends on. A chapter's config is a few overrides of this."""

    dataset: str = "mnist"
    data_root: str | None = None      # None: $INFOGAN_LITE_DATA, else ~/.cache/infogan_lite/data
    arch: str = "mnist"               # a name in architectures.ARCHITECTURES (Table 1 by default)
    n_noise: int = 62
    categorical: tuple[int, ...] = (10,)
    continuous: int = 2
    lambda_cat: float = 1.0           # paper section 6: lambda = 1 suffices for discrete codes
    # lambda_cont = 1 as in the authors' MNIST code. With sigma fixed to 1 the continuous
    # term is 0.5 (c - mu)^2 + const, at most 2 per code for c in [-1, 1]: already on the
    # scale of the GAN loss, so the paper's advice to shrink lambda for continuous codes
    # (whose learned-sigma log-likelihood is unbounded) is not needed here.
    lambda_cont: float = 1.0
    learn_sigma: bool = False         # the official MNIST code fixes sigma = 1
    baseline: bool = False            # the paper's "GAN + Q" baseline: L_I trains Q's head only
    # Semi-supervised InfoGAN (Spurr et al., 2017): this many labelled training images per
    # class, and lambda_sup times the cross-entropy of Q's first categorical code on them is
    # added to D and Q's loss. 0: unsupervised, the paper's InfoGAN.
    labels_per_class: int = 0
    lambda_sup: float = 1.0
    lr_d: float = 2e-4                # D and Q
    lr_g: float = 1e-3
    beta1: float = 0.5
    beta2: float = 0.999
    batch_size: int = 128
    steps: int = 5000
    seed: int = 0
    device: str = "auto"
    amp: str = "auto"                 # 'auto', 'off', 'bf16', 'fp16' (see accel.amp_dtype)
    compile: bool = False             # torch.compile the networks
    threads: int = 0                  # CPU threads for torch; 0 keeps torch's default
    out_dir: str = "runs/mnist"
    log_every: int = 50
    eval_every: int = 500             # 0: never; evaluation time is reported apart
    checkpoint_every: int = 250
    snapshot_every: int = 0           # also keep the weights every N steps in out_dir/snapshots

    def __post_init__(self):
        self.categorical = tuple(self.categorical)

    @property
    def spec(self) -> LatentSpec:
        return LatentSpec(self.n_noise, self.categorical, self.continuous)

    def validate(self) -> "TrainConfig":
        """Raise a ValueError naming the first bad field and the values it accepts."""
        self.dataset = check_name(self.dataset)
        architecture(self.arch)
        self.spec  # LatentSpec checks its own sizes
        for name in ("lambda_cat", "lambda_cont", "lambda_sup"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
        for name in ("lr_d", "lr_g"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
                raise ValueError(f"{name} must be a finite number > 0, got {v!r}")
        for name in ("beta1", "beta2"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must lie in [0, 1), got {getattr(self, name)!r}")
        for name in ("batch_size", "steps", "log_every", "checkpoint_every"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"{name} must be a whole number >= 1, got {getattr(self, name)!r}")
        for name in ("eval_every", "snapshot_every", "labels_per_class"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 0:
                raise ValueError(f"{name} must be a whole number >= 0, got {getattr(self, name)!r}")
        if self.eval_every and not self.categorical:
            raise ValueError("eval_every > 0 evaluates the first categorical code, but this config "
                             "has none: set eval_every=0 (--eval-every 0) or add a categorical code")
        if self.labels_per_class and not self.categorical:
            raise ValueError("labels_per_class > 0 ties the first categorical code to the labels, "
                             "but this config has none: add a categorical code")
        if self.amp not in ("auto", "off", "bf16", "fp16"):
            raise ValueError(f"amp must be one of 'auto', 'off', 'bf16', 'fp16', got {self.amp!r}")
        if not isinstance(self.threads, int) or self.threads < 0:
            raise ValueError(f"threads must be a whole number >= 0 (0: torch's default), "
                             f"got {self.threads!r}")
        _check_device(self.device)
        return self

    def to_dict(self) -> dict:
        d = asdict(self)
        d["categorical"] = list(self.categorical)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown TrainConfig fields {sorted(unknown)}; known: {sorted(known)}")
        return cls(**d)
