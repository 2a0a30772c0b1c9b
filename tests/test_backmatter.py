"""The back matter keeps its promises: the errata name tests that exist, the reproducibility
page's commands produce what they name (at smoke scale), the citation file is valid, the
exercise index is complete, and the built site can be searched and navigated."""
import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
TEST_REF = re.compile(r"tests/(test_\w+\.py)::(\w+)(?:\[([^\]]+)\])?")
EXERCISE = re.compile(r"```\{exercise\}\s*([^\n]*)\n:label:\s*(\S+)")


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test")}


def _chapters() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [ROOT / f"{f}.ipynb" for f in files if f.startswith("notebooks/")]


def _exercises(nb_path: Path) -> list[tuple[str, str]]:
    """(title, label) of every exercise in a notebook's markdown cells."""
    nb = nbformat.read(nb_path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return EXERCISE.findall(text)


# --- errata
@pytest.mark.parametrize("page", ["errata.md", "reproducibility.md"])
def test_every_test_named_in_the_back_matter_exists(page):
    refs = TEST_REF.findall((BOOK / page).read_text())
    assert refs or page != "errata.md", "the errata name no tests"
    for file, name, param in refs:
        path = ROOT / "tests" / file
        assert path.exists(), f"{page} names {file}, which does not exist"
        assert name in _test_functions(path), f"{page} names {file}::{name}, which does not exist"
        if param:   # a parametrised case: its id must appear in the test file
            assert f'"{param}"' in path.read_text(), f"{file}::{name} has no case {param!r}"


def test_every_re_implementation_bug_of_the_brief_has_an_erratum_with_a_test():
    text = (BOOK / "errata.md").read_text()
    sections = re.split(r"\n### ", text.split("## Bugs common in public re-implementations")[1])
    titles = [s.splitlines()[0].lower() for s in sections[1:]]
    for words in (["softmax"], ["shared trunk"], ["least-squares"], ["code distributions"],
                  ["eps = 0.8"], ["bcewithlogits", "bce with logits"], ["learning rate"], ["unseeded"]):
        hits = [s for t, s in zip(titles, sections[1:]) if any(w in t for w in words)]
        assert hits, f"no erratum about {words[0]}"
        assert TEST_REF.search(hits[0]), f"the erratum about {words[0]} names no test"


# --- reproducibility: the commands, run as written, at smoke scale
def _bash_commands(page: Path) -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", page.read_text(), re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def _smoke(args: list[str], tmp: Path) -> list[str]:
    """The command at smoke scale: 2 training steps (1 for a benchmark) of the tiny architecture
    (`--arch-name tiny`: Table 1's layout at an eighth of the widths; every option of the page
    still goes through the same code, and its evaluations, exports and reports cost a
    fraction), a few noise vectors for a report, and exported weights into the temporary
    folder instead of the package's own. On a CPU that would only emulate bf16, `--amp bf16`
    becomes `--amp auto` (float32 there): the page records the book's machine, and emulated
    bf16 would triple this test's time for nothing."""
    from infogan_lite.accel import cpu_has_bf16

    args = list(args)
    if "--steps" in args:
        args[args.index("--steps") + 1] = "1" if args[0] == "bench" else "2"
    if "--amp" in args and args[args.index("--amp") + 1] == "bf16" and not cpu_has_bf16():
        args[args.index("--amp") + 1] = "auto"
    if args[0] == "export":  # never into the package's own folder
        for flag in ("--out", "--dest"):
            while flag in args:
                del args[args.index(flag):args.index(flag) + 2]
        args += ["--out", str(tmp / "pretrained")]
    if args[0] == "report" and "--n-noise" not in args:
        args += ["--n-noise", "4", "--refit-steps", "5"]
    if args[0] == "train":
        args += ["--no-progress"] + ([] if "--arch-name" in args else ["--arch-name", "tiny"])
    if args[0] == "bench":
        args += ["--repeats", "1", "--batch-size", "16", "--data", "synthetic", "--no-memory"]
    return args


def _check_product(args: list[str], stdout: str, tmp: Path) -> None:
    """What each subcommand names: the files it writes, or the JSON it prints."""
    command = args[0]
    if command == "train":
        out = tmp / args[args.index("--out-dir") + 1]
        record = json.loads((out / "record.json").read_text())
        assert record["step"] == 2 and (out / "checkpoint.pt").exists()
        assert json.loads((out / "config.json").read_text())["seed"] == int(args[args.index("--seed") + 1])
    elif command == "export":
        name = args[args.index("--name") + 1]
        from infogan_lite import load_pretrained
        model = load_pretrained(name, root=tmp / "pretrained")
        assert model.spec.dim == 74
    elif command == "report":
        out = tmp / args[args.index("--out") + 1]
        assert json.loads((out / "report.json").read_text())["step"] == 2
        assert (out / "c1.png").exists()
    elif command == "evaluate":
        result = json.loads(stdout)
        from infogan_lite.pretrained import PRETRAINED_DIR, available
        if args[1] in available():       # the committed weights: the manifest's number
            manifest = json.loads((PRETRAINED_DIR / f"{args[1]}.json").read_text())
            assert abs(result["accuracy"] - manifest["metrics"]["accuracy"]) < 1e-4
    elif command == "bench":
        assert "loop/naive" in stdout or "/ loop" in stdout, stdout[-500:]
    elif command == "versions":
        assert {"infogan_lite", "python", "torch", "device"} <= set(json.loads(stdout))
    else:
        raise AssertionError(f"the reproducibility page runs an unknown subcommand {command!r}")


def _mnist_available() -> bool:
    root = Path(os.environ.get("INFOGAN_LITE_DATA") or Path.home() / ".cache/infogan_lite/data")
    return (root / "MNIST" / "raw").is_dir()


@pytest.mark.filterwarnings("ignore:An input array is constant")  # code effects of 2-step runs
def test_reproducibility_commands_produce_what_they_name(tmp_path, monkeypatch, capsys):
    """Every `python -m infogan_lite` command of the page, run in order from a scratch
    folder (so relative output paths land there), with --steps 2. The first runs as a real
    `python -m infogan_lite` process; the others call the same entry point, main(argv), in
    this process, which saves importing torch once per command."""
    import torch

    from infogan_lite.__main__ import main

    commands = _bash_commands(BOOK / "reproducibility.md")
    cli = [shlex.split(c)[3:] for c in commands if c.startswith("python -m infogan_lite ")]
    assert len(cli) >= 5, "the page lists too few commands"
    if not _mnist_available():
        pytest.skip("MNIST is not in INFOGAN_LITE_DATA or the cache: set INFOGAN_LITE_DATA")
    first = _smoke(cli[0], tmp_path)
    r = subprocess.run([sys.executable, "-m", "infogan_lite", *first], cwd=tmp_path,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    _check_product(first, r.stdout, tmp_path)
    monkeypatch.chdir(tmp_path)
    threads = torch.get_num_threads()
    try:
        for args in map(lambda a: _smoke(a, tmp_path), cli[1:]):
            capsys.readouterr()
            assert main(args) == 0, f"python -m infogan_lite {' '.join(args)}: {capsys.readouterr().err}"
            _check_product(args, capsys.readouterr().out, tmp_path)
    finally:
        torch.set_num_threads(threads)     # `train --threads 1` sets it for the process


def test_reproducibility_page_executes_the_chapter_notebooks():
    commands = _bash_commands(BOOK / "reproducibility.md")
    notebooks = [shlex.split(c)[-1] for c in commands if c.startswith("jupyter execute")]
    assert all(c.startswith("jupyter execute --inplace ") for c in commands if c.startswith("jupyter"))
    for nb in notebooks:
        assert (ROOT / nb).exists(), f"the page executes {nb}, which does not exist"
    for chapter in ("01", "02", "03", "04", "05", "06", "10", "A_"):
        assert any(Path(nb).name.startswith(chapter) for nb in notebooks), f"chapter {chapter} missing"
    assert shutil.which("jupyter-execute") or (Path(sys.executable).parent / "jupyter-execute").exists()


# --- citation
def test_citation_file_is_valid_cff_1_2_0_and_cites_the_paper():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "type", "version"} <= set(cff)
    assert all("name" in a or "family-names" in a for a in cff["authors"])
    from infogan_lite import __version__
    assert str(cff["version"]) == __version__
    paper = cff["references"][0]
    assert paper["title"].startswith("InfoGAN: Interpretable Representation Learning")
    assert paper["year"] == 2016 and [a["family-names"] for a in paper["authors"]][0] == "Chen"
    cffconvert = shutil.which("cffconvert")
    if cffconvert:   # the reference validator, when installed (pip install cffconvert)
        r = subprocess.run([cffconvert, "--validate", "-i", str(ROOT / "CITATION.cff")],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr


def test_cite_page_shows_the_papers_bibtex_entry_from_the_bibliography():
    page = (BOOK / "cite.md").read_text()
    start = re.search(r':start-at: "([^"]+)"', page).group(1)
    end = re.search(r':end-before: "([^"]+)"', page).group(1)
    bib = (BOOK / "references.bib").read_text()
    entry = bib[bib.index(start):bib.index(end)]
    assert entry.count("@") == 1 and "chen2016infogan" in entry
    assert "Interpretable Representation Learning" in entry and "2016" in entry


# --- exercises
def test_exercise_index_lists_every_exercise_of_every_chapter():
    index = (BOOK / "exercises.md").read_text()
    for nb in _chapters():
        for title, label in _exercises(nb):
            assert f"{{ref}}`{title.strip()} <{label}>`" in index, \
                f"{nb.stem}: exercise {label} ({title.strip()!r}) is not on the index, or has another title there"
            assert f"<../notebooks/{nb.stem}>" in index, f"{nb.stem} has no heading on the index"


@pytest.mark.parametrize("stem", ["01_information", "02_variational_bound", "03_gans",
                                  "04_infogan_objective", "05_usable_information", "06_library",
                                  "10_wake_sleep"])
def test_chapter_has_a_derivation_a_numerical_and_a_coding_exercise_with_solutions(stem):
    nb_path = ROOT / "notebooks" / f"{stem}.ipynb"
    exercises = _exercises(nb_path)
    kinds = " ".join(title.split(":")[0].lower() for title, _ in exercises)
    assert len(exercises) >= 3 and all(k in kinds for k in ("derivation", "numerical", "coding"))
    text = "\n".join(c.source for c in nbformat.read(nb_path, as_version=4).cells)
    for _, label in exercises:
        assert re.search(r"\{solution(-start)?\} " + re.escape(label) + r"\n:class: dropdown", text), \
            f"{stem}: exercise {label} has no hidden solution"


# --- the built site
def _site() -> Path:
    site = Path(os.environ.get("INFOGAN_LITE_SITE") or ROOT / "_build" / "html")
    if not (site / "searchindex.js").exists():
        pytest.skip(f"the site is not built in {site} (build it, or set INFOGAN_LITE_SITE "
                    f"to a build's html folder)")
    return site


def test_search_index_finds_the_books_core_terms():
    raw = (_site() / "searchindex.js").read_text()
    index = json.loads(raw[raw.index("(") + 1:raw.rindex(")")])
    terms = {**index["terms"], **index["titleterms"]}
    for term in ("mutual", "inform", "lemma", "lambda", "errata", "wake"):   # Sphinx stems words
        assert term in terms, f"the search index has no {term!r}"
    assert any("mutual information" in t.lower() for t in index["titles"])


@pytest.mark.parametrize("nb", _chapters(), ids=lambda p: p.stem)
def test_chapter_page_links_to_its_notebook_and_its_exercises(nb):
    page = _site() / "notebooks" / f"{nb.stem}.html"
    assert page.exists(), f"{page} was not built"
    html = page.read_text()
    assert f"_sources/notebooks/{nb.stem}.ipynb" in html, "no download link to the notebook"
    assert re.search(rf'colab\.research\.google\.com/github/[^"]+/notebooks/{nb.stem}\.ipynb', html)
    if _exercises(nb):
        assert 'href="#exercises"' in html, "the page's contents do not link to its exercises"
