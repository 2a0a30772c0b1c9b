"""Files that are never half-written and run folders that are never shared by two runs.

* ``atomic_write``: a temporary file, fsync, an atomic rename. A crash at any moment
  leaves the old file or the new one, never a mix; a write that fails (full disk,
  read-only folder) raises a CheckpointError naming the folder and the fix.
* ``folder_lock``: one training process per run folder, on every operating system.
"""
from __future__ import annotations

import contextlib
import errno
import glob
import os
import tempfile
from pathlib import Path

from filelock import FileLock, Timeout


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
    if os.name == "posix":  # make the rename itself durable (Windows cannot open a folder)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def folder_lock(folder):
    """Hold an exclusive lock on a run folder, so that two training processes never share it.

    `filelock` locks with the operating system's own call (flock on Linux and macOS,
    msvcrt on Windows), which is released when the process ends, even when it is killed.
    """
    folder = Path(folder)
    path = folder / ".lock"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError as err:
        raise write_error(path, err, kept=False) from err
    lock = FileLock(str(path), timeout=0, thread_local=False, is_singleton=False)
    try:
        lock.acquire()
    except Timeout:
        raise CheckpointError(
            f"another process is training in {folder}: wait for it to finish, or choose another "
            f"out_dir (--out-dir)") from None
    try:
        yield
    finally:
        lock.release()
