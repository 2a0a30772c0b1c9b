"""How fast does InfoGAN train? Training loops timed side by side (appendix A; python -m infogan_lite bench).

Four loops run the paper's Table-1 networks at batch 128 in one process:

  naive     the loop as common public ports write it (the anti-pattern, in ``naive.py``);
  loop      infogan_lite's own loop: `batch_indices` + `train_step`, as `train` runs them;
  compute   forward, backward and Adam of D, Q and G on batches already in memory: the floor;
  gan       the same loop without Q's head and the information term (a plain GAN step).

The variants are interleaved round by round (the order rotating), so that a busy machine
slows all of them alike; the table gives medians, and each ratio is taken within a round.
Peak memory is read in a fresh process per variant (ru_maxrss; on a GPU, the peak of
torch.cuda.max_memory_allocated), because one process's peak says nothing about the others.
"""
from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable, NamedTuple

import torch
from torch import nn

from ..accel import FastPath, adam_kwargs, amp_dtype, autocast, select_device
from ..config import TrainConfig
from ..data import load_dataset
from ..infogan import InfoGAN
from ..losses import d_loss, g_loss
from .naive import naive_loader, naive_step
from ..train import LOSS_NAMES, batch_indices, train_step

LABELS = {"naive": "naive loop (anti-pattern)", "loop": "infogan_lite loop",
          "compute": "pure compute (floor)", "gan": "plain GAN step (no Q)"}


@dataclass
class BenchConfig:
    """What `run` measures. Defaults: the paper's MNIST step, batch 128, one CPU thread."""

    steps: int = 20                   # steps per variant per round
    repeats: int = 5                  # rounds; every variant runs once per round
    batch_size: int = 128
    device: str = "auto"
    amp: str = "auto"                 # as TrainConfig.amp; the naive loop always runs float32
    compile: bool = False             # torch.compile G and D (not the naive loop)
    threads: int = 1                  # torch CPU threads; 0 keeps torch's default
    data: str = "real"                # "real": MNIST from disk; "synthetic": random images
    data_root: str | None = None
    memory: bool = True               # peak memory of each variant, in a fresh process
    clock: str = "auto"               # "wall", "cpu" (process time), or auto (see `_clock`)
    variants: tuple[str, ...] = ("naive", "loop", "compute", "gan")

    def validate(self) -> "BenchConfig":
        if self.data not in ("real", "synthetic"):
            raise ValueError(f"data must be 'real' or 'synthetic', got {self.data!r}")
        if self.clock not in ("auto", "wall", "cpu"):
            raise ValueError(f"clock must be 'auto', 'wall' or 'cpu', got {self.clock!r}")
        if self.steps < 1 or self.repeats < 1:
            raise ValueError(f"steps and repeats must be >= 1, got {self.steps}, {self.repeats}")
        unknown = set(self.variants) - set(LABELS) - set(ABLATIONS)
        if unknown:
            raise ValueError(f"unknown variants {sorted(unknown)}: choose from {sorted(LABELS)}")
        amp_dtype(self.amp, torch.device("cpu"))  # checks the name
        return self


class Variant(NamedTuple):
    step: Callable[[], None]          # one training step
    finish: Callable[[], None]        # what a logging point costs: read the losses back
    model: InfoGAN | None = None      # the weights it trains


def _model(cfg: BenchConfig, device):
    torch.manual_seed(0)
    return InfoGAN(TrainConfig().spec).to(device).train()


def _naive(cfg: BenchConfig, device, images) -> Variant:
    model = _model(cfg, device)
    tcfg = TrainConfig()  # the naive loop's ports use the paper's rates and betas too
    opt_D = torch.optim.Adam(model.D.parameters(), lr=tcfg.lr_d, betas=(tcfg.beta1, tcfg.beta2))
    opt_G = torch.optim.Adam(model.G.parameters(), lr=tcfg.lr_g, betas=(tcfg.beta1, tcfg.beta2))
    loader, batches = naive_loader(cfg.data, cfg.data_root, cfg.batch_size), iter(())

    def step():
        nonlocal batches
        x = next(batches, None)
        if x is None:  # a new epoch
            batches = iter(loader)
            x = next(batches)
        naive_step(model, opt_D, opt_G, x[0].to(device))
    return Variant(step, lambda: None, model)


def _loop(cfg: BenchConfig, device, images, amp=None, adam="auto", channels_last=False,
          sync_every_step=False, compile=None) -> Variant:
    """infogan_lite's loop, as `train` runs it: resident data, batches by index, no host sync."""
    model = _model(cfg, device)
    tcfg = TrainConfig(amp=amp or cfg.amp, batch_size=cfg.batch_size)
    if channels_last:
        model, images = model.to(memory_format=torch.channels_last), images.contiguous(
            memory_format=torch.channels_last)
    kw = {"betas": (tcfg.beta1, tcfg.beta2), **adam_kwargs(device, adam)}
    opt_DQ = torch.optim.Adam(model.D.parameters(), lr=tcfg.lr_d, **kw)
    opt_G = torch.optim.Adam(model.G.parameters(), lr=tcfg.lr_g, **kw)
    fast = FastPath.for_run(model, tcfg.amp, cfg.compile if compile is None else compile)
    gen, sums, n = torch.Generator(device).manual_seed(0), torch.zeros(len(LOSS_NAMES), device=device), [0]

    def step():
        idx = batch_indices(n[0], len(images), cfg.batch_size, tcfg.seed).to(device)
        losses = train_step(model, opt_DQ, opt_G, images[idx], gen, tcfg, fast)
        sums.add_(losses)
        n[0] += 1
        if sync_every_step:
            sums.tolist()
    return Variant(step, sums.tolist, model)


def _compute(cfg: BenchConfig, device, images) -> Variant:
    """The floor: `train_step` on one batch already in place (forwards, backwards, Adam)."""
    model, tcfg = _model(cfg, device), TrainConfig(amp=cfg.amp, batch_size=cfg.batch_size)
    kw = {"betas": (tcfg.beta1, tcfg.beta2), **adam_kwargs(device)}
    opt_DQ = torch.optim.Adam(model.D.parameters(), lr=tcfg.lr_d, **kw)
    opt_G = torch.optim.Adam(model.G.parameters(), lr=tcfg.lr_g, **kw)
    fast = FastPath.for_run(model, cfg.amp, cfg.compile)
    x, gen = images[:cfg.batch_size].clone(), torch.Generator(device).manual_seed(0)
    return Variant(lambda: train_step(model, opt_DQ, opt_G, x, gen, tcfg, fast),
                   lambda: None, model)


def _gan(cfg: BenchConfig, device, images) -> Variant:
    """A plain GAN step in the same loop: D's logit only, Q's head never evaluated.

    The same update as `train_step` with lambda = 0 for G, D's trunk and D's head (a test
    pins it), without the cost of Q."""
    model, tcfg = _model(cfg, device), TrainConfig(amp=cfg.amp)
    spec, dtype = model.spec, amp_dtype(cfg.amp, device)
    D = nn.Sequential(model.D.trunk, model.D.d_head, nn.Flatten(0))  # shares D's weights
    G, D = (torch.compile(model.G), torch.compile(D)) if cfg.compile else (model.G, D)
    kw = {"betas": (tcfg.beta1, tcfg.beta2), **adam_kwargs(device)}
    opt_D = torch.optim.Adam(D.parameters(), lr=tcfg.lr_d, **kw)
    opt_G = torch.optim.Adam(model.G.parameters(), lr=tcfg.lr_g, **kw)
    gen, sums, n = torch.Generator(device).manual_seed(0), torch.zeros(2, device=device), [0]

    def step():
        x_real = images[batch_indices(n[0], len(images), cfg.batch_size, 0).to(device)]
        z, c_cat, c_cont = spec.sample(len(x_real), generator=gen)
        with autocast(device, dtype):
            x_fake = G(spec.assemble(z, c_cat, c_cont))
            L_D = d_loss(D(x_real).float(), D(x_fake.detach()).float())
        opt_D.zero_grad(set_to_none=True)
        L_D.backward()
        opt_D.step()
        with autocast(device, dtype):
            L_G = g_loss(D(x_fake).float())
        opt_G.zero_grad(set_to_none=True)
        L_G.backward(inputs=list(model.G.parameters()))
        opt_G.step()
        sums.add_(torch.stack([L_D, L_G]).detach())
        n[0] += 1
    return Variant(step, sums.tolist, model)


# Each option of the fast path, switched on or off alone in infogan_lite's loop.
ABLATIONS = {
    "loop: float32": dict(amp="off"),
    "loop: bf16 autocast": dict(amp="bf16"),
    "loop: Adam for-loop": dict(adam="loop"),
    "loop: Adam fused": dict(adam="fused"),
    "loop: Adam foreach": dict(adam="foreach"),
    "loop: channels-last": dict(channels_last=True),
    "loop: .item() every step": dict(sync_every_step=True),
    "loop: torch.compile": dict(compile=True),
}
BUILDERS = {"naive": _naive, "loop": _loop, "compute": _compute, "gan": _gan}


def build(name: str, cfg: BenchConfig, device, images) -> Variant:
    if name in ABLATIONS:
        return _loop(cfg, device, images, **ABLATIONS[name])
    return BUILDERS[name](cfg, device, images)


def _images(cfg: BenchConfig, device) -> torch.Tensor:
    if cfg.data == "real":
        return load_dataset("mnist", True, cfg.data_root)[0].to(device)
    return torch.rand(60_000, 1, 28, 28, generator=torch.Generator().manual_seed(0)).to(device)


def _sync(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _clock(cfg: BenchConfig, device) -> str:
    """'auto': process CPU time on a 1-thread CPU run, which a busy machine disturbs far less
    than wall time (with one thread it is the wall time of an idle core); else wall time."""
    if cfg.clock != "auto":
        return cfg.clock
    return "cpu" if device.type == "cpu" and cfg.threads == 1 else "wall"


def measure(cfg: BenchConfig) -> dict:
    """Seconds per step of every variant, `repeats` interleaved rounds of `steps` steps each."""
    cfg.validate()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = select_device(cfg.device)
    images = _images(cfg, device)
    variants = {name: build(name, cfg, device, images) for name in cfg.variants}
    for v in variants.values():  # warm-up: allocator, kernels, compilation, first epoch
        v.step(), v.step(), v.finish()
    times = {name: {"wall": [], "cpu": []} for name in variants}
    names = list(variants)
    for r in range(cfg.repeats):
        for name in names[r % len(names):] + names[:r % len(names)]:  # rotate the order
            step, finish, _ = variants[name]
            _sync(device)
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(cfg.steps):
                step()
            finish()
            _sync(device)
            times[name]["wall"].append((time.perf_counter() - wall) / cfg.steps)
            times[name]["cpu"].append((time.process_time() - cpu) / cfg.steps)
    return {"config": asdict(cfg), "device": str(device), "clock": _clock(cfg, device),
            "amp": str(amp_dtype(cfg.amp, device)).replace("torch.", ""),
            "threads": torch.get_num_threads(), "times": times}


def peak_memory(names, cfg: BenchConfig) -> dict[str, float]:
    """Peak memory in MiB of each variant in `names` run for a few steps, each in a fresh
    process (started together; they are not timed): the peak resident set size on the CPU,
    torch.cuda.max_memory_allocated on a GPU. 'train' is a real `train` run."""
    names = [names] if isinstance(names, str) else list(names)
    procs = {name: subprocess.Popen(
        [sys.executable, "-m", "infogan_lite.book.bench",
         json.dumps(asdict(replace(cfg, memory=False, variants=(name,))))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in names}
    peaks = {}
    for name, proc in procs.items():
        out, err = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"the memory probe of {name!r} failed:\n{err[-2000:]}")
        peaks[name] = json.loads(out.strip().splitlines()[-1])["peak_mib"]
    return peaks


def _peak_rss_mib() -> float:
    """This process's peak resident set size. On Linux VmHWM, because ru_maxrss survives
    exec and would report the parent's peak when the parent was the larger."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    scale = 2**20 if sys.platform == "darwin" else 2**10  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def _child(cfg: BenchConfig) -> None:
    """Entry point of `peak_memory`'s fresh process."""
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device, (name,) = select_device(cfg.device), cfg.variants
    if name == "train":
        from ..train import train
        steps = max(cfg.steps, 2)
        with tempfile.TemporaryDirectory() as out:
            train(TrainConfig(dataset="mnist" if cfg.data == "real" else "toy", steps=steps,
                              eval_every=steps, log_every=steps, checkpoint_every=steps,
                              data_root=cfg.data_root, device=cfg.device, amp=cfg.amp,
                              compile=cfg.compile, threads=cfg.threads, out_dir=out),
                  progress=False)
    else:
        v = build(name, cfg, device, _images(cfg, device))
        for _ in range(max(cfg.steps, 2)):
            v.step()
        v.finish()
    peak = torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else _peak_rss_mib()
    print(json.dumps({"peak_mib": round(peak, 1)}))


def summarise(raw: dict, memory: dict | None = None) -> dict:
    """Medians and spreads of the raw times; ratios taken round by round, then their median."""
    batch, clock, times = raw["config"]["batch_size"], raw["clock"], raw["times"]
    rows = {}
    for name, t in times.items():
        s = t[clock]
        rows[name] = {"ms": 1000 * statistics.median(s), "ms_min": 1000 * min(s),
                      "ms_max": 1000 * max(s), "images_per_s": batch / statistics.median(s),
                      "peak_mib": (memory or {}).get(name)}

    def ratio(a, b):  # median over rounds of time(a) / time(b)
        return statistics.median(x / y for x, y in zip(times[a][clock], times[b][clock]))
    ratios = {}
    if {"naive", "loop"} <= set(times):
        ratios["loop/naive (images/s)"] = ratio("naive", "loop")
    if {"compute", "loop"} <= set(times):
        ratios["loop/compute (images/s)"] = ratio("compute", "loop")
    if {"gan", "loop"} <= set(times):
        ratios["InfoGAN/GAN (time per step)"] = ratio("loop", "gan")
    base = "loop" if "loop" in times else None
    for name in times:
        if name in ABLATIONS and base:
            ratios[f"{name} / loop (time per step)"] = ratio(name, base)
    return {**{k: raw[k] for k in ("config", "device", "clock", "amp", "threads")},
            "rows": rows, "ratios": ratios, "memory": memory or {}}


def format_table(result: dict) -> str:
    """The table `run` prints: one row per variant, then the ratios."""
    lines = [describe(result),
             f"{'variant':28s} {'ms/step':>8s} {'min-max':>13s} {'images/s':>9s} {'peak MiB':>9s}"]
    for name, r in result["rows"].items():
        mem = f"{r['peak_mib']:9.0f}" if r["peak_mib"] is not None else f"{'-':>9s}"
        spread = f"{r['ms_min']:.0f}-{r['ms_max']:.0f}"
        lines.append(f"{LABELS.get(name, name):28s} {r['ms']:8.1f} {spread:>13s} "
                     f"{r['images_per_s']:9.0f} {mem}")
    if "train" in result["memory"]:
        lines.append(f"peak memory of a real training run (train + one evaluation): "
                     f"{result['memory']['train']:.0f} MiB")
    lines += [f"{k:40s} {v:6.3f}" for k, v in result["ratios"].items()]
    return "\n".join(lines)


def table(result: dict) -> tuple[list[str], list[list[str]]]:
    """The variants of `format_table` as (header, cells), for a rendered table in a notebook."""
    header = ["variant", "ms per step (median)", "min-max", "images/s", "peak MiB"]
    cells = [[LABELS.get(name, name), f"{r['ms']:.1f}", f"{r['ms_min']:.0f}-{r['ms_max']:.0f}",
              f"{r['images_per_s']:.0f}", f"{r['peak_mib']:.0f}" if r["peak_mib"] is not None else "-"]
             for name, r in result["rows"].items()]
    return header, cells


def describe(result: dict) -> str:
    """One line: what was measured, and with which clock."""
    cfg = result["config"]
    clock = "process CPU time" if result["clock"] == "cpu" else "wall time"
    return (f"device {result['device']}, {result['threads']} thread(s), batch {cfg['batch_size']}, "
            f"autocast {result['amp']}, compile {cfg['compile']}, {cfg['data']} data; "
            f"median of {cfg['repeats']} interleaved rounds of {cfg['steps']} steps ({clock})")


def run(cfg: BenchConfig | None = None, verbose: bool = True, **overrides) -> dict:
    """Measure the variants of `cfg` (or BenchConfig(**overrides)), print the table, return it."""
    cfg = replace(cfg or BenchConfig(), **overrides).validate()
    raw = measure(cfg)
    memory = None
    if cfg.memory:
        memory = peak_memory((*cfg.variants, "train"), replace(cfg, steps=min(cfg.steps, 5)))
    result = summarise(raw, memory)
    if verbose:
        print(format_table(result))
    return result


def ablate(cfg: BenchConfig | None = None, verbose: bool = True, **overrides) -> dict:
    """infogan_lite's loop with each fast-path option switched alone, timed side by side."""
    cfg = replace(cfg or BenchConfig(), **overrides)
    names = [n for n in ABLATIONS if cfg.compile or "compile" not in n]
    return run(replace(cfg, variants=("loop", *names), compile=False, memory=False), verbose)


if __name__ == "__main__":
    _child(BenchConfig(**{k: tuple(v) if k == "variants" else v
                          for k, v in json.loads(sys.argv[1]).items()}))
