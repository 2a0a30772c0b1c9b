"""What the paper's configurations cost: sizes, FLOPs and CPU time of one training step (ch. 8).

`paper_configs.paper_config` gives each experiment of Appendix C as a TrainConfig. This module
reads off what a reader needs before training one:

* `describe`: the latent spec, G's input, the image size, the parameters of G and of D
  with Q, the learning rates and lambdas, in one row per configuration;
* `step_flops`: the floating-point operations of one `train.train_step`, counted by
  torch's FlopCounterMode (matrix products and convolutions, forward and backward; batch
  norm, activations and Adam are left out, as they are a few per cent at most);
* `time_steps`: the process CPU time of a few real training steps on random images;
* `gpu_estimate`: an ESTIMATE of GPU time from the FLOP count and an assumed throughput.
  Nothing in it is measured; its assumptions are its arguments.
"""
from __future__ import annotations

import contextlib
import statistics
import time
import warnings

import torch

from ..accel import FastPath
from ..architectures import architecture
from ..paper_configs import paper_config
from ..infogan import InfoGAN
from ..train import make_optimizers, train_step

# One configuration per architecture and latent spec; the other rows of Tables 5 and 7
# differ from these in learning rates and lambdas only.
PAPER_NAMES = ("mnist", "svhn", "celeba", "faces3d-azimuth", "faces3d-elevation",
               "faces3d-lighting", "chairs-rotation", "chairs-width")


def latent_text(cfg) -> str:
    """The latent spec in the paper's words, e.g. '4 x Cat(10) + 4 cont. + 124 noise'."""
    parts = []
    if cfg.categorical:
        k = set(cfg.categorical)
        parts.append(f"{len(cfg.categorical)} x Cat({cfg.categorical[0]})" if len(k) == 1
                     else " + ".join(f"Cat({n})" for n in cfg.categorical))
    if cfg.continuous:
        parts.append(f"{cfg.continuous} cont.")
    return " + ".join(parts + [f"{cfg.n_noise} noise"])


def build(cfg, seed: int = 0) -> InfoGAN:
    """The model of a TrainConfig, with weights from `seed`."""
    torch.manual_seed(seed)
    return InfoGAN(cfg.spec, architecture(cfg.arch_name), cfg.learn_sigma)


@contextlib.contextmanager
def _quiet():
    """Hide torch's note that padding='same' with a 4x4 kernel pads a copy of the input
    (Table 6's stride-1 layers); it is about speed, and the copy is part of what we time."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using padding='same'")
        yield


def n_params(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def describe(name: str) -> dict:
    """One row of the configurations table for paper_config(name)."""
    cfg = paper_config(name)
    arch, model = architecture(cfg.arch_name), build(cfg)
    return {"name": name, "dataset": cfg.dataset, "latent": latent_text(cfg),
            "G input": cfg.spec.dim, "image": (arch.channels, arch.image_size, arch.image_size),
            "G params": n_params(model.G), "D+Q params": n_params(model.D),
            "lr D/Q": cfg.lr_d, "lr G": cfg.lr_g, "lambda cat": cfg.lambda_cat,
            "lambda cont": cfg.lambda_cont, "learn sigma": cfg.learn_sigma}


def random_images(model: InfoGAN, n: int, seed: int = 0) -> torch.Tensor:
    """n random images in the range D reads ([0, 1] or [-1, 1]), the shape of the model's."""
    arch = model.arch
    x = torch.rand(n, arch.channels, arch.image_size, arch.image_size,
                   generator=torch.Generator().manual_seed(seed))
    return model.from_unit_range(x)


def step_flops(cfg, batch_size: int = 4) -> int:
    """FLOPs of one training step at `batch_size`, counted in float32 on the CPU.

    Every counted operation is linear in the batch, so the count at batch b is b/4 times
    the count at 4 (tests/test_step_cost.py checks it): count small, then scale.
    """
    from torch.utils.flop_counter import FlopCounterMode

    model = build(cfg).train()
    opt_DQ, opt_G = make_optimizers(model, cfg)
    x = random_images(model, batch_size)
    counter = FlopCounterMode(display=False)
    with counter, _quiet():
        train_step(model, opt_DQ, opt_G, x, torch.Generator().manual_seed(1), cfg)
    return int(counter.get_total_flops())


def time_steps(cfg, batch_size: int = 128, steps: int = 3, amp: str = "auto") -> dict:
    """Process CPU time of `steps` training steps (after one untimed warm-up step).

    CPU time, not wall time: on a machine busy with other work it counts only the cycles
    this process got. Returns the median and every step's seconds, and the autocast dtype.
    """
    model = build(cfg).train()
    opt_DQ, opt_G = make_optimizers(model, cfg)
    x, gen = random_images(model, batch_size), torch.Generator().manual_seed(1)
    fast = FastPath.for_run(model, amp)
    dtype = fast.dtype
    seconds = []
    for i in range(steps + 1):
        t0 = time.process_time()
        with _quiet():
            train_step(model, opt_DQ, opt_G, x, gen, cfg, fast)
        if i:                                            # step 0 warms up the allocator
            seconds.append(time.process_time() - t0)
    return {"median": statistics.median(seconds), "seconds": seconds, "batch_size": batch_size,
            "dtype": str(dtype).removeprefix("torch.") if dtype else "float32"}


def gpu_estimate(flops_per_step: float, steps: int, tflops: float,
                 floor_ms: float = 0.0) -> float:
    """ESTIMATED seconds for `steps` steps on a GPU assumed to sustain `tflops` TFLOP/s on
    this work, each step taking at least `floor_ms` (kernel launches). Not a measurement."""
    per_step = max(flops_per_step / (tflops * 1e12), floor_ms / 1e3)
    return steps * per_step

