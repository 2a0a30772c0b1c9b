"""Checkpoints that are never half-written, never silently corrupt, and never shared by two runs.

* ``atomic_write``: a temporary file, fsync, an atomic rename. A crash at any moment
  leaves the old file or the new one, never a mix; a write that fails (full disk,
  read-only folder) raises a CheckpointError naming the folder and the fix.
* ``save_checkpoint`` stores the SHA-256 of the content; ``load_checkpoint`` checks it,
  so flipped bits in the tensors are caught instead of resumed from.
* ``folder_lock``: one training process per run folder.
"""
from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import os
import tempfile
from pathlib import Path

import torch

FORMAT = "infogan_lite.checkpoint.v1"


class CheckpointError(RuntimeError):
    """A checkpoint or weights file that cannot be used; the message says why and what to do."""


def write_error(path: Path, err: OSError, kept: bool = True) -> CheckpointError:
    """A CheckpointError for a failed write of `path`: which folder, why, and what to do."""
    folder = path.parent
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        why, fix = "the disk is full", "free some space there, or choose another out_dir (--out-dir)"
    elif err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        why, fix = "the folder is not writable", "choose a writable out_dir (--out-dir)"
    elif err.errno in (errno.EEXIST, errno.ENOTDIR):
        why, fix = "a file is in the way of the folder", "choose another out_dir (--out-dir)"
    else:
        why, fix = "the folder cannot be written", "choose another out_dir (--out-dir)"
    intact = f" Any earlier {path.name} there is intact." if kept else ""
    return CheckpointError(f"cannot write {path.name} in {folder}: {why} ({err.strerror or err}); "
                           f"{fix}.{intact}")


def atomic_write(path: str | os.PathLike, write) -> None:
    """Call write(file_object) on a temporary file beside `path`, fsync it, then rename.

    A crash at any moment leaves either the old file or the new one, never a mix.
    Temporary files left by a writer that was killed are removed first.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in glob.glob(glob.escape(str(path.parent / f".{path.name}.")) + "*.tmp"):
            Path(stale).unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise write_error(path, err) from err
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; give it the usual mode
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        cause = err if isinstance(err, OSError) else err.__context__  # torch.save wraps OSError
        if isinstance(cause, OSError):
            raise write_error(path, cause) from err
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def content_sha256(state) -> str:
    """SHA-256 of a checkpoint's content: every tensor's dtype, shape and bytes, every value."""
    h = hashlib.sha256()

    def visit(obj):
        if isinstance(obj, torch.Tensor):
            t = obj.detach().cpu().contiguous().reshape(-1)
            h.update(f"T{t.dtype}{tuple(obj.shape)}".encode())
            h.update(t.view(torch.uint8).numpy().data if t.numel() else b"")
        elif isinstance(obj, dict):
            h.update(f"D{len(obj)}".encode())
            for key in sorted(obj, key=repr):
                h.update(repr(key).encode())
                visit(obj[key])
        elif isinstance(obj, (list, tuple)):
            h.update(f"L{len(obj)}".encode())
            for item in obj:
                visit(item)
        else:
            h.update(f"V{obj!r}".encode())

    visit(state)
    return h.hexdigest()


def save_checkpoint(path, state: dict) -> None:
    """Write a training state (tensors, numbers, strings, lists, dicts) atomically, with its SHA-256."""
    state = {"format": FORMAT, **state}
    state["sha256"] = content_sha256(state)
    atomic_write(path, lambda f: torch.save(state, f))


def load_checkpoint(path) -> dict:
    """Read a checkpoint written by save_checkpoint, or raise a CheckpointError saying why."""
    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"no checkpoint at {path}: train with this out_dir first")
    if path.is_dir():
        raise CheckpointError(f"{path} is a folder, not a checkpoint file: give its checkpoint.pt")
    if path.stat().st_size == 0:
        raise CheckpointError(f"checkpoint {path} is empty (0 bytes): delete it and train again")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # garbage makes the unpickler raise almost anything (IndexError...)
        raise CheckpointError(
            f"checkpoint {path} is corrupt or truncated, or not a torch file ({type(err).__name__}: "
            f"{str(err).splitlines()[0][:200]}): delete it, or resume from an intact copy") from err
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(
            f"{path} is not an infogan_lite training checkpoint (expected format {FORMAT!r}, "
            f"found {state.get('format') if isinstance(state, dict) else type(state).__name__!r})")
    stored = state.pop("sha256", None)  # checkpoints of older versions carry none
    if stored is not None and stored != content_sha256(state):
        raise CheckpointError(
            f"checkpoint {path} is corrupt: its content does not match the SHA-256 stored in it "
            f"(flipped bits on disk?): delete it, or resume from an intact copy")
    return state


def load_model_state(model: torch.nn.Module, tensors: dict, path) -> None:
    """model.load_state_dict(tensors), after checking every name and shape: all or nothing."""
    own = model.state_dict()
    if not isinstance(tensors, dict):
        raise CheckpointError(f"{path} holds no model weights (found {type(tensors).__name__})")
    missing, extra = sorted(set(own) - set(tensors)), sorted(set(tensors) - set(own))
    shapes = [f"{k}: file {list(tensors[k].shape)}, model {list(own[k].shape)}" for k in own
              if k in tensors and getattr(tensors[k], "shape", None) != own[k].shape]
    if missing or extra or shapes:
        raise CheckpointError(
            f"the weights in {path} do not fit this model (missing {missing[:3]}, unexpected "
            f"{extra[:3]}, shape mismatches {shapes[:3]}): they were written for another "
            f"LatentSpec or architecture; use the settings of that run")
    model.load_state_dict(tensors)


@contextlib.contextmanager
def folder_lock(folder):
    """Hold an exclusive lock on a run folder, so that two training processes never share it.

    The operating system drops the lock when the process ends, even when it is killed.
    """
    folder = Path(folder)
    lock = folder / ".lock"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        f = open(lock, "a")
    except OSError as err:
        raise write_error(lock, err, kept=False) from err
    try:
        try:
            import fcntl
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # Windows: no advisory lock
            pass
        except BlockingIOError:
            raise CheckpointError(
                f"another training process is writing to {folder}: wait for it to finish, "
                f"or choose another out_dir (--out-dir)") from None
        except OSError:  # file systems without locks (some network mounts): go on unlocked
            pass
        yield
    finally:
        f.close()
