"""Which git ref the notebooks' Colab install cells and the site's Colab buttons point at.

Every notebook's first cell installs `infogan_lite @ git+<repository>@<ref>` inside Colab,
and the site's "Open in Colab" buttons open `<repository>/blob/<ref>/notebooks/...`, with
<ref> = `repository.branch` of _config.yml (tests/test_colab.py and tests/test_book.py
hold them equal). On `main` a notebook saved to someone's Drive installs whatever main
is when it runs; pinned to a release tag, it installs that release for good.

    python3 tools/colab_pin.py            # print the ref, and fail if the files disagree
    python3 tools/colab_pin.py v0.2.0     # the release commit: pin everything to the tag
    python3 tools/colab_pin.py main       # back to the branch

Only the one install line of each notebook and the `branch:` line of _config.yml change.
Standard library only.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REF = re.compile(r"[A-Za-z0-9][\w.\-/]*")


def _repository_block(config: str) -> re.Match:
    block = re.search(r"^repository:\n((?:[ \t]+.*\n?)+)", config, re.M)
    if not block:
        sys.exit("_config.yml has no repository: block")
    return block


def config_ref(root: Path = ROOT) -> tuple[str, str]:
    """(repository url, branch) of _config.yml."""
    block = _repository_block((root / "_config.yml").read_text()).group(1)
    url = re.search(r"^\s+url:\s*(\S+)", block, re.M).group(1).strip("\"'").rstrip("/")
    branch = re.search(r"^\s+branch:\s*(\S+)", block, re.M).group(1).strip("\"'")
    return url, branch


def _install(url: str) -> re.Pattern:
    return re.compile(rf"(git\+{re.escape(url)}@)([A-Za-z0-9][\w.\-/]*)")


def notebook_refs(root: Path = ROOT) -> dict[str, list[str]]:
    """{notebook name: the refs its install lines name} (one each, when all is well)."""
    url, _ = config_ref(root)
    return {nb.name: [m.group(2) for m in _install(url).finditer(nb.read_text(encoding="utf-8"))]
            for nb in sorted((root / "notebooks").glob("*.ipynb"))}


def pin(ref: str, root: Path = ROOT) -> list[str]:
    """Point _config.yml's branch and every notebook's install line at `ref`; the files changed."""
    if not REF.fullmatch(ref):
        sys.exit(f"{ref!r} is not a git branch or tag name")
    url, _ = config_ref(root)
    changed = []
    for nb, refs in notebook_refs(root).items():
        if len(refs) != 1:
            sys.exit(f"notebooks/{nb} has {len(refs)} install lines from {url}, not one: fix it by hand")
        path = root / "notebooks" / nb
        text = path.read_text(encoding="utf-8")
        new = _install(url).sub(lambda m: m.group(1) + ref, text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(f"notebooks/{nb}")
    config_path = root / "_config.yml"
    config = config_path.read_text()
    block = _repository_block(config)
    new_block = re.sub(r"^(\s+branch:\s*)\S+", lambda m: m.group(1) + ref, block.group(1), count=1,
                       flags=re.M)
    if new_block != block.group(1):
        config_path.write_text(config[:block.start(1)] + new_block + config[block.end(1):])
        changed.append("_config.yml")
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ref", nargs="?", help="a tag (vX.Y.Z) or a branch (main) to pin to")
    args = parser.parse_args(argv)
    if args.ref:
        changed = pin(args.ref)
        print(f"pinned to {args.ref}: {', '.join(changed) or 'nothing to change'}")
    _, branch = config_ref()
    refs = notebook_refs()
    odd = {nb: r for nb, r in refs.items() if r != [branch]}
    for nb, r in odd.items():
        print(f"notebooks/{nb} installs from {r or 'nowhere'}, _config.yml's branch is {branch}",
              file=sys.stderr)
    if not odd:
        print(f"_config.yml and the install cells of {len(refs)} notebooks point at {branch}")
    return 1 if odd else 0


if __name__ == "__main__":
    sys.exit(main())
