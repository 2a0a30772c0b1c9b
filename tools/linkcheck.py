"""The book's external links: listed from the sources, and checked when there is a network.

    python3 dev.py links            # check every link (skips cleanly when offline)
    python3 tools/linkcheck.py --list   # only print the list, with where each link appears

The list is generated, so it cannot drift from the text: every http(s) link in book/*.md,
in the notebooks' markdown cells, in README.md and in book/references.bib (url and doi
fields), plus the links the site's buttons point to (the repository of _config.yml and
each notebook's Colab page). Internal links, cross-references and citations are checked
by the book build itself (`jupyter-book build --nitpick --warningiserror`).

Standard library only, so it runs before the virtual environment exists.
"""
from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE_URL = "https://github.com"   # where the repository, and so most links, live
PROBE_TIMEOUT = 5                  # seconds; a machine without internet fails at once or here
TIMEOUT = 20
USER_AGENT = "infogan-from-first-principles-linkcheck/1.0 (+python urllib)"
URL = re.compile(r"https?://[^\s<>\[\]\"'`{}|\\]+")


def _clean(url: str) -> str:
    """Drop what a sentence or markdown wraps around a link: trailing punctuation, a ')'."""
    url = url.rstrip(".,;:!?*_")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(".,;:!?*_")
    return url


def urls_in(text: str) -> list[str]:
    return [_clean(m) for m in URL.findall(text)]


def _markdown_cells(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def _bib_links(bib: Path) -> list[str]:
    text = bib.read_text(encoding="utf-8")
    fields = re.findall(r"\b(url|doi)\s*=\s*[{\"]([^}\"]+)[}\"]", text, re.I)
    return [v.strip() if k.lower() == "url" else f"https://doi.org/{v.strip()}" for k, v in fields]


def _config_value(key: str, text: str) -> str | None:
    """One `key: value` of _config.yml's repository block, read without a YAML parser."""
    block = re.search(r"^repository:\n((?:[ \t]+.*\n?)+)", text, re.M)
    value = block and re.search(rf"^\s+{key}:\s*(\S+)", block.group(1), re.M)
    return value.group(1).strip("\"'") if value else None


def _button_links(root: Path) -> list[tuple[str, str]]:
    """The repository and Colab links the theme adds to every page, from _config.yml."""
    config = (root / "_config.yml").read_text(encoding="utf-8")
    url, branch = _config_value("url", config), _config_value("branch", config) or "main"
    if not url:
        return []
    repo = url.rstrip("/").removeprefix("https://github.com/")
    links = [(url, "_config.yml (repository button)")]
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        colab = f"https://colab.research.google.com/github/{repo}/blob/{branch}/notebooks/{nb.name}"
        links.append((colab, f"_config.yml (Colab button of {nb.name})"))
        # Colab answers any address; whether the notebook is there is GitHub's answer.
        links.append((f"{url.rstrip('/')}/blob/{branch}/notebooks/{nb.name}",
                      f"_config.yml (the notebook Colab opens for {nb.name})"))
    return links


def external_links(root: Path = ROOT) -> dict[str, list[str]]:
    """Every external link of the book, mapped to the files it appears in (sorted)."""
    found: dict[str, list[str]] = {}

    def add(url: str, where: str) -> None:
        found.setdefault(url, [])
        if where not in found[url]:
            found[url].append(where)

    for md in sorted((root / "book").rglob("*.md")) + [root / "README.md"]:
        if md.exists() and "_static" not in md.parts:
            for url in urls_in(md.read_text(encoding="utf-8")):
                add(url, str(md.relative_to(root)))
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        for url in urls_in(_markdown_cells(nb)):
            add(url, str(nb.relative_to(root)))
    for bib in sorted((root / "book").glob("*.bib")):
        for url in _bib_links(bib):
            add(url, str(bib.relative_to(root)))
    for url, where in _button_links(root):
        add(url, where)
    return dict(sorted(found.items()))


def _request(url: str, method: str, timeout: float) -> int:
    req = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as response:
        return response.status


def online(probe: str | None = None, timeout: float = PROBE_TIMEOUT) -> bool:
    """One HEAD request: any HTTP answer means there is a network, no answer means there is not."""
    try:
        _request(probe or PROBE_URL, "HEAD", timeout)
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False
    return True


def check(url: str) -> str | None:
    """None when the link answers; else what went wrong. Servers that refuse HEAD get a GET."""
    try:
        try:
            _request(url, "HEAD", TIMEOUT)
        except urllib.error.HTTPError as err:
            if err.code not in (403, 405, 501):
                raise
            _request(url, "GET", TIMEOUT)
    except urllib.error.HTTPError as err:
        return None if err.code == 429 else f"HTTP {err.code}"  # 429: rate-limited, not broken
    except (urllib.error.URLError, OSError) as err:
        return str(getattr(err, "reason", err))
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    links = external_links()
    if "--list" in argv:
        for url, where in links.items():
            print(f"{url}\t{', '.join(where)}")
        return 0
    if not online():
        print(f"skipped: no network ({PROBE_URL} did not answer within {PROBE_TIMEOUT} s); "
              f"{len(links)} external links not checked")
        return 0
    broken = {}
    for url, where in links.items():
        problem = check(url)
        if problem:
            broken[url] = problem
            print(f"BROKEN {url}  ({problem}; in {', '.join(where)})", flush=True)
        else:
            print(f"ok     {url}", flush=True)
    print(f"{len(links) - len(broken)} of {len(links)} external links answer")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
