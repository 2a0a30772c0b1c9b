"""Load the repository's scripts (tools/*.py, dev.py), which are not in a package, as modules."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_script(path: Path, name: str | None = None):
    """The module that the Python file at `path` defines, executed once per call."""
    spec = importlib.util.spec_from_file_location(name or path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tool(name: str):
    """tools/<name>.py as a module."""
    return load_script(ROOT / "tools" / f"{name}.py", name)
