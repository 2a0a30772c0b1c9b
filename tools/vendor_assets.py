"""The site's own copies of MathJax, require.js and the Jupyter widget manager.

By default Jupyter Book loads these three from CDNs, so an offline reader (or a machine
without internet) sees raw TeX and blank widgets. The book serves pinned copies from
``book/_static/vendor/`` instead. This script re-creates that folder from the npm registry
with the ordinary npm client and checks every file against ``SHA256SUMS``.

    python3 tools/vendor_assets.py                   # check the vendored files (no network)
    python3 tools/vendor_assets.py --fetch           # npm pack each package, copy, check
    python3 tools/vendor_assets.py --fetch --update  # after changing a version below:
                                                     # rewrite SHA256SUMS and README.md

Standard library only; ``--fetch`` needs ``npm`` on the PATH.
"""
from __future__ import annotations

import argparse
import fnmatch
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "book" / "_static" / "vendor"
SUMS = VENDOR / "SHA256SUMS"

# name, version, license, folder under vendor/, files to keep (globs inside the tarball's
# package/), and a prefix stripped from their paths. Only what the pages load at run time.
PACKAGES = [
    dict(name="requirejs", version="2.3.8", license="MIT", folder="requirejs-2.3.8",
         files=["require.js"], strip=""),
    # embed-amd.js bundles @jupyter-widgets/base, controls and output (ipywidgets 7 and 8),
    # so the standard widgets need nothing else; the woff2 files are Font Awesome's icons.
    dict(name="@jupyter-widgets/html-manager", version="1.0.15", license="BSD-3-Clause",
         folder="html-manager-1.0.15",
         files=["dist/embed-amd.js", "dist/embed.js.LICENSE.txt", "dist/*.woff2"], strip="dist/"),
    # tex-chtml-full.js holds every TeX extension, so MathJax never fetches one on demand;
    # the CommonHTML output needs its woff fonts beside it, at the same relative path.
    dict(name="mathjax", version="3.2.2", license="Apache-2.0", folder="mathjax-3.2.2",
         files=["LICENSE", "es5/tex-chtml-full.js", "es5/output/chtml/fonts/woff-v2/*.woff"],
         strip=""),
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_sums() -> dict[str, str]:
    """SHA256SUMS as {path relative to vendor/: hex digest}."""
    if not SUMS.exists():
        return {}
    pairs = (line.split(None, 1) for line in SUMS.read_text().splitlines() if line.strip())
    return {name.strip(): digest for digest, name in pairs}


def check(root: Path = VENDOR) -> list[str]:
    """Problems with the files under `root`, compared with SHA256SUMS (empty list: all good)."""
    sums = read_sums()
    if not sums:
        return [f"{SUMS} is missing or empty: run python3 tools/vendor_assets.py --fetch --update"]
    problems = []
    for name, digest in sums.items():
        path = root / name
        if not path.exists():
            problems.append(f"missing {path}: run python3 tools/vendor_assets.py --fetch")
        elif sha256(path) != digest:
            problems.append(f"{path} does not match SHA256SUMS: run python3 tools/vendor_assets.py --fetch")
    return problems


def npm_pack(name: str, version: str, into: Path) -> Path:
    """`npm pack name@version` into a folder; npm checks the tarball's registry integrity."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is not installed: apt-get install npm (or use nodejs.org), then run again")
    out = subprocess.run([npm, "pack", f"{name}@{version}", "--silent"], cwd=into, check=True,
                         capture_output=True, text=True).stdout.split()
    return into / out[-1]


def extract(pkg: dict, tarball: Path, dest: Path) -> list[str]:
    """Copy the package's wanted files from the tarball into dest/<folder>; their vendor/ paths."""
    written = []
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            inner = member.name.removeprefix("package/")
            if not member.isfile() or not any(fnmatch.fnmatch(inner, p) for p in pkg["files"]):
                continue
            rel = f"{pkg['folder']}/{inner.removeprefix(pkg['strip'])}"
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())
            written.append(rel)
    missing = [p for p in pkg["files"] if not any(fnmatch.fnmatch(
        w.removeprefix(pkg["folder"] + "/"), p.removeprefix(pkg["strip"])) for w in written)]
    if missing:
        sys.exit(f"{pkg['name']}@{pkg['version']} has no {missing}: fix PACKAGES in {__file__}")
    return sorted(written)


def readme(files: dict[str, list[str]], root: Path) -> str:
    """The vendor folder's README: package, version, license, and each file's size and sha256."""
    lines = ["# Vendored JavaScript (served by the site itself, so it works offline)", "",
             "Written by `python3 tools/vendor_assets.py --fetch --update`; do not edit by hand.",
             "Each file is copied unchanged from the npm package named here (`npm pack name@version`).",
             "", "| package | version | license | file | bytes | sha256 |", "|---|---|---|---|---|---|"]
    for pkg in PACKAGES:
        for rel in files[pkg["name"]]:
            path = root / rel
            lines.append(f"| {pkg['name']} | {pkg['version']} | {pkg['license']} | `{rel}` "
                         f"| {path.stat().st_size} | `{sha256(path)}` |")
    return "\n".join(lines) + "\n"


def fetch(update: bool) -> None:
    """Fetch every package, check the files against SHA256SUMS (or rewrite it), install them."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp, staged = Path(tmp), Path(tmp) / "vendor"
        files = {pkg["name"]: extract(pkg, npm_pack(pkg["name"], pkg["version"], tmp), staged)
                 for pkg in PACKAGES}
        if update:
            (staged / "SHA256SUMS").write_text("".join(
                f"{sha256(staged / rel)}  {rel}\n" for rels in files.values() for rel in rels))
            (staged / "README.md").write_text(readme(files, staged))
        else:
            expected = read_sums()
            got = {rel: sha256(staged / rel) for rels in files.values() for rel in rels}
            if got != expected:
                bad = sorted(set(got.items()) ^ set(expected.items()))
                sys.exit(f"fetched files differ from SHA256SUMS: {bad[:4]}... "
                         "(after a deliberate version change use --update)")
            for name in ("SHA256SUMS", "README.md"):
                shutil.copy2(VENDOR / name, staged / name)
        if VENDOR.exists():
            shutil.rmtree(VENDOR)
        shutil.copytree(staged, VENDOR)
    print(f"wrote {sum(map(len, files.values()))} files to {VENDOR.relative_to(ROOT)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fetch", action="store_true", help="re-fetch with npm pack")
    parser.add_argument("--update", action="store_true", help="with --fetch: rewrite SHA256SUMS")
    args = parser.parse_args(argv)
    if args.update and not args.fetch:
        parser.error("--update only makes sense with --fetch")
    if args.fetch:
        fetch(args.update)
    problems = check()
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print(f"{len(read_sums())} vendored files match {SUMS.relative_to(ROOT)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
