"""The GitHub Actions workflow publishes what the README's commands build.

.github/workflows/book.yml must run the README's two commands verbatim (parsed from
README.md here, never copied), upload the folder the book command builds into, and
deploy from the branch _config.yml names, so the site's Colab and repository buttons
point at the code that was published. Both jobs install the CPU build of PyTorch into the
environment dev.py completes; the build job adds the PDF edition (dev.py's TeX packages)
to the site; .github/dependabot.yml watches the actions, the Python packages and the
vendored npm packages.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"
CPU_TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
# The oldest major version of each action the workflow may use: the current ones on
# 2026-12-02 (Node 24 runtimes). Dependabot's later bumps pass; a step back fails.
ACTION_MAJOR_FLOORS = {"actions/checkout": 7, "actions/setup-python": 7, "actions/cache": 6,
                       "actions/upload-pages-artifact": 5, "actions/deploy-pages": 5}


def _load(name: str, path: Path):
    return load_script(path, name)


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


@pytest.fixture(scope="module")
def published_branch(repository):
    """The branch the site is built from: _config.yml's branch, or main while a release commit
    pins the Colab buttons and install cells to its tag vX.Y.Z (tools/colab_pin.py)."""
    branch = repository["branch"]
    return "main" if re.fullmatch(r"v\d+\.\d+\.\d+", branch) else branch


@pytest.fixture(scope="module")
def dev():
    return _load("dev", ROOT / "dev.py")


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


def test_it_runs_on_push_to_the_published_branch_and_by_hand(workflow, published_branch):
    on = _triggers(workflow)
    assert on["push"]["branches"] == [published_branch], \
        f"the site is built from branch {published_branch!r} (_config.yml)"
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


def test_a_pull_request_runs_the_jobs_but_only_main_deploys(workflow, published_branch):
    assert "pull_request" in _triggers(workflow)
    condition = workflow["jobs"]["deploy"].get("if", "")
    assert "github.event_name != 'pull_request'" in condition
    assert f"github.ref == 'refs/heads/{published_branch}'" in condition
    assert workflow["jobs"]["deploy"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}


@pytest.mark.parametrize("job", ["build", "test"])
def test_both_jobs_put_the_cpu_build_of_torch_into_dev_pys_venv_first(workflow, readme, dev, job):
    """dev.py creates .venv only when it is missing and then installs the project into it,
    where the torch already there satisfies `torch>=...`: the CPU build must come first."""
    steps = _steps(workflow, job)
    venv = dev.VENV.relative_to(ROOT).as_posix()
    command = readme["book"] if job == "build" else readme["test"]
    runs = [s.get("run", "") for s in steps]
    (cpu,) = [i for i, run in enumerate(runs) if CPU_TORCH_INDEX in run]
    assert f"python3 -m venv {venv}" in runs[cpu], runs[cpu]
    install = next(line for line in runs[cpu].splitlines() if CPU_TORCH_INDEX in line)
    assert install.split()[0] == f"{venv}/bin/python" and f"--index-url {CPU_TORCH_INDEX}" in install
    assert {"torch", "torchvision"} <= set(install.split()), install
    assert cpu < runs.index(command), f"{job}: install the CPU torch before {command!r}"


def test_every_action_is_on_a_current_major_version(workflow):
    used = [s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s]
    for uses in used:
        action, _, ref = uses.partition("@")
        assert action in ACTION_MAJOR_FLOORS, f"{uses}: add its current major to ACTION_MAJOR_FLOORS"
        major = re.fullmatch(r"v(\d+)(?:\.\d+)*", ref)
        assert major and int(major.group(1)) >= ACTION_MAJOR_FLOORS[action], \
            f"{uses} is older than v{ACTION_MAJOR_FLOORS[action]}"


def test_the_pip_caches_follow_the_pinned_toolchain(workflow):
    (setup,) = _uses(_steps(workflow, "build"), "actions/setup-python")
    assert set(setup["with"]["cache-dependency-path"].split()) == {"pyproject.toml", "constraints-book.txt"}
    (pip,) = [c["with"] for c in _uses(_steps(workflow, "test"), "actions/cache")
              if c["with"]["path"] == "~/.cache/pip"]
    assert "constraints-book.txt" in pip["key"] and "pyproject.toml" in pip["key"]


def test_the_build_job_adds_the_pdf_edition_to_the_site(workflow, readme, dev):
    steps = _steps(workflow, "build")
    runs = _runs(steps)
    installs = " ".join(line for line in runs if "apt-get install" in line).split()
    assert set(dev.TEX_PACKAGES) <= set(installs), "install the TeX packages dev.py pdf names"
    target = yaml.safe_load((ROOT / "_config.yml").read_text())["latex"]["latex_documents"]["targetname"]
    pdf = f"_build/latex/{Path(target).stem}.pdf"
    assert "python3 dev.py pdf" in runs
    copy = [line for line in runs if line.startswith("cp ") and pdf in line]
    assert copy and copy[0].split()[-1].rstrip("/") == readme["html"], f"copy {pdf} into {readme['html']}"
    order = [s.get("uses", s.get("run", "")).strip() for s in steps]
    upload = _uses(steps, "actions/upload-pages-artifact")[0]["uses"]
    assert order.index("python3 dev.py pdf") < order.index(copy[0]) < order.index(upload)


def test_the_site_and_readme_link_the_published_pdf(repository):
    owner, name = repository["url"].rsplit("/", 2)[-2:]
    target = yaml.safe_load((ROOT / "_config.yml").read_text())["latex"]["latex_documents"]["targetname"]
    url = f"https://{owner}.github.io/{name}/{Path(target).stem}.pdf"
    assert url in (ROOT / "book" / "intro.md").read_text(), "the first page should link the PDF"
    assert url in (ROOT / "README.md").read_text(), "the README should link the PDF"


def test_the_site_has_its_address_and_an_issues_button(repository):
    html = yaml.safe_load((ROOT / "_config.yml").read_text())["html"]
    owner, name = repository["url"].rsplit("/", 2)[-2:]
    assert html["baseurl"] == f"https://{owner}.github.io/{name}/"
    assert html["use_issues_button"] is True and html["use_repository_button"] is True


def test_dependabot_watches_the_actions_the_python_packages_and_the_vendored_npm_packages():
    config = yaml.safe_load(DEPENDABOT.read_text())
    assert config["version"] == 2
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(updates) == {"github-actions", "pip", "npm"}
    assert updates["github-actions"]["directory"] == "/" and updates["pip"]["directory"] == "/"
    ignored = {i["dependency-name"]: i["versions"] for i in updates["pip"].get("ignore", [])}
    assert ignored.get("jupyter-book") == [">=2"], "the book is built with Jupyter Book 1.x"
    manifest = ROOT / updates["npm"]["directory"].lstrip("/") / "package.json"
    assert manifest.exists(), f"Dependabot's npm manifest {manifest} is missing"
    listed = json.loads(manifest.read_text())["dependencies"]
    vendored = {p["name"]: p["version"] for p in _load("vendor_assets", ROOT / "tools" / "vendor_assets.py").PACKAGES}
    assert listed == vendored, (
        f"{manifest.relative_to(ROOT)} lists {listed}, tools/vendor_assets.py vendors {vendored}: "
        "to move a package, follow CONTRIBUTING.md (Re-vendoring the JavaScript)")


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
