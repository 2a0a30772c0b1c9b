"""Link hygiene: the list of external links is complete, and checking them needs no network.

Internal links, cross-references and citations are the build's job: `python3 dev.py book`
runs Sphinx with --nitpick and --warningiserror, and _config.yml keeps nitpicky on, so a
broken one fails the build. External links are listed by tools/linkcheck.py and checked
by `python3 dev.py links`, which must pass quietly on a machine without internet.
"""
from __future__ import annotations

import http.server
import inspect
import json
import re
import threading
from pathlib import Path

import pytest
import yaml

from scripts import load_script

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path):
    return load_script(path, name)


linkcheck = _load("linkcheck", ROOT / "tools" / "linkcheck.py")


def _raw_links(text: str) -> set[str]:
    """A deliberately different scan: anything from http(s):// up to a space or a bracket."""
    return {m.rstrip(".,;:") for m in re.findall(r"https?://[^\s)\]>\"'`{}]+", text)}


def test_every_link_in_the_chapters_and_notebooks_is_listed():
    listed = set(linkcheck.external_links())
    sources = {md: md.read_text() for md in (ROOT / "book").glob("*.md")}
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        sources[nb] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    missing = {f"{path.name}: {url}" for path, text in sources.items()
               for url in _raw_links(text) - listed}
    assert not missing, f"links missing from tools/linkcheck.py's list: {sorted(missing)}"


def test_the_site_buttons_are_listed():
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    listed = linkcheck.external_links()
    assert repo["url"] in listed
    first = sorted((ROOT / "notebooks").glob("*.ipynb"))[0].name
    assert f"{repo['url']}/blob/{repo['branch']}/notebooks/{first}" in listed


def test_the_list_reads_prose_markdown_cells_and_bibtex_but_not_code(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "book" / "ch.md").write_text(
        "See [the paper](https://arxiv.org/abs/1606.03657). Also https://example.org/a_(b).\n")
    (tmp_path / "book" / "refs.bib").write_text(
        "@article{x, doi = {10.1000/182}, url = {https://example.org/paper.pdf}}\n")
    cells = [{"cell_type": "markdown", "source": ["Data: <https://example.org/data>"]},
             {"cell_type": "code", "source": ["%pip install git+https://example.org/code"]}]
    (tmp_path / "notebooks" / "01_x.ipynb").write_text(json.dumps({"cells": cells}))
    (tmp_path / "_config.yml").write_text(
        "title: t\nrepository:\n  url: https://github.com/o/r\n  branch: dev\n")
    links = linkcheck.external_links(tmp_path)
    assert set(links) == {
        "https://arxiv.org/abs/1606.03657", "https://example.org/a_(b)",
        "https://doi.org/10.1000/182", "https://example.org/paper.pdf",
        "https://example.org/data", "https://github.com/o/r",
        "https://github.com/o/r/blob/dev/notebooks/01_x.ipynb",
        "https://colab.research.google.com/github/o/r/blob/dev/notebooks/01_x.ipynb",
    }
    assert links["https://example.org/data"] == ["notebooks/01_x.ipynb"]


def test_without_a_network_the_check_is_skipped_and_passes(monkeypatch, capsys):
    # Port 9 on the loopback address: nothing listens, so the probe fails at once.
    monkeypatch.setattr(linkcheck, "PROBE_URL", "http://127.0.0.1:9/")
    monkeypatch.setattr(linkcheck, "check", lambda url: pytest.fail(f"checked {url} while offline"))
    assert linkcheck.main([]) == 0
    assert "skipped: no network" in capsys.readouterr().out


@pytest.fixture
def local_server():
    """A web server on the loopback address that knows one page, /ok."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.send_response(200 if self.path == "/ok" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_with_a_network_broken_links_fail_the_check(local_server, monkeypatch, capsys):
    assert linkcheck.online(f"{local_server}/missing"), "any HTTP answer means a network"
    assert linkcheck.check(f"{local_server}/ok") is None
    assert linkcheck.check(f"{local_server}/missing") == "HTTP 404"
    monkeypatch.setattr(linkcheck, "PROBE_URL", local_server)
    monkeypatch.setattr(linkcheck, "external_links",
                        lambda: {f"{local_server}/ok": ["a.md"], f"{local_server}/gone": ["b.md"]})
    assert linkcheck.main([]) == 1
    out = capsys.readouterr().out
    assert "BROKEN" in out and "/gone" in out and "1 of 2 external links answer" in out


def test_dev_py_pdf_without_tex_names_the_apt_packages_and_installs_nothing(monkeypatch):
    dev = _load("dev", ROOT / "dev.py")
    monkeypatch.setattr(dev.shutil, "which", lambda tool: None)
    monkeypatch.setattr(dev, "setup", lambda: pytest.fail("set up an environment without TeX"))
    with pytest.raises(SystemExit) as stop:
        dev.pdf()
    message = str(stop.value)
    assert "xelatex" in message and "apt-get install" in message and "texlive-xetex" in message
    assert callable(dev.links)


def test_the_build_stays_nitpicky_and_strict():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["sphinx"]["config"].get("nitpicky") is True, "_config.yml must keep nitpicky on"
    book = inspect.getsource(_load("dev", ROOT / "dev.py").book)
    assert "--warningiserror" in book and "--nitpick" in book, "dev.py book must build with -W -n"
