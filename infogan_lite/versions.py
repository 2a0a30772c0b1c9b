"""What a result depends on besides the seed: the versions of Python, the libraries and the
device (book/reproducibility.md). `python -m infogan_lite versions` prints them as JSON."""
from __future__ import annotations

import platform
import sys
from importlib import metadata

LIBRARIES = ("torch", "torchvision", "numpy", "scipy", "scikit-learn", "safetensors",
             "matplotlib", "jupyter-book")


def versions() -> dict:
    """Versions of infogan_lite, Python and its libraries (None: not installed), and the device."""
    import torch

    from . import __version__
    from .accel import select_device

    def version(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {"infogan_lite": __version__, "torch_build": torch.__version__,
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            **{name: version(name) for name in LIBRARIES},
            "device": str(select_device()),
            "cuda": torch.version.cuda if torch.cuda.is_available() else None,
            "cpu_threads": torch.get_num_threads()}
