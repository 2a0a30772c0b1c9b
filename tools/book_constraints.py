"""constraints-book.txt against the packages installed where this runs (use .venv's python).

    .venv/bin/python tools/book_constraints.py            # does .venv hold the pinned versions?
    .venv/bin/python tools/book_constraints.py --update   # re-pin every listed package to the
                                                          # version installed in .venv

Only the packages already listed are pinned; to pin another, add a line `name==0` and run
--update. A cap (`name<X.Y`) is checked and kept as it is. Standard library only.
"""
from __future__ import annotations

import argparse
import re
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints-book.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$")
CAP = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)<(\d+(?:\.\d+)*)$")


def _release(version: str) -> tuple[int, ...]:
    """The leading numbers of a version: '8.1.5' -> (8, 1, 5), '9.0.0rc1' -> (9, 0, 0)."""
    return tuple(int(n) for n in re.findall(r"\d+", re.match(r"[\d.]*\d", version).group()))


def cap_problem(name: str, cap: str, have: str | None) -> str | None:
    """What is wrong with the installed `have` under the cap `name<cap`, or None."""
    if have is not None and _release(have) >= _release(cap):
        return f"{name}: capped below {cap}, installed {have}"
    return None


def installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite the pins from this environment")
    args = parser.parse_args(argv)
    lines, problems = [], []
    for line in CONSTRAINTS.read_text().splitlines():
        pin, cap = PIN.match(line.strip()), CAP.match(line.strip())
        if cap:
            problems += filter(None, [cap_problem(cap.group(1), cap.group(2), installed(cap.group(1)))])
        if not pin:
            lines.append(line)
            continue
        name, pinned = pin.groups()
        have = installed(name)
        if have is None:
            problems.append(f"{name} is not installed in {sys.prefix}")
        elif have != pinned:
            problems.append(f"{name}: pinned {pinned}, installed {have}")
        lines.append(f"{name}=={have or pinned}")
    if args.update:
        CONSTRAINTS.write_text("\n".join(lines) + "\n")
        print(f"wrote {CONSTRAINTS.relative_to(ROOT)} from {sys.prefix}")
        problems = [p for p in problems if "not installed" in p]
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems and not args.update:
        pins = sum(bool(PIN.match(line.strip())) for line in lines)
        print(f"{sys.prefix} holds the {pins} versions pinned in {CONSTRAINTS.name}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
