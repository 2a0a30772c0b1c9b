"""infogan_lite: InfoGAN (Chen et al., 2016) in a few small modules, for the book
"InfoGAN from first principles".

The names below are imported on first use, so that `python -m infogan_lite --version`
answers without loading torch.
"""
import importlib
import sys
import types

__all__ = ["LatentSpec", "TrainConfig", "InfoGAN", "Architecture", "Layer", "load_pretrained",
           "train"]
__version__ = "0.2.0"

_HOME = {"LatentSpec": "codes", "TrainConfig": "config", "InfoGAN": "infogan",
         "Architecture": "models", "Layer": "models", "load_pretrained": "pretrained"}


class _Package(types.ModuleType):
    """The package module, whose public names load their module when first read."""

    @property
    def train(self):
        """The function `train.train`: it keeps the name `train` when the module
        infogan_lite.train is imported (which would otherwise put the module there)."""
        return importlib.import_module(".train", __name__).train

    @train.setter
    def train(self, module):  # the import system's binding of the submodule: keep the function
        pass

    def __getattr__(self, name):
        if name in _HOME:
            return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(__all__))


sys.modules[__name__].__class__ = _Package
