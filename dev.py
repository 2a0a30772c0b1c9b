"""The README's commands. Each sets up what it needs, then does its job.

    python3 dev.py book   # virtual environment in .venv, then the book in _build/html
    python3 dev.py test   # the same environment, the book, then pytest and nbval
    python3 dev.py pdf    # the book as one PDF in _build/latex (needs Debian's TeX)
    python3 dev.py links  # check the external links (skipped without a network)

Only the standard library is used here, so a fresh Python 3.11+ with pip suffices (the book's
pinned theme needs 3.11; the library alone runs on 3.10).

On Linux without an NVIDIA GPU, torch and torchvision come from PyTorch's CPU index (about
0.2 GB of downloads instead of about 3 GB of CUDA libraries that nothing could use); when
that index cannot be reached within seconds, from the default index as before.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"
CPU_TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
TORCH = ("torch", "torchvision")


def run(*cmd, **env) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True, env={**os.environ, **env})


def has_nvidia_gpu() -> bool:
    """An NVIDIA driver is installed: its nvidia-smi on PATH, or its Linux kernel module."""
    return shutil.which("nvidia-smi") is not None or Path("/proc/driver/nvidia").exists()


def reachable(url: str, timeout: float = 5.0) -> bool:
    """The index answers within `timeout` seconds (pip itself would retry for a minute)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
            return True
    except (OSError, ValueError):   # URLError, HTTPError and timeouts are OSErrors
        return False


def torch_index(platform: str, gpu: bool, index_answers) -> str | None:
    """The index to take torch from: the CPU index on Linux without an NVIDIA GPU, if it
    answers (`index_answers()` is asked only then); None for the default index. Elsewhere
    the default index already serves CPU builds (macOS, Windows) or CUDA is wanted."""
    if not platform.startswith("linux") or gpu:
        return None
    if index_answers():
        return CPU_TORCH_INDEX
    print(f"{CPU_TORCH_INDEX} cannot be reached: torch comes from the default index "
          "(with its CUDA libraries)", flush=True)
    return None


def torch_installed() -> bool:
    done = subprocess.run([str(PYTHON), "-m", "pip", "show", "--quiet", "torch"], cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return done.returncode == 0


def install_torch() -> None:
    """Put the CPU build of torch into .venv first when torch_index() chooses it: installing
    the project afterwards keeps it, since it meets `torch>=...`. A torch already there
    (CI puts one) is kept; a failed CPU install leaves the default index to the project's."""
    if torch_installed():
        return
    index = torch_index(sys.platform, has_nvidia_gpu(), lambda: reachable(CPU_TORCH_INDEX + "/torch/"))
    if index is None:
        return
    try:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--retries", "1", "--timeout", "15", "--index-url", index, *TORCH)
    except subprocess.CalledProcessError:
        print(f"installing torch from {index} failed: it comes from the default index", flush=True)


def setup() -> None:
    """Create .venv and install the package with its book and test extras, when needed, with
    the book's toolchain at the versions of constraints-book.txt (a newer Sphinx or theme can
    add a warning, and the build fails on any). Redone when either file changes."""
    constraints = ROOT / "constraints-book.txt"
    digest = hashlib.sha256()
    for name in ("pyproject.toml", constraints.name):
        digest.update((ROOT / name).read_bytes())
    wanted = digest.hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    install_torch()
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-c", constraints.name, "-e", ".[book,test]")
    STAMP.write_text(wanted)


def book() -> None:
    """Build the site from the notebooks' stored outputs; any Sphinx warning is an error."""
    setup()
    run(BIN / "jupyter-book", "build", ".", "--warningiserror", "--nitpick", "--keep-going")


def test() -> None:
    """The book, then unit tests and every notebook re-executed in smoke mode (nbval). The
    slowest 15 tests and cells are listed at the end: the whole command should stay within
    8 minutes on a quiet 2-core machine."""
    book()
    notebooks = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
    nbval = ["--nbval-lax", "--nbval-cell-timeout=1200", *notebooks] if notebooks else []
    run(PYTHON, "-m", "pytest", "tests", *nbval, "--durations=15", INFOGAN_LITE_SMOKE="1")


# Debian's TeX for the PDF edition; `dev.py pdf` installs nothing itself.
TEX_TOOLS = {"latexmk": "latexmk", "xelatex": "texlive-xetex", "xindy": "xindy"}
TEX_PACKAGES = ["latexmk", "texlive-latex-recommended", "texlive-latex-extra",
                "texlive-fonts-recommended", "texlive-xetex", "texlive-plain-generic",
                "fonts-freefont-otf", "tex-gyre", "xindy"]


def pdf() -> None:
    """The whole book as one PDF, from the same sources, via LaTeX (xelatex) into _build/latex."""
    missing = [tool for tool in TEX_TOOLS if shutil.which(tool) is None]
    if missing:
        needs = ", ".join(f"{tool} (package {TEX_TOOLS[tool]})" for tool in missing)
        sys.exit(f"dev.py pdf needs {needs}, not found on PATH. On Debian or Ubuntu install "
                 f"TeX with: sudo apt-get install --no-install-recommends {' '.join(TEX_PACKAGES)}")
    setup()
    run(BIN / "jupyter-book", "build", ".", "--builder", "pdflatex", "--warningiserror", "--nitpick",
        "--keep-going")
    for out in sorted((ROOT / "_build" / "latex").glob("*.pdf")):
        print(f"PDF: {out.relative_to(ROOT)}")


def links() -> None:
    """Check the book's external links (tools/linkcheck.py); offline it says so and passes."""
    run(sys.executable, ROOT / "tools" / "linkcheck.py")


if __name__ == "__main__":
    tasks = {"book": book, "test": test, "setup": setup, "pdf": pdf, "links": links}
    if sys.version_info < (3, 11):
        sys.exit(f"dev.py needs Python 3.11 or newer (this is {sys.version.split()[0]}): the "
                 f"book's pinned toolchain (constraints-book.txt) does not install on older "
                 f"ones. The library alone runs on 3.10: pip install -e .")
    if len(sys.argv) != 2 or sys.argv[1] not in tasks:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(tasks)}}}")
    try:
        tasks[sys.argv[1]]()
    except subprocess.CalledProcessError as err:
        sys.exit(err.returncode)
