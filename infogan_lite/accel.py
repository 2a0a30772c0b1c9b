"""Where the arithmetic runs: device, mixed precision, optimiser kernels, compilation (appendix A).

Each switch here is timed by `python -m infogan_lite bench --ablate`, and is on by default
only where it paid (appendix A gives the table). `FastPath` carries a run's choices into
`train.train_step`.
"""
from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch


AMP_MODES = ("auto", "off", "bf16", "fp16")  # the settings of TrainConfig.amp and --amp


def _has_mps() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps and mps.is_available())


def check_device(name: str) -> torch.device | None:
    """The device `name` stands for (None for 'auto'), or a ValueError if torch does not know
    the name or this machine lacks the GPU it names."""
    if name == "auto":
        return None
    try:
        device = torch.device(name)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must be 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps', "
                         f"got {name!r}") from None
    if (device.type == "cuda" and not torch.cuda.is_available()) or \
            (device.type == "mps" and not _has_mps()):
        raise ValueError(f"device {name!r} was asked for but this machine has no "
                         f"{device.type.upper()}: use 'auto' or 'cpu'")
    return device


def select_device(name: str = "auto") -> torch.device:
    """'auto' picks CUDA, then Apple's MPS, then the CPU; any other name is checked and used."""
    device = check_device(name)
    if device is not None:
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("mps" if _has_mps() else "cpu")


def cpu_has_bf16() -> bool:
    """True when the CPU computes bfloat16 natively (AVX512-BF16 or AMX), so autocast pays.

    Without these instructions bf16 is emulated and usually slower than float32.
    """
    probes = [getattr(torch.cpu, name, None) for name in ("_is_avx512_bf16_supported",
                                                         "_is_amx_tile_supported")]
    if any(p is not None for p in probes):
        return any(p() for p in probes if p is not None)
    cpuinfo = Path("/proc/cpuinfo")
    flags = cpuinfo.read_text() if cpuinfo.exists() else ""
    return "avx512_bf16" in flags or "amx_bf16" in flags


EMULATED_BF16 = (
    "amp='bf16' on a CPU without native bfloat16 instructions (AVX512-BF16 or AMX): bf16 is "
    "emulated there, many times slower than float32 (the book's reproducibility page gives the "
    "measured cost). Use amp='auto' (--amp auto), which picks float32 on this CPU and learns "
    "the same within the spread over seeds (appendix A).")


# --- amp: start
def amp_dtype(amp: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype for an `amp` setting, or None for full float32.

    'auto' means bf16 on a GPU that supports it, fp16 (with a GradScaler) on an older
    GPU, bf16 on a CPU with native bf16 instructions, and float32 anywhere else.
    """
    if amp not in AMP_MODES:
        raise ValueError(f"amp must be one of {', '.join(map(repr, AMP_MODES))}, got {amp!r}")
    if amp == "off":
        return None
    if amp == "auto":
        if device.type == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.bfloat16 if device.type == "cpu" and cpu_has_bf16() else None
    if amp == "bf16" and device.type == "cpu" and not cpu_has_bf16():
        warnings.warn(EMULATED_BF16, stacklevel=2)
    return torch.bfloat16 if amp == "bf16" else torch.float16


def precision_name(dtype: torch.dtype | None) -> str:
    """What a run computes in, for records and progress bars: float32, bf16 or fp16 (autocast)."""
    return {None: "float32", torch.bfloat16: "bf16", torch.float16: "fp16"}[dtype]


def autocast(device: torch.device, dtype: torch.dtype | None):
    """torch.autocast for `dtype`, or a no-op context when dtype is None."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def grad_scaler(device: torch.device, dtype: torch.dtype | None):
    """A GradScaler for fp16, whose narrow exponent range underflows small gradients; else None.

    bf16 has float32's exponent range and needs no scaling.
    """
    return torch.amp.GradScaler(device.type) if dtype == torch.float16 else None


@dataclass
class FastPath:
    """How `train_step` computes: the autocast dtype (None: float32), the gradient scaler
    of fp16 (None otherwise), and compiled networks (G, D) or None for the eager ones."""

    dtype: torch.dtype | None = None
    scaler: torch.amp.GradScaler | None = None
    nets: tuple | None = None

    @classmethod
    def for_run(cls, model, amp: str = "off", compile: bool = False) -> "FastPath":
        """The fast path of a TrainConfig's `amp` and `compile` on the model's device."""
        dtype = amp_dtype(amp, model.device)
        return cls(dtype, grad_scaler(model.device, dtype), compile_nets(model, compile))

    def scale(self, loss: torch.Tensor) -> torch.Tensor:
        """The loss to differentiate: multiplied by the scaler's factor under fp16."""
        return self.scaler.scale(loss) if self.scaler else loss

    def apply_gradients(self, opt) -> None:
        """opt.step(); under fp16 through the scaler, which unscales the gradients first and
        skips the step when one of them overflowed."""
        self.scaler.step(opt) if self.scaler else opt.step()

    def update_scale(self) -> None:
        """After both players' steps: the scaler shrinks its factor after an overflow, and
        grows it after a long run without one."""
        if self.scaler:
            self.scaler.update()
# --- amp: end


def adam_kwargs(device: torch.device, impl: str = "auto") -> dict:
    """Which Adam kernel to use: 'foreach' (a few batched ops over all tensors), 'fused'
    (one kernel per step), or 'loop' (one small op per tensor, torch's CPU default).

    'auto' is 'fused' on CUDA and 'foreach' elsewhere. On the CPU, 'fused' is a little faster
    (appendix A measures it) but rounds differently, so a run would no longer repeat, bit for
    bit, the book's committed runs (all made with 'foreach').
    """
    if impl == "auto":
        impl = "fused" if device.type == "cuda" else "foreach"
    if impl not in ("fused", "foreach", "loop"):
        raise ValueError(f"adam impl must be 'auto', 'fused', 'foreach' or 'loop', got {impl!r}")
    return {} if impl == "loop" else {impl: True}


def compile_nets(model, enabled: bool):
    """(G, D) wrapped by torch.compile, or None to run the eager modules.

    The compiled modules share their parameters with `model`, so optimisers, checkpoints
    and `model.generate` see the same weights. On the CPU, compilation needs a C++
    compiler, and it runs before the first step (appendix A weighs its cost).
    """
    return (torch.compile(model.G), torch.compile(model.D)) if enabled else None
