"""The GitHub Actions workflow publishes what the README's commands build.

.github/workflows/book.yml must run the README's two commands verbatim (parsed from
README.md here, never copied), upload the folder the book command builds into, and
deploy from the branch _config.yml names, so the site's Colab and repository buttons
point at the code that was published.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


def _readme_commands() -> list[tuple[str, str]]:
    """(command, comment) for each line of the first shell block under 'The two commands'."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## The two commands", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    lines = [line.partition("#") for line in block.splitlines() if line.strip()]
    return [(cmd.strip(), comment.strip()) for cmd, _, comment in lines]


@pytest.fixture(scope="module")
def readme():
    (book, book_note), (test, _) = _readme_commands()[:2]
    html = re.search(r"into (\S+)", book_note)
    assert html, f"the README's book command should say where it builds the site: {book_note!r}"
    return {"book": book, "test": test, "html": html.group(1).rstrip("/.")}


@pytest.fixture(scope="module")
def workflow():
    assert WORKFLOW.exists(), f"{WORKFLOW.relative_to(ROOT)} is missing"
    return yaml.safe_load(WORKFLOW.read_text())


@pytest.fixture(scope="module")
def repository():
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]


def _triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    return workflow.get("on", workflow.get(True))


def _steps(workflow: dict, job: str) -> list[dict]:
    assert job in workflow["jobs"], f"the workflow has no {job!r} job"
    return workflow["jobs"][job]["steps"]


def _uses(steps: list[dict], action: str) -> list[dict]:
    return [s for s in steps if s.get("uses", "").split("@")[0] == action]


def _runs(steps: list[dict]) -> list[str]:
    return [line.strip() for s in steps for line in s.get("run", "").splitlines() if line.strip()]


def test_readme_names_the_book_command_then_the_test_command(readme):
    assert readme["book"].endswith(" book") and readme["test"].endswith(" test"), readme
    assert readme["html"].endswith("html")


def test_it_runs_on_push_to_the_published_branch_and_by_hand(workflow, repository):
    on = _triggers(workflow)
    assert on["push"]["branches"] == [repository["branch"]], \
        f"the site is built from branch {repository['branch']!r} (_config.yml)"
    assert "workflow_dispatch" in on


def test_the_build_job_runs_exactly_the_readmes_book_command(workflow, readme):
    steps = _steps(workflow, "build")
    assert _uses(steps, "actions/checkout") and _uses(steps, "actions/setup-python")
    assert readme["book"] in _runs(steps), f"build should run {readme['book']!r}, runs {_runs(steps)}"


def test_the_pages_artifact_is_the_folder_the_book_command_builds(workflow, readme):
    (upload,) = _uses(_steps(workflow, "build"), "actions/upload-pages-artifact")
    assert upload["with"]["path"].rstrip("/") == readme["html"], \
        f"Pages would publish {upload['with']['path']}, but the book is built into {readme['html']}"
    names = [s.get("uses", s.get("run", "")) for s in _steps(workflow, "build")]
    assert names.index(readme["book"]) < names.index(upload["uses"]), "upload after the build"


def test_the_test_job_runs_the_readmes_test_command_with_chromium_and_cached_mnist(workflow, readme):
    steps = _steps(workflow, "test")
    runs = _runs(steps)
    assert readme["test"] in runs, f"test should run {readme['test']!r}, runs {runs}"
    installs = " ".join(line for line in runs if "apt-get install" in line).split()
    assert {"chromium", "chromium-driver"} <= set(installs), "the browser tests need Debian's chromium"
    caches = [s["with"] for s in _uses(steps, "actions/cache")]
    mnist = [c for c in caches if "infogan_lite/data" in c["path"]]
    assert mnist and "${{" not in mnist[0]["key"], "MNIST is cached under a constant key"


def test_deploy_publishes_to_pages_after_build_and_test(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert {"build", "test"} <= set(deploy["needs"])
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert _uses(deploy["steps"], "actions/deploy-pages")


def test_no_other_job_can_write(workflow):
    assert workflow["permissions"] == {"contents": "read"}
    writers = [name for name, job in workflow["jobs"].items()
               if name != "deploy" and "write" in str(job.get("permissions", ""))]
    assert not writers, f"only deploy needs write permissions, not {writers}"


def test_the_repository_settings_resolve_to_one_github_repository(repository):
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repository["url"]), repository["url"]
    assert repository["path_to_book"] == "", "the book root is the repository root"
    readme = (ROOT / "README.md").read_text()
    owner, name = repository["url"].rsplit("/", 2)[-2:]
    assert repository["url"] in readme, "the README should link the repository of _config.yml"
    assert f"https://{owner}.github.io/{name}/" in readme, "the README should link the published site"
