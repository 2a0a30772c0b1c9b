"""Data sets as one tensor each: images [N, C, H, W] as floats in [0, 1], labels [N].

A training loop that indexes a tensor already on the device needs no DataLoader,
no worker processes and no per-sample transforms (appendix A measures the gain).

Where the files come from, first match wins:
  1. the ``root`` argument;
  2. the environment variable ``INFOGAN_LITE_DATA``;
  3. ``~/.cache/infogan_lite/data``, downloaded by torchvision when missing.
"""
from __future__ import annotations

import difflib
import math
import os
from pathlib import Path

import torch

DATASETS = ("mnist", "fashion-mnist", "toy", "shapes", "svhn", "celeba", "faces3d", "chairs")
ENV_VAR = "INFOGAN_LITE_DATA"


def data_root(root: str | os.PathLike | None = None) -> Path:
    """The folder torchvision reads from (and downloads into)."""
    if root is not None:
        return Path(root).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    return Path.home() / ".cache" / "infogan_lite" / "data"


def check_name(name: str) -> str:
    """Normalise a data set name, or raise a ValueError listing the known ones."""
    key = str(name).lower().replace("_", "-")
    if key == "fashionmnist":
        key = "fashion-mnist"
    if key not in DATASETS:
        close = difflib.get_close_matches(key, DATASETS, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"unknown dataset {name!r}: {hint}choose one of {', '.join(DATASETS)}")
    return key


def load_dataset(name: str, train: bool = True, root=None) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (images [N, C, H, W] float32 in [0, 1], labels [N] int64).

    28x28x1 for mnist, fashion-mnist, toy and shapes (shapes_data.py); the paper's other
    sets (svhn, celeba, faces3d, chairs) come at their tables' sizes (paper_data.py).
    """
    key = check_name(name)
    if key == "toy":
        return toy_dataset(6000 if train else 1000, seed=0 if train else 1)
    if key == "shapes":
        from .shapes_data import shapes_dataset
        return shapes_dataset(train)
    if key in ("svhn", "celeba", "faces3d", "chairs"):
        from .paper_data import load_paper_dataset
        return load_paper_dataset(key, train, data_root(root))
    return _torchvision(key, train, data_root(root))


def validation_split(images: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The last sixth of a training set (MNIST: images 50,000-59,999), whose labels may be
    used to choose among finished runs; training never reads a label, and the test set is
    kept for the final measurement."""
    start = validation_start(len(images))
    return images[start:], labels[start:]


def validation_start(n: int) -> int:
    """Index of the first of `n` training images that belongs to the validation split."""
    return n - n // 6


def labelled_subset(labels: torch.Tensor, per_class: int, seed: int) -> torch.Tensor:
    """Indices of `per_class` images of every label, drawn reproducibly from `seed` outside
    the validation split: the few labelled images of semi-supervised training (the rest stay
    unlabelled, and the validation split's labels stay unread)."""
    n = validation_start(len(labels))
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    picked = []
    for k in labels.unique().tolist():
        of_k = perm[labels[perm] == k]
        if len(of_k) < per_class:
            raise ValueError(f"labels_per_class={per_class} but label {k} has only {len(of_k)} "
                             f"images: use labels_per_class <= {len(of_k)}")
        picked.append(of_k[:per_class])
    return torch.cat(picked).sort().values


def _torchvision(key: str, train: bool, root: Path):
    from torchvision import datasets

    cls = {"mnist": datasets.MNIST, "fashion-mnist": datasets.FashionMNIST}[key]
    try:
        ds = cls(str(root), train=train, download=True)
    except (RuntimeError, OSError) as err:  # no files and no network
        raise RuntimeError(
            f"could not find or download {key} under {root} ({err}). Put torchvision's "
            f"{cls.__name__}/raw files there, or set {ENV_VAR} to a folder that has them."
        ) from err
    images = ds.data.unsqueeze(1).float().div_(255.0)
    return images, ds.targets.long()


def toy_dataset(n: int, seed: int = 0, size: int = 28) -> tuple[torch.Tensor, torch.Tensor]:
    """A 10-class image set generated in milliseconds, for tests and smoke runs.

    Class k is a bright bar through the centre at angle k * 18 degrees, with random
    thickness and length, so there is one discrete factor (the class) and continuous ones.
    """
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(10, (n,), generator=g)
    angle = labels.float() * math.pi / 10
    half_len = 6 + 6 * torch.rand(n, generator=g)
    width = 1.0 + 1.5 * torch.rand(n, generator=g)
    coords = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    yy, xx = torch.meshgrid(coords, coords, indexing="ij")
    cos, sin = angle.cos()[:, None, None], angle.sin()[:, None, None]
    along = xx * cos + yy * sin
    across = -xx * sin + yy * cos
    bar = torch.sigmoid(2 * (width[:, None, None] - across.abs())) \
        * torch.sigmoid(2 * (half_len[:, None, None] - along.abs()))
    return bar.unsqueeze(1), labels
