"""Where the arithmetic runs: device choice and mixed precision (chapter 6)."""
from __future__ import annotations

import contextlib

import torch


def select_device(name: str = "auto") -> torch.device:
    """'auto' picks CUDA, then Apple's MPS, then the CPU; any other name is used as given."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {name!r} was asked for but CUDA is not available: use 'auto' or 'cpu'")
    return device


def amp_dtype(amp: str, device: torch.device) -> torch.dtype | None:
    """The autocast dtype for an `amp` setting, or None for full float32.

    'auto' means bf16 on a GPU that supports it, fp16 on an older GPU, and float32
    on the CPU (bf16 on the CPU is opt-in: chapter 6 measures what it costs the codes).
    """
    if amp not in ("auto", "off", "bf16", "fp16"):
        raise ValueError(f"amp must be one of 'auto', 'off', 'bf16', 'fp16', got {amp!r}")
    if amp == "off" or (amp == "auto" and device.type != "cuda"):
        return None
    if amp == "auto":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.bfloat16 if amp == "bf16" else torch.float16


def autocast(device: torch.device, dtype: torch.dtype | None):
    """torch.autocast for `dtype`, or a no-op context when dtype is None."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)
