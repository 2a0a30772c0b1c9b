"""One version and two licences, stated consistently wherever a reader or a tool looks.

The version is defined once, as `infogan_lite.__version__`; pyproject.toml reads it from
there (setuptools' dynamic version). CITATION.cff, the cite page's BibTeX entry and the
site's footer repeat it, and CHANGELOG.md has a section for it: a release changes them
together (CONTRIBUTING.md, "Release procedure"), and these tests say which one was missed.
The code is MIT (LICENSE, the package's metadata); the text and figures are CC BY 4.0.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from infogan_lite import __version__

from scripts import tool

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.compile(r"\b\d+\.\d+\.\d+(?:[-.+]?\w+)*\b")
CHANGELOG_HEADING = re.compile(r"^## \[([^\]]+)\](?: - (.+))?$", re.M)
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BUMP = "update it with the release (CONTRIBUTING.md, 'Release procedure')"


def _pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def _changelog() -> dict[str, str | None]:
    """{version or 'Unreleased': its date, or None} for every `## [...]` heading."""
    return dict(CHANGELOG_HEADING.findall((ROOT / "CHANGELOG.md").read_text()))


# --- one version
def test_the_version_is_a_semantic_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__), __version__


def test_pyproject_reads_the_version_from_the_package():
    project = _pyproject()
    assert "version" not in project["project"], "pyproject.toml must not repeat the version"
    assert "version" in project["project"]["dynamic"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "infogan_lite.__version__"}


def test_citation_cff_carries_the_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert str(cff["version"]) == __version__, f"CITATION.cff says {cff['version']}: {BUMP}"


def test_the_cite_page_carries_the_version():
    entry = re.search(r"```bibtex\n(@software\{.*?)```", (ROOT / "book" / "cite.md").read_text(), re.S)
    assert entry, "book/cite.md has no @software BibTeX entry"
    version = re.search(r"version\s*=\s*\{([^}]*)\}", entry.group(1))
    assert version and version.group(1) == __version__, \
        f"book/cite.md cites version {version and version.group(1)}: {BUMP}"


def test_the_site_footer_carries_the_version_and_only_it():
    footer = _config()["html"]["extra_footer"]
    assert VERSION.findall(footer) == [__version__], \
        f"_config.yml html.extra_footer names {VERSION.findall(footer)}, not {__version__}: {BUMP}"


def test_the_changelog_dates_the_version_under_an_unreleased_section():
    sections = _changelog()
    assert __version__ in sections, f"CHANGELOG.md has no '## [{__version__}] - ...' section: {BUMP}"
    date = sections[__version__]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date or ""), \
        f"CHANGELOG.md: '## [{__version__}]' should end in ' - YYYY-MM-DD' (the release's date), not {date!r}"
    headings = list(sections)
    assert headings[0] == "Unreleased" and sections["Unreleased"] == "", \
        "CHANGELOG.md's first section is '## [Unreleased]', where later changes go"
    assert headings[1] == __version__, f"the newest release in CHANGELOG.md should be {__version__}"
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert str(cff.get("date-released")) == date, "CITATION.cff's date-released is the changelog's date"


def _links() -> dict[str, str]:
    text = (ROOT / "CHANGELOG.md").read_text()
    return dict(re.findall(r"^\[([^\]]+)\]: (\S+)$", text, re.M))


def test_the_changelog_versions_are_in_order_and_linked_to_what_exists():
    """A released version links to its tag; one released before the first tag (never
    tagged, as its section says) links to its last commit, and nothing links a tag that was
    never made."""
    text = (ROOT / "CHANGELOG.md").read_text()
    versions = [v for v in _changelog() if v != "Unreleased"]
    keys = [tuple(map(int, v.split("."))) for v in versions]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys), versions
    links, tagged = _links(), set()
    for version in versions:
        section = text.split(f"## [{version}]", 1)[1].split("\n## [", 1)[0]
        link = links.get(version, "")
        if "never tagged" in section:
            assert re.search(r"/tree/[0-9a-f]{7,40}$", link), \
                f"[{version}] was never tagged: link its last commit (/tree/<sha>), not {link!r}"
        else:
            assert link.endswith(f"/releases/tag/v{version}"), f"[{version}] should link its tag, not {link!r}"
            tagged.add(version)
    assert links.get("Unreleased", "").endswith(f"/compare/v{__version__}...HEAD")
    named = set(re.findall(r"\bv(\d+\.\d+\.\d+)\b", " ".join(links.values())))
    assert named <= tagged, f"CHANGELOG.md links tags that were never made: {sorted(named - tagged)}"


# --- two licences
def test_the_package_is_mit_with_its_licence_file():
    project = _pyproject()["project"]
    assert project["license"] == "MIT"
    assert "LICENSE" in project["license-files"]
    for name in project["license-files"]:
        assert (ROOT / name).exists(), f"license-files names {name}, which does not exist"
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Permission is hereby granted, free of charge" in text
    assert "Copyright (c) 2026 The InfoGAN from first principles authors" in text
    requires = _pyproject()["build-system"]["requires"]
    floor = re.fullmatch(r"setuptools>=(\d+)(?:\.\d+)*", next(r for r in requires if r.startswith("setuptools")))
    assert floor and int(floor.group(1)) >= 77, "PEP 639 licence metadata needs setuptools>=77"


def test_the_text_and_figures_are_cc_by_4_0():
    text = (ROOT / "LICENSE-CC-BY-4.0.md").read_text()
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in text
    assert "Creative Commons Attribution 4.0 International Public License" in text


def test_the_readme_and_the_footer_name_both_licences():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Licence", 1)
    assert len(section) == 2, "README.md needs a '## Licence' section"
    assert "(LICENSE)" in section[1] and "(LICENSE-CC-BY-4.0.md)" in section[1]
    footer = _config()["html"]["extra_footer"]
    assert "creativecommons.org/licenses/by/4.0" in footer and "/LICENSE" in footer


# --- what the Colab cells install
def _colab_pin():
    return tool("colab_pin")


def _released_tag(ref: str, where: str) -> None:
    """A release tag vX.Y.Z of this version, dated in CHANGELOG.md; never a branch."""
    pin = "python3 tools/colab_pin.py v" + __version__
    assert re.fullmatch(r"v\d+\.\d+\.\d+", ref), \
        f"{where} installs {ref!r}, a branch that moves: pin it to the release with `{pin}`"
    assert ref == f"v{__version__}", f"{where} installs {ref}, not this release: run `{pin}`"
    date = _changelog().get(ref[1:])
    assert date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date), \
        f"{where} installs {ref}, which CHANGELOG.md does not record as released"


def test_the_sites_colab_buttons_open_the_release_tag():
    """_config.yml's repository.branch makes the "Open in Colab" buttons' URLs."""
    _released_tag(_config()["repository"]["branch"], "_config.yml (repository.branch)")


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_every_notebooks_colab_cell_installs_the_release_tag(nb):
    refs = _colab_pin().notebook_refs(ROOT)[nb.name]
    assert len(refs) == 1, f"notebooks/{nb.name} has {len(refs)} install lines from the repository, not one"
    _released_tag(refs[0], f"notebooks/{nb.name}")


def test_the_pin_check_fails_on_a_branch(tmp_path):
    """The check above, on a copy whose cell installs main."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "_config.yml").write_text((ROOT / "_config.yml").read_text())
    url = _config()["repository"]["url"]
    (tmp_path / "notebooks" / "x.ipynb").write_text(f'"%pip install -q \\"infogan_lite @ git+{url}@main\\""')
    (ref,) = _colab_pin().notebook_refs(tmp_path)["x.ipynb"]
    with pytest.raises(AssertionError, match="a branch that moves"):
        _released_tag(ref, "x.ipynb")


def test_shipped_records_name_no_folder_of_the_machine_that_made_them():
    """Run folders in shipped reports and manifests are relative (runs/...), never a path
    of the machine that trained them."""
    import json
    import re

    package = Path(__file__).resolve().parents[1] / "infogan_lite"
    absolute = re.compile(r'"(/(?:root|home|work|tmp|Users)/[^"]*)"')
    found = {str(p.relative_to(package)): absolute.findall(p.read_text())
             for d in ("results", "pretrained") for p in (package / d).rglob("*.json")}
    assert not {k: v for k, v in found.items() if v}
