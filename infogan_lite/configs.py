"""Named configurations: the paper's latent specs and architectures per data set (Appendix C)."""
from __future__ import annotations

from .codes import LatentSpec
from .models import Architecture

# MNIST (Table 1): 62 noise variables, one 10-way categorical code, two continuous codes.
MNIST_SPEC = LatentSpec(n_noise=62, categorical=(10,), continuous=2)
MNIST_ARCH = Architecture()

ARCHITECTURES: dict[str, Architecture] = {
    "mnist": MNIST_ARCH,          # Table 1; also used for Fashion-MNIST and the toy set
}


def architecture(name: str) -> Architecture:
    """Look up a named architecture, or raise a ValueError listing the known ones."""
    try:
        return ARCHITECTURES[name]
    except KeyError:
        raise ValueError(
            f"unknown architecture {name!r}: choose one of {', '.join(ARCHITECTURES)}") from None
