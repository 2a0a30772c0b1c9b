"""A version tag makes a release: .github/workflows/release.yml builds, checks and publishes.

On a tag vX.Y.Z the workflow builds the sdist and the wheel, checks that the tag names the
built version, runs `twine check`, installs the wheel into a clean venv and imports it,
attaches both files to the tag's GitHub Release, and publishes them on PyPI by trusted
publishing: an OIDC token (`id-token: write`) in the environment `pypi`, no stored secret.
CONTRIBUTING.md, "Release procedure", says how PyPI and GitHub are set up for it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / ".github" / "workflows" / "release.yml"
# The oldest major version of each action the release may use (see tests/test_workflow.py).
MAJOR_FLOORS = {"actions/checkout": 7, "actions/setup-python": 7, "actions/upload-artifact": 5,
                "actions/download-artifact": 6}
PYPI_PUBLISH = "pypa/gh-action-pypi-publish"


@pytest.fixture(scope="module")
def release() -> dict:
    assert RELEASE.exists(), f"{RELEASE.relative_to(ROOT)} is missing"
    return yaml.safe_load(RELEASE.read_text())


def _job(release: dict, name: str) -> dict:
    assert name in release["jobs"], f"release.yml has no {name!r} job"
    return release["jobs"][name]


def _runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in job["steps"])


def _uses(job: dict) -> list[str]:
    return [s["uses"] for s in job["steps"] if "uses" in s]


def test_it_runs_on_version_tags_only(release):
    on = release.get("on", release.get(True))   # YAML 1.1 reads `on` as True
    assert on == {"push": {"tags": ["v*"]}}, on
    assert release["permissions"] == {"contents": "read"}


def test_build_makes_both_files_and_checks_the_tag_names_their_version(release):
    runs = _runs(_job(release, "build"))
    assert "python3 -m build" in runs
    assert 'version="${GITHUB_REF_NAME#v}"' in runs
    assert 'dist/infogan_lite-$version.tar.gz' in runs and 'dist/infogan_lite-$version-py3-none-any.whl' in runs
    assert re.search(r"twine check --strict dist/\*", runs)


def test_build_installs_the_wheel_into_a_clean_venv_and_imports_it(release):
    runs = _runs(_job(release, "build"))
    venv = re.search(r"python3 -m venv (\S+)", runs)
    assert venv, "the wheel is installed into a venv of its own"
    clean = venv.group(1).strip('"')
    assert f'{clean}/bin/python" -m pip install dist/*.whl' in runs
    assert "import infogan_lite" in runs and "load_pretrained('mnist')" in runs, \
        "import the installed wheel and load its shipped weights"
    order = [runs.index(s) for s in ("python3 -m build", "twine check", "pip install dist/*.whl")]
    assert order == sorted(order)


def test_both_files_go_to_the_github_release(release):
    build, github = _job(release, "build"), _job(release, "github")
    assert any(u.startswith("actions/upload-artifact@") for u in _uses(build))
    assert github["needs"] == "build" and github["permissions"] == {"contents": "write"}
    assert any(u.startswith("actions/download-artifact@") for u in _uses(github))
    assert re.search(r'gh release create "\$GITHUB_REF_NAME" dist/\* ', _runs(github))
    assert "CHANGELOG.md" in _runs(github), "the release notes are the tag's changelog section"


def test_pypi_is_published_by_trusted_publishing(release):
    pypi = _job(release, "pypi")
    assert pypi["needs"] == "build"
    assert pypi["permissions"] == {"id-token": "write"}, "trusted publishing needs only id-token: write"
    assert pypi["environment"]["name"] == "pypi"
    (publish,) = [s for s in pypi["steps"] if s.get("uses", "").startswith(PYPI_PUBLISH + "@")]
    assert publish["uses"] == f"{PYPI_PUBLISH}@release/v1"
    assert not {"password", "user"} & set(publish.get("with", {})), "no stored token: OIDC only"


def test_only_the_jobs_that_publish_can_write(release):
    writers = {name for name, job in release["jobs"].items() if "write" in str(job.get("permissions", ""))}
    assert writers == {"github", "pypi"}


def test_every_action_is_on_a_current_major_version(release):
    for job in release["jobs"].values():
        for uses in _uses(job):
            action, _, ref = uses.partition("@")
            if action == PYPI_PUBLISH:
                continue
            assert action in MAJOR_FLOORS, f"{uses}: add its current major to MAJOR_FLOORS"
            major = re.fullmatch(r"v(\d+)(?:\.\d+)*", ref)
            assert major and int(major.group(1)) >= MAJOR_FLOORS[action], f"{uses} is too old"


def test_contributing_documents_the_trusted_publisher_and_the_steps():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    section = text.split("## Release procedure", 1)[1]
    for needed in ("trusted publisher", "release.yml", "environment", "`pypi`", "git tag -a vX.Y.Z",
                   "tools/colab_pin.py vX.Y.Z"):
        assert needed in section, f"CONTRIBUTING.md's release procedure should mention {needed!r}"
