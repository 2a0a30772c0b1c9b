"""The paper's other data sets (Appendix C): SVHN, CelebA, 3D faces and chairs.

Each loader returns one tensor of images [N, C, H, W] as floats in [0, 1] and labels [N],
at the size of the paper's table, like ``data.load_dataset`` does for MNIST:

* ``svhn``: 32x32x3, torchvision downloads it into <root>/svhn; labels are the digits.
* ``celeba``: 32x32x3, torchvision downloads it into <root>/celeba (from Google Drive,
  which often refuses: then put the files there by hand). The aligned 178x218 photos are
  centre-cropped to 108x108, as in the common DCGAN recipe (the paper does not say),
  then resized; CelebA has no classes, so every label is 0.
* ``faces3d`` (32x32x1) and ``chairs`` (64x64x1): not downloadable here; put the images
  in <root>/faces3d or <root>/chairs (see ``FOLDERS`` for the sources). Any layout works:
  every PNG or JPEG below the folder is read, converted to grey, centre-cropped to a
  square and resized; images in the same first-level sub-folder share a label.

Big sets are decoded once and cached next to the images as uint8 (``*.infogan_lite.pt``).
Memory: SVHN's 73,257 training images take 0.9 GB as float32, CelebA's 162,770 take 2 GB.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
TEST_EVERY = 10            # folder sets: every 10th image (in sorted order) is the test split

FOLDERS = {  # name: (image side, where the images come from)
    "faces3d": (32, "InfoGAN's 3D faces (section 7.3) are renderings of the Basel Face Model "
                    "(Paysan et al., 2009) under varied pose and lighting. The model is "
                    "distributed by the University of Basel to registered users; neither "
                    "torchvision nor this package ships the renderings."),
    "chairs": (64, "InfoGAN's chairs (section 7.3) are the rendered chairs of Aubry et al. "
                   "(2014), 'Seeing 3D chairs': 1,393 chair models, each rendered from 62 "
                   "viewpoints, published by the authors with their paper; torchvision "
                   "does not ship them."),
}


def load_paper_dataset(key: str, train: bool, root: Path):
    """Dispatch for ``data.load_dataset``: (images float32 in [0, 1], labels int64)."""
    if key == "svhn":
        images, labels = _svhn(train, root)
    elif key == "celeba":
        images, labels = _celeba(train, root)
    else:
        images, labels = image_folder(key, train, root)
    return images.float().div_(255.0), labels


def _offline_error(name: str, folder: Path, files: str, err: Exception) -> RuntimeError:
    return RuntimeError(
        f"could not download {name} to {folder} ({err}): no network? Put {files} in {folder} "
        f"yourself, or pass root= (or set INFOGAN_LITE_DATA) to the folder above it.")


def _svhn(train: bool, root: Path):
    from torchvision import datasets

    folder = root / "svhn"
    try:
        ds = datasets.SVHN(str(folder), split="train" if train else "test", download=True)
    except (RuntimeError, OSError) as err:
        raise _offline_error("SVHN", folder, "train_32x32.mat and test_32x32.mat", err) from err
    return torch.from_numpy(ds.data), torch.from_numpy(ds.labels).long()


def _celeba(train: bool, root: Path, size: int = 32, crop: int = 108):
    from torchvision import datasets, transforms

    split = "train" if train else "test"
    cache = root / "celeba" / f"{split}_{size}px.infogan_lite.pt"
    if cache.exists():
        images = torch.load(cache)
        return images, torch.zeros(len(images), dtype=torch.long)
    tf = transforms.Compose([transforms.CenterCrop(crop), transforms.Resize(size),
                             transforms.PILToTensor()])
    try:
        ds = datasets.CelebA(str(root), split=split, target_type=[], transform=tf, download=True)
    except (RuntimeError, OSError) as err:
        raise _offline_error("CelebA", root / "celeba", "img_align_celeba/, list_eval_partition.txt, "
                             "identity_CelebA.txt and the list_{attr,bbox,landmarks_align}"
                             "_celeba.txt files", err) from err
    images = torch.stack([ds[i][0] for i in tqdm(range(len(ds)), desc=f"CelebA {split}")])
    torch.save(images, cache)
    return images, torch.zeros(len(images), dtype=torch.long)


def image_folder(key: str, train: bool, root: Path):
    """uint8 images [N, 1, s, s] and labels [N] from every image below <root>/<key>."""
    size, source = FOLDERS[key]
    folder = root / key
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES) \
        if folder.is_dir() else []
    if not files:
        raise FileNotFoundError(
            f"no {key} images (PNG or JPEG) under {folder}. {source} Put the images anywhere "
            f"below {folder} (any size: they become grey {size}x{size}; images in the same "
            f"first-level sub-folder share a label), or pass root= (or set INFOGAN_LITE_DATA) "
            f"to the folder that holds {key}/.")
    groups = sorted({_group(p, folder) for p in files})
    chosen = [p for i, p in enumerate(files) if (i % TEST_EVERY == 0) != train]
    labels = torch.tensor([groups.index(_group(p, folder)) for p in chosen], dtype=torch.long)
    names = [str(p.relative_to(folder)) for p in chosen]
    cache = folder / f"{'train' if train else 'test'}_{size}px.infogan_lite.pt"
    if cache.exists():
        saved = torch.load(cache)
        if saved["files"] == names:
            return saved["images"], labels
    images = torch.stack([_read_grey(p, size)
                          for p in tqdm(chosen, desc=key, disable=len(chosen) < 1000)])
    torch.save({"files": names, "images": images}, cache)
    return images, labels


def _group(path: Path, folder: Path) -> str:
    parts = path.relative_to(folder).parts
    return parts[0] if len(parts) > 1 else ""


def _read_grey(path: Path, size: int) -> torch.Tensor:
    """One image as uint8 [1, size, size]: grey, centre square, resized with antialiasing."""
    from PIL import Image

    with Image.open(path) as img:
        img = img.convert("L")
        side = min(img.size)
        left, top = (img.size[0] - side) // 2, (img.size[1] - side) // 2
        img = img.crop((left, top, left + side, top + side))
        img = img.resize((size, size), Image.LANCZOS)
    return torch.from_numpy(np.asarray(img, dtype=np.uint8).copy())[None]
