"""Side-by-side timing of training steps, measured in one run (python -m infogan_lite bench).

Variants are interleaved round by round, so that a shared, noisy machine slows them
alike and the printed ratios stay meaningful even when the absolute times drift.
"""
from __future__ import annotations

import time

import torch

from .accel import select_device
from .config import TrainConfig
from .infogan import InfoGAN
from .train import make_optimizers, train_step


def _variant(cfg: TrainConfig, batch: torch.Tensor):
    torch.manual_seed(0)
    model = InfoGAN(cfg.spec).to(batch.device).train()
    opt_DQ, opt_G = make_optimizers(model, cfg)
    gen = torch.Generator(batch.device).manual_seed(0)
    return lambda: train_step(model, opt_DQ, opt_G, batch, gen, cfg)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def run_bench(steps: int = 20, batch_size: int = 128, rounds: int = 3, device: str = "auto") -> dict:
    """Milliseconds per step of InfoGAN and of the same networks with lambda = 0."""
    dev = select_device(device)
    batch = torch.rand(batch_size, 1, 28, 28, device=dev)
    variants = {
        "infogan_lite step": _variant(TrainConfig(dataset="toy"), batch),
        "same step, lambda = 0": _variant(TrainConfig(dataset="toy", lambda_cat=0.0, lambda_cont=0.0), batch),
    }
    times = {name: [] for name in variants}
    for fn in variants.values():  # warm-up
        fn()
    for _ in range(rounds):
        for name, fn in variants.items():
            _sync(dev)
            t0 = time.perf_counter()
            for _ in range(steps):
                losses = fn()
            losses.sum().item()
            _sync(dev)
            times[name].append((time.perf_counter() - t0) / steps)
    result = {name: min(ts) * 1000 for name, ts in times.items()}
    base = result["infogan_lite step"]
    print(f"device {dev}, batch {batch_size}, {torch.get_num_threads()} threads, best of {rounds}")
    print(f"{'variant':28s} {'ms/step':>9s} {'images/s':>9s} {'ratio':>6s}")
    for name, ms in result.items():
        print(f"{name:28s} {ms:9.1f} {batch_size / ms * 1000:9.0f} {ms / base:6.2f}")
    return result
