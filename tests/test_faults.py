"""Kill-and-resume: a training process SIGKILLed at random moments loses nothing.

A real training process (``python -m infogan_lite train``'s main, forked by
tests/fault_worker.py) is killed at least six times: at seeded random moments, which
land mostly mid-step, and at the moment a checkpoint's temporary file appears, which
lands mid-write. After every kill the checkpoint on disk must load cleanly (its SHA-256
checked) and never go backwards; each restart resumes with --resume. At the end every
tensor of G, D and both optimisers, the random generator, the loss history and the
evaluations must equal those of an uninterrupted run with the same seed, bit for bit.

log_every=3 and checkpoint_every=2 on purpose: a checkpoint then falls between two
history rows, so a resume that lost the losses summed since the last row would differ.
"""
from __future__ import annotations

import json
import os
import random
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from infogan_lite.checkpoint import load_checkpoint

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker forks (POSIX only)")

WORKER = Path(__file__).with_name("fault_worker.py")
STEPS, CHECKPOINT_EVERY = 24, 2
ARGS = (f"--dataset toy --arch-name tiny --steps {STEPS} --batch-size 16 --log-every 3 "
        f"--checkpoint-every {CHECKPOINT_EVERY} --eval-every 8 --device cpu --amp off "
        f"--threads 1 --seed 7 --no-progress")
TEMPORARY = re.compile(r"^\.(checkpoint\.pt|config\.json|record\.json)\..+\.tmp$")


class Worker:
    """Talks to tests/fault_worker.py: start a training child, then wait for its exit code."""

    def __init__(self, log: Path):
        self.log = open(log, "w")
        self.proc = subprocess.Popen([sys.executable, str(WORKER)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, text=True)

    def _line(self, timeout: float = 300) -> list[str]:
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        assert ready, f"the worker said nothing for {timeout} s; see {self.log.name}"
        line = self.proc.stdout.readline()
        assert line, f"the worker died; see {self.log.name}"
        return line.split()

    def start(self, out_dir: Path, resume: bool = True) -> int:
        self.proc.stdin.write(f"{ARGS} --out-dir {out_dir}{' --resume' if resume else ''}\n")
        self.proc.stdin.flush()
        word, pid = self._line()
        assert word == "started"
        return int(pid)

    def finished(self, timeout: float) -> int | None:
        """The child's exit code if it ends within `timeout` seconds, else None."""
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        return int(self._line()[2]) if ready else None

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        self.log.close()


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    w = Worker(tmp_path_factory.mktemp("worker") / "worker.log")
    yield w
    w.close()


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # it finished a moment ago; its exit code will say so
        pass


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino  # each atomic rename brings a new inode
    except FileNotFoundError:
        return None


def _kill_when(w: Worker, pid: int, ready, delay: float = 0.0) -> int | None:
    """SIGKILL the child `delay` seconds after ready() is true; its exit code if it ends first."""
    while not ready():
        code = w.finished(0.001)
        if code is not None:
            return code
    code = w.finished(delay) if delay else None
    if code is None:
        _kill(pid)
    return code


def _partial_checkpoints(out: Path) -> set[str]:
    """Temporary files of checkpoint writes (a killed writer leaves its own behind)."""
    return {n for n in (os.listdir(out) if out.exists() else []) if n.startswith(".checkpoint.pt.")}


def _inspect_after_kill(out: Path, last_step: int) -> int:
    """The checkpoint on disk loads (checksum verified) and never goes backwards."""
    names = os.listdir(out) if out.exists() else []
    stray = [n for n in names if n.endswith(".tmp")]
    assert all(TEMPORARY.match(n) for n in stray), stray
    step = last_step
    if "checkpoint.pt" in names:
        step = load_checkpoint(out / "checkpoint.pt")["step"]
        assert step % CHECKPOINT_EVERY == 0 or step == STEPS
        assert step >= last_step, "a checkpoint went backwards"
    return step


def _same(a, b, where="") -> None:
    """Bit-for-bit equality of nested checkpoint content."""
    if isinstance(a, torch.Tensor):
        assert a.dtype == b.dtype and torch.equal(a, b), f"tensor {where} differs"
    elif isinstance(a, dict):
        assert set(a) == set(b), f"keys of {where} differ"
        for k in a:
            _same(a[k], b[k], f"{where}/{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), f"length of {where} differs"
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _untimed(rows_json: str) -> list[dict]:
    return [{k: v for k, v in r.items() if "seconds" not in k} for r in json.loads(rows_json)]


def test_a_run_killed_six_times_ends_bit_for_bit_like_an_uninterrupted_one(worker, tmp_path):
    reference, cut = tmp_path / "reference", tmp_path / "cut"
    worker.start(reference, resume=False)
    t0 = time.perf_counter()
    assert worker.finished(600) == 0, "the uninterrupted run failed"
    duration = time.perf_counter() - t0

    history = json.loads(load_checkpoint(reference / "checkpoint.pt")["history"])
    step_seconds = history[-1]["seconds"] / STEPS
    ckpt = cut / "checkpoint.pt"

    rng, kills, mid_write, step = random.Random(2016), [], 0, 0
    while len(kills) < 6:
        left = _partial_checkpoints(cut)  # by earlier kills; the next write removes them
        pid, inode = worker.start(cut), _inode(ckpt)
        if len(kills) % 2:   # the moment a new checkpoint temporary file appears: mid-write
            code = _kill_when(worker, pid, lambda: bool(_partial_checkpoints(cut) - left))
        else:                # a random moment once training runs: mostly mid-step
            code = _kill_when(worker, pid, lambda: _inode(ckpt) != inode,
                              rng.uniform(0, 3) * step_seconds)
        code = worker.finished(60) if code is None else code
        if code == 0:
            break            # the run ended before the kill: fewer kills, checked below
        assert code == -signal.SIGKILL, f"the child failed with code {code}"
        step = _inspect_after_kill(cut, step)
        kills.append(step)
        mid_write += bool(_partial_checkpoints(cut) - left)
    else:
        pid = worker.start(cut)
        assert worker.finished(600) == 0, "the final resumed run failed"

    assert len(kills) >= 5, f"only {len(kills)} kills landed before the run ended"

    assert mid_write >= 1, "no kill landed while a checkpoint was being written"
    assert not [n for n in os.listdir(cut) if n.endswith(".tmp")], "temporary files left behind"
    a, b = load_checkpoint(reference / "checkpoint.pt"), load_checkpoint(cut / "checkpoint.pt")
    assert a["step"] == b["step"] == STEPS
    for key in ("model", "opt_DQ", "opt_G", "gen", "sums", "count"):
        _same(a[key], b[key], key)
    _same({**a["config"], "out_dir": None}, {**b["config"], "out_dir": None}, "config")
    assert _untimed(a["history"]) == _untimed(b["history"]) and len(_untimed(a["history"])) == 8
    assert _untimed(a["evals"]) == _untimed(b["evals"]) and len(_untimed(a["evals"])) == 3
    records = [json.loads((d / "record.json").read_text()) for d in (reference, cut)]
    assert _untimed(json.dumps(records[0]["history"])) == _untimed(json.dumps(records[1]["history"]))
    print(f"kills after checkpoint steps {kills}, {mid_write} mid-write; uninterrupted run "
          f"{duration:.1f} s, {step_seconds:.3f} s per step")
