"""dev.py's set-up takes torch's CPU build where no GPU could use CUDA, and never waits long.

On Linux without an NVIDIA GPU, `python3 dev.py book|test` first installs torch and
torchvision from PyTorch's CPU index; with a GPU, on other systems, or when that index does
not answer within seconds, torch comes from the default index with the rest.
"""
from __future__ import annotations

import http.server
import subprocess
import threading
import time
from pathlib import Path

import pytest

from scripts import load_script

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dev():
    return load_script(ROOT / "dev.py")


def _never_asked():
    raise AssertionError("the index need not be asked")


def test_linux_without_a_gpu_takes_the_cpu_index_when_it_answers(dev):
    assert dev.torch_index("linux", gpu=False, index_answers=lambda: True) == dev.CPU_TORCH_INDEX


def test_a_gpu_or_another_system_keeps_the_default_index_without_asking(dev):
    assert dev.torch_index("linux", gpu=True, index_answers=_never_asked) is None
    assert dev.torch_index("darwin", gpu=False, index_answers=_never_asked) is None
    assert dev.torch_index("win32", gpu=False, index_answers=_never_asked) is None


def test_an_unreachable_cpu_index_falls_back_to_the_default_and_says_so(dev, capsys):
    assert dev.torch_index("linux", gpu=False, index_answers=lambda: False) is None
    assert "cannot be reached" in capsys.readouterr().out


class _Index(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_reachable_is_true_for_an_index_that_answers_and_false_for_a_closed_port(dev):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Index)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert dev.reachable(f"http://127.0.0.1:{server.server_port}/torch/")
    finally:
        server.shutdown()
        server.server_close()
    assert not dev.reachable(f"http://127.0.0.1:{server.server_port}/torch/")


def test_the_real_cpu_index_is_asked_within_seconds(dev):
    """Reachable or not from where the tests run, the answer comes within the timeout."""
    start = time.monotonic()
    dev.reachable(dev.CPU_TORCH_INDEX + "/torch/", timeout=3)
    assert time.monotonic() - start < 3 + 2


@pytest.fixture
def pip_calls(dev, monkeypatch):
    """dev.run recorded instead of run; a .venv with no torch, on Linux without a GPU."""
    calls = []
    monkeypatch.setattr(dev, "run", lambda *cmd, **env: calls.append([str(c) for c in cmd]))
    monkeypatch.setattr(dev, "torch_installed", lambda: False)
    monkeypatch.setattr(dev, "has_nvidia_gpu", lambda: False)
    monkeypatch.setattr(dev.sys, "platform", "linux")
    return calls


def test_install_torch_uses_the_cpu_index_when_it_answers(dev, pip_calls, monkeypatch):
    monkeypatch.setattr(dev, "reachable", lambda url, timeout=5.0: True)
    dev.install_torch()
    (call,) = pip_calls
    assert call[call.index("--index-url") + 1] == dev.CPU_TORCH_INDEX
    assert {"torch", "torchvision"} <= set(call)


def test_install_torch_leaves_torch_to_the_default_index_when_it_does_not(dev, pip_calls, monkeypatch):
    monkeypatch.setattr(dev, "reachable", lambda url, timeout=5.0: False)
    dev.install_torch()
    assert pip_calls == []


def test_install_torch_keeps_a_torch_already_there(dev, pip_calls, monkeypatch):
    monkeypatch.setattr(dev, "reachable", lambda url, timeout=5.0: True)
    monkeypatch.setattr(dev, "torch_installed", lambda: True)
    dev.install_torch()
    assert pip_calls == []


def test_a_failed_cpu_install_falls_back_instead_of_stopping(dev, monkeypatch, capsys):
    def fail(*cmd, **env):
        raise subprocess.CalledProcessError(1, cmd)
    monkeypatch.setattr(dev, "run", fail)
    monkeypatch.setattr(dev, "torch_installed", lambda: False)
    monkeypatch.setattr(dev, "has_nvidia_gpu", lambda: False)
    monkeypatch.setattr(dev.sys, "platform", "linux")
    monkeypatch.setattr(dev, "reachable", lambda url, timeout=5.0: True)
    dev.install_torch()
    assert "default index" in capsys.readouterr().out


def test_setup_puts_torch_in_before_the_project(dev):
    """Installing the project after torch keeps the torch already there."""
    source = Path(dev.__file__).read_text()
    body = source[source.index("def setup()"):source.index("def book()")]
    assert body.index("install_torch()") < body.index('"-e", ".[book,test]"')
