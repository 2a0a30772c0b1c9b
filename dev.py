"""The README's commands. Each sets up what it needs, then does its job.

    python3 dev.py book   # virtual environment in .venv, then the book in _build/html
    python3 dev.py test   # the same environment, the book, then pytest and nbval

Only the standard library is used here, so a fresh Python 3.10+ with pip suffices.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def run(*cmd, **env) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True, env={**os.environ, **env})


def setup() -> None:
    """Create .venv and install the package with its book and test extras, when needed."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-e", ".[book,test]")
    STAMP.write_text(wanted)


def book() -> None:
    """Build the site from the notebooks' stored outputs; any Sphinx warning is an error."""
    setup()
    run(BIN / "jupyter-book", "build", ".", "--warningiserror", "--nitpick", "--keep-going")


def test() -> None:
    """The book, then unit tests and every notebook re-executed in smoke mode (nbval)."""
    book()
    notebooks = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "notebooks").glob("*.ipynb"))
    nbval = ["--nbval-lax", "--nbval-cell-timeout=1200", *notebooks] if notebooks else []
    run(PYTHON, "-m", "pytest", "tests", *nbval, INFOGAN_LITE_SMOKE="1")


if __name__ == "__main__":
    tasks = {"book": book, "test": test, "setup": setup}
    if len(sys.argv) != 2 or sys.argv[1] not in tasks:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(tasks)}}}")
    try:
        tasks[sys.argv[1]]()
    except subprocess.CalledProcessError as err:
        sys.exit(err.returncode)
