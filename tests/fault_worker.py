"""A training process for tests/test_faults.py to kill: it forks one child per request.

Run as ``python tests/fault_worker.py``. It imports torch and infogan_lite once, with one
CPU thread and deterministic algorithms; the test asks for the library's tiny architecture
(``--arch-name tiny``), so that a whole run takes seconds. Then it reads requests from stdin, one
per line: the arguments of ``python -m infogan_lite train``. For each it forks a child that
runs exactly that command (``infogan_lite.__main__.main``), prints ``started <pid>``, waits
for the child and prints ``exited <pid> <code>`` (``-9`` when the test SIGKILLed it).

Forking skips the import of torch (several seconds on a busy machine), so the test can
afford many kills; every child is still a separate process, killed with a real SIGKILL.
"""
from __future__ import annotations

import os
import sys

import torch

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

from infogan_lite import evaluate, train  # noqa: E402,F401  (imported once, not per child)
from infogan_lite.__main__ import main  # noqa: E402

torch.optim.Adam([torch.zeros(1, requires_grad=True)])  # its first use imports torch._dynamo


def serve() -> None:
    for line in sys.stdin:
        argv = line.split()
        if not argv:
            continue
        pid = os.fork()
        if pid == 0:  # the child: one training run, its output kept off the protocol pipe
            code = 1
            try:
                os.dup2(2, 1)
                code = main(["train", *argv])
            finally:
                sys.stdout.flush()
                os._exit(code)
        print(f"started {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exited {pid} {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    serve()
    os._exit(0)  # skip the interpreter's slow teardown of torch
