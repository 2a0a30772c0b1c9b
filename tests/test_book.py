"""The built site (python3 dev.py book): every notebook page links to itself in Colab."""
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def repo_url():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["repository"]["url"].removeprefix("https://github.com/"), config["repository"]["branch"]


def _page(nb: Path) -> str:
    page = HTML / "notebooks" / f"{nb.stem}.html"
    if not page.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{page} was not built: run python3 dev.py book first")
        pytest.skip("the site is not built (python3 dev.py book)")
    return page.read_text()


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_every_notebook_page_opens_its_own_notebook_in_colab(nb, repo_url):
    repo, branch = repo_url
    expected = f"https://colab.research.google.com/github/{repo}/blob/{branch}/notebooks/{nb.name}"
    links = re.findall(r'href="(https://colab\.research\.google\.com/[^"]+)"', _page(nb))
    assert expected in links, f"{nb.stem}.html links to {links}, not {expected}"


def test_every_notebook_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    missing = [nb.stem for nb in NOTEBOOKS if f"notebooks/{nb.stem}" not in toc]
    assert not missing, f"notebooks missing from _toc.yml: {missing}"


# The Colab install cell and the notebooks' imports are checked in test_colab.py.
