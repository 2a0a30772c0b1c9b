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

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.compile(r"\b\d+\.\d+\.\d+(?:[-.+]?\w+)*\b")
CHANGELOG_HEADING = re.compile(r"^## \[([^\]]+)\](?: - (.+))?$", re.M)
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


def test_the_changelog_has_a_section_for_the_version():
    sections = _changelog()
    assert __version__ in sections, f"CHANGELOG.md has no '## [{__version__}] - ...' section: {BUMP}"
    date = sections[__version__]
    assert date == "Unreleased" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", date or ""), \
        f"CHANGELOG.md: '## [{__version__}]' should end in ' - YYYY-MM-DD' or ' - Unreleased', not {date!r}"
    released = [v for v in sections if v != "Unreleased"]
    assert released[0] == __version__, f"the newest section of CHANGELOG.md should be {__version__}"
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    if "date-released" in cff:
        assert str(cff["date-released"]) == date, "CITATION.cff's date-released is the changelog's date"


def test_the_changelog_versions_are_in_order_and_linked():
    text = (ROOT / "CHANGELOG.md").read_text()
    versions = [v for v in _changelog() if v != "Unreleased"]
    keys = [tuple(map(int, v.split("."))) for v in versions]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys), versions
    for version in versions:
        assert re.search(rf"^\[{re.escape(version)}\]: https://\S+v{re.escape(version)}$", text, re.M), \
            f"CHANGELOG.md needs a link line for [{version}]"


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
def test_a_pin_to_a_release_tag_names_a_released_version():
    """A release commit pins the Colab buttons and install cells to its own tag
    (tools/colab_pin.py vX.Y.Z); tests/test_colab.py checks that the cells follow
    _config.yml. A pinned tag must be a release that CHANGELOG.md dates."""
    branch = _config()["repository"]["branch"]
    tag = re.fullmatch(r"v(\d+\.\d+\.\d+)", branch)
    if not tag:
        assert branch == "main", f"_config.yml's repository.branch is {branch!r}: main, or a tag vX.Y.Z"
        return
    date = _changelog().get(tag.group(1))
    assert date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date), \
        f"the notebooks install {branch}, which CHANGELOG.md does not record as released"


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
