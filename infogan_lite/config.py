"""One configuration for training, shared by `infogan_lite.train` and the command line.

The defaults are the paper's MNIST recipe and its official code (section 7, Appendix C).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

from .accel import AMP_MODES, check_device
from .architectures import architecture
from .codes import LatentSpec
from .data import check_name


@dataclass
class TrainConfig:
    """Everything a training run depends on. A chapter's config is a few overrides of this."""

    # Each field's metadata["help"] is its line in `python -m infogan_lite train --help`,
    # which adds the default: keep them short, and say there what the value means.
    dataset: str = field(default="mnist", metadata={
        "help": "data set to train on, a name in data.DATASETS; toy is generated and needs "
                "no files"})
    data_root: str | None = field(default=None, metadata={
        "help": "folder of the data files (default: $INFOGAN_LITE_DATA if set, else "
                "~/.cache/infogan_lite/data, where torchvision downloads what is missing)"})
    # The architecture's name; model.arch is the Architecture object built from it.
    arch_name: str = field(default="mnist", metadata={
        "help": "networks, a name in architectures.ARCHITECTURES: the paper's Table 1 "
                "(mnist, also for fashion-mnist, toy and shapes), 2 (svhn), 3 (celeba), "
                "4 (faces3d), 6 (chairs); tiny is Table 1's layout made narrow, for tests "
                "and quick checks"})
    n_noise: int = field(default=62, metadata={
        "help": "incompressible noise variables z ~ U(-1, 1) fed to G"})
    categorical: tuple[int, ...] = field(default=(10,), metadata={
        "help": "categories of each categorical code: 10 is one 10-way code, 10 4 adds a "
                "4-way one; the flag alone: none"})
    continuous: int = field(default=2, metadata={
        "help": "number of continuous codes c ~ U(-1, 1)"})
    lambda_cat: float = field(default=1.0, metadata={
        "help": "weight of the categorical codes' information term L_I_cat; paper section 6: "
                "lambda = 1 suffices for discrete codes"})
    # lambda_cont = 1 as in the authors' MNIST code. With sigma fixed to 1 the continuous
    # term is 0.5 (c - mu)^2 + const, at most 2 per code for c in [-1, 1]: already on the
    # scale of the GAN loss, so the paper's advice to shrink lambda for continuous codes
    # (whose learned-sigma log-likelihood is unbounded) is not needed here.
    lambda_cont: float = field(default=1.0, metadata={
        "help": "weight of the continuous codes' information term; 1 as in the authors' "
                "MNIST code: with sigma fixed to 1 the term is already on the GAN loss's scale"})
    learn_sigma: bool = field(default=False, metadata={
        "help": "Q also predicts each continuous code's sigma; the official MNIST code fixes "
                "sigma = 1"})
    baseline: bool = field(default=False, metadata={
        "help": "the paper's \"GAN + Q\" baseline: L_I trains Q's head only, not D's trunk "
                "or G"})
    # Semi-supervised InfoGAN (Spurr et al., 2017): this many labelled training images per
    # class, and lambda_sup times the cross-entropy of Q's first categorical code on them is
    # added to D and Q's loss. 0: unsupervised, the paper's InfoGAN.
    labels_per_class: int = field(default=0, metadata={
        "help": "semi-supervised InfoGAN (Spurr et al., 2017): labelled training images per "
                "class that tie the first categorical code to the labels; 0: unsupervised, "
                "the paper's InfoGAN"})
    lambda_sup: float = field(default=1.0, metadata={
        "help": "weight of the cross-entropy of Q's first categorical code on the labelled "
                "images, added to D and Q's loss; used only when labels_per_class > 0"})
    fresh_g_latents: bool = field(default=False, metadata={
        "help": "the G step draws its own z and c, as the authors' code does; off: G reuses "
                "the D step's draws"})
    lr_d: float = field(default=2e-4, metadata={
        "help": "Adam learning rate of D and Q (of Q's own head too, unless lr_q is set)"})
    lr_g: float = field(default=1e-3, metadata={
        "help": "Adam learning rate of G"})
    lr_q: float | None = field(default=None, metadata={
        "help": "Adam learning rate of Q's own head (the layers after the trunk it shares "
                "with D); unset: lr_d, as in the authors' code"})
    beta1: float = field(default=0.5, metadata={
        "help": "Adam beta1 (both optimisers), in [0, 1)"})
    beta2: float = field(default=0.999, metadata={
        "help": "Adam beta2 (both optimisers), in [0, 1)"})
    batch_size: int = field(default=128, metadata={
        "help": "images per training step"})
    steps: int = field(default=5000, metadata={
        "help": "training steps (batches) in all; with --resume, the total to reach"})
    seed: int = field(default=0, metadata={
        "help": "random seed of the weights, the latents and the batch order"})
    device: str = field(default="auto", metadata={
        "help": "where to train: auto (CUDA, else Apple's MPS, else the CPU), cpu, cuda, "
                "cuda:N (the N-th GPU) or mps"})
    amp: str = field(default="auto", metadata={
        "help": "mixed precision (accel.amp_dtype): auto is bf16 on a GPU that supports it, "
                "else fp16 with a gradient scaler on a GPU, bf16 on a CPU with native bf16 "
                "instructions, float32 anywhere else; off is float32; bf16 and fp16 force "
                "that type (bf16 on a CPU without native support is emulated, many times "
                "slower)"})
    compile: bool = field(default=False, metadata={
        "help": "torch.compile the networks; on a CPU this needs a C++ compiler and takes a "
                "minute or more before the first step"})
    threads: int = field(default=0, metadata={
        "help": "CPU threads for torch; 0 keeps torch's default"})
    out_dir: str = field(default="runs/mnist", metadata={
        "help": "run folder: config.json, checkpoint.pt and record.json are written there"})
    log_every: int = field(default=50, metadata={
        "help": "average the losses over this many steps into one row of the record's history"})
    eval_every: int = field(default=500, metadata={
        "help": "evaluate the first categorical code on the validation and test splits every "
                "this many steps and at the last; 0: never. Evaluation time is reported apart "
                "from train_seconds"})
    checkpoint_every: int = field(default=250, metadata={
        "help": "write checkpoint.pt every this many steps and at the last"})
    snapshot_every: int = field(default=0, metadata={
        "help": "also keep the weights every this many steps in OUT_DIR/snapshots; 0: never"})

    def __post_init__(self):
        self.categorical = tuple(self.categorical)

    @property
    def dq_lrs(self) -> tuple[float, ...]:
        """The learning rates of D's optimiser's groups, in order: (lr_d,) for D and Q
        together, or (lr_d, lr_q) when Q's own head has its own rate."""
        return (self.lr_d,) if self.lr_q is None else (self.lr_d, self.lr_q)

    @property
    def spec(self) -> LatentSpec:
        return LatentSpec(self.n_noise, self.categorical, self.continuous)

    def validate(self) -> "TrainConfig":
        """Raise a ValueError naming the first bad field and the values it accepts."""
        self.dataset = check_name(self.dataset)
        architecture(self.arch_name)
        self.spec  # LatentSpec checks its own sizes
        for name in ("lambda_cat", "lambda_cont", "lambda_sup"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
        for name in ("lr_d", "lr_g") + (("lr_q",) if self.lr_q is not None else ()):
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
        if self.amp not in AMP_MODES:
            raise ValueError(f"amp must be one of {', '.join(map(repr, AMP_MODES))}, "
                             f"got {self.amp!r}")
        if not isinstance(self.threads, int) or self.threads < 0:
            raise ValueError(f"threads must be a whole number >= 0 (0: torch's default), "
                             f"got {self.threads!r}")
        check_device(self.device)
        return self

    def to_dict(self) -> dict:
        d = asdict(self)
        d["categorical"] = list(self.categorical)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        """A config from to_dict's output, also one written before arch was renamed arch_name
        (checkpoints, manifests and records of earlier runs)."""
        d = {("arch_name" if k == "arch" else k): v for k, v in d.items()}
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown TrainConfig fields {sorted(unknown)}; known: {sorted(known)}")
        return cls(**d)
