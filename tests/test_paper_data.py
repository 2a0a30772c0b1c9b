"""The paper's other data sets: clear errors without the files, and the folder loader."""
import numpy as np
import pytest
import torch
from PIL import Image

from infogan_lite.data import load_dataset


@pytest.mark.parametrize("name, source", [("faces3d", "Basel Face Model"), ("chairs", "Aubry")])
def test_missing_folder_sets_say_where_to_get_them(tmp_path, name, source):
    with pytest.raises(FileNotFoundError, match=f"no {name} images.*{source}.*INFOGAN_LITE_DATA"):
        load_dataset(name, root=tmp_path)


def _write_pngs(folder, n, shade, size=(48, 40)):
    folder.mkdir(parents=True)
    for i in range(n):
        Image.fromarray(np.full(size[::-1] + (3,), shade + i, dtype=np.uint8)).save(folder / f"{i:03}.png")


@pytest.mark.parametrize("name, side", [("faces3d", 32), ("chairs", 64)])
def test_a_folder_of_pngs_loads_as_grey_squares_with_subfolder_labels(tmp_path, name, side):
    _write_pngs(tmp_path / name / "a" / "renders", 12, 10)
    _write_pngs(tmp_path / name / "b", 8, 200)
    x, y = load_dataset(name, root=tmp_path)
    x_test, y_test = load_dataset(name, train=False, root=tmp_path)
    assert x.shape == (18, 1, side, side) and x_test.shape == (2, 1, side, side)
    assert x.dtype == torch.float32 and 0 <= x.min() and x.max() <= 1
    assert torch.bincount(torch.cat([y, y_test])).tolist() == [12, 8]       # a -> 0, b -> 1
    # each PNG is one flat grey (shade + i) / 255, and stays flat when resized to a square
    every = torch.cat([x, x_test])
    assert torch.equal(every.amin((1, 2, 3)), every.amax((1, 2, 3)))
    shades = sorted(round(v * 255) for v in every[:, 0, 0, 0].tolist())
    assert shades == [10 + i for i in range(12)] + [200 + i for i in range(8)]
    assert torch.allclose(x[y == 1].amin(), torch.tensor(200 / 255))       # grey level kept
    assert list(tmp_path.joinpath(name).glob("*.infogan_lite.pt"))          # cached
    assert torch.equal(load_dataset(name, root=tmp_path)[0], x)             # from the cache


@pytest.mark.parametrize("name, cls", [("svhn", "SVHN"), ("celeba", "CelebA")])
def test_offline_download_is_a_clear_error(tmp_path, monkeypatch, name, cls):
    import torchvision.datasets as tvd

    def offline(*args, **kwargs):
        raise OSError("<urlopen error [Errno -3] Temporary failure in name resolution>")

    monkeypatch.setattr(getattr(tvd, cls), "download", offline)
    with pytest.raises(RuntimeError, match=f"could not download {cls} to .*no network"):
        load_dataset(name, root=tmp_path)
