"""The one way govkit writes a file: atomically, keeping the file's permissions.

Readers (a browser, a colleague's editor, the batch) see the old content or the new one, never a
part: the content goes to a temporary file in the target's folder, is flushed to disk and then
renamed over the target. An existing file keeps its mode (a 0664 file in a shared folder stays
group-writable); a new file gets the mode any other program would give it (``0o666 & ~umask``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from govkit.errors import GovkitError, one_line

MAX_TEMP_STEM = 100  # bytes of the target's name kept in a temporary file's name (names are at most 255 bytes)


class WriteError(GovkitError, OSError):
    """A file that cannot be written (no permission, a file where a folder should be, disk full…).

    Both a :class:`GovkitError` (one line for the user) and an :class:`OSError` (for callers that
    already handle those); whatever the file held before is unchanged.
    """

    def __str__(self) -> str:
        return one_line(str(self.strerror))


class TargetExistsError(WriteError):
    """:func:`atomic_create` found the file already there; nothing was written."""


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file that guards ``path``: ``.<name>.lock`` in the same folder (hidden, never an output)."""
    path = Path(path)
    return path.with_name(f".{path.name}.lock")


def _guarded(lock: Path) -> Path:
    """The file a lock of :func:`lock_path` guards (what the user asked to write), else the lock itself."""
    name = lock.name
    if name.startswith(".") and name.endswith(".lock") and len(name) > len("..lock"):
        return lock.with_name(name[1 : -len(".lock")])
    return lock


@contextmanager
def locked(lock: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive lock on the file ``lock`` (created empty if missing, never written) while inside.

    Raises:
        WriteError: the lock file cannot be created (e.g. a read-only folder); nothing was done.
    """
    import fcntl

    lock = Path(lock)
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise WriteError(exc.errno, f"{_guarded(lock)}：无法写入（无法加锁：{exc.strerror}）；未写入") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def atomic_write(path: str | os.PathLike[str], data: str | bytes, durable: bool = True) -> None:
    """Write a file so that readers see the old content or the new one, never a part.

    Args:
        path: the file to write; missing folders are created.
        data: the content; text is written as UTF-8.
        durable: wait until the content is on disk (fsync); a cache that can be rebuilt need not.

    Raises:
        WriteError: the file cannot be written; the old content (if any) is untouched.
    """
    _write(Path(path), data, replace=True, durable=durable)


def write_if_changed(path: str | os.PathLike[str], data: str | bytes) -> bool:
    """Write a file atomically unless it already holds exactly ``data``; return whether it was written.

    An unchanged output keeps its modification time, so that web servers, mirrors and people see
    that nothing changed.

    Raises:
        WriteError: the file cannot be written; the old content (if any) is untouched.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if Path(path).read_bytes() == payload:
            return False
    except OSError:
        pass
    _write(Path(path), payload, replace=True)
    return True


def append_lines(path: str | os.PathLike[str], lines: list[str], lock: str | os.PathLike[str] | None = None) -> None:
    """Append whole lines to an append-only record (JSON Lines), never losing or mixing another writer's.

    Under an exclusive lock on ``lock`` (default: a sidecar ``.<name>.lock``), the current content is read, the lines
    are appended and the result is written atomically: a reader sees every earlier line unchanged.

    Raises:
        WriteError: the record cannot be written (nothing was appended).
    """
    path = Path(path)
    if not lines:
        return
    if any("\n" in line for line in lines):
        raise ValueError("a record line must not contain a line break")
    path.parent.mkdir(parents=True, exist_ok=True)
    with locked(lock if lock is not None else lock_path(path)):
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            old = b""
        if old and not old.endswith(b"\n"):
            old += b"\n"  # a torn last line stays as it was, on its own line
        _write(path, old + "".join(f"{line}\n" for line in lines).encode("utf-8"), replace=True)


def atomic_create(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write a new file atomically; never replace one, even one that appears while writing.

    Raises:
        TargetExistsError: the file exists already (nothing was written).
        WriteError: the file cannot be written.
    """
    _write(Path(path), data, replace=False)


def write_guarded(path: str | os.PathLike[str], data: str | bytes, may_replace: Callable[[Path], None]) -> bool:
    """Write a file atomically unless ``may_replace`` refuses the file that is there; check and write are one step.

    The check and the write happen under the lock of ``path`` (:func:`lock_path`, the one the editor's
    save holds), so no other locked writer changes the file in between. A file that is not there yet is
    created exclusively (as :func:`atomic_create`), so a writer that does not lock cannot be replaced
    either; if one appears meanwhile, ``may_replace`` decides about it.

    Args:
        path: the file to write.
        data: the content; text is written as UTF-8.
        may_replace: called with ``path`` when a file is there; raises to refuse (nothing is written).

    Returns:
        Whether an existing file was replaced.

    Raises:
        WriteError: the file (or its lock) cannot be written; the old content (if any) is untouched.
    """
    path = Path(path)
    with locked(lock_path(path)):
        for _ in range(3):
            if os.path.lexists(path):
                may_replace(path)
                _write(path, data, replace=True)
                return True
            try:
                _write(path, data, replace=False)
                return False
            except TargetExistsError:
                continue  # created meanwhile by a writer that does not lock: check that file
        raise WriteError(17, f"{path}：文件在写入时反复出现又消失，未写入")


def ensure_folder(path: str | os.PathLike[str]) -> Path:
    """Create the folder ``path`` (and its parents) if missing.

    Raises:
        WriteError: it cannot be a folder (a file is there or above it, no permission, disk full…).
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise WriteError(17, f"{folder}：这是一个文件，不是文件夹") from None
    except NotADirectoryError:
        raise WriteError(20, f"{folder}：上级路径中有一个文件，无法在其下建立文件夹") from None
    except OSError as exc:
        raise WriteError(exc.errno, f"{folder}：无法建立文件夹（{exc.strerror or type(exc).__name__}）") from None
    return folder


def new_file_mode() -> int:
    """The mode a newly created file gets: ``0o666`` without the process's umask bits."""
    return 0o666 & ~_umask()


def _umask() -> int:
    # Linux reports the umask without changing it; os.umask() would briefly change it for every thread.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write(path: Path, data: str | bytes, replace: bool, durable: bool = True) -> None:
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        _write_payload(path, payload, replace, durable)
    except WriteError:
        raise
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise WriteError(exc.errno, f"{path}：无法写入（{reason}）；原有文件（如有）未改动") from None


def _write_payload(path: Path, payload: bytes, replace: bool, durable: bool = True) -> None:
    if path.is_dir():
        raise WriteError(21, f"{path}：这是一个文件夹，无法写成文件")
    if not replace and os.path.lexists(path):
        raise TargetExistsError(17, f"{path}：文件已存在")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{_temp_stem(path.name)}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        _copy_permissions(path, tmp)
        if replace:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
        if durable:
            _sync_folder(path.parent)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _link_new(tmp: str, path: Path) -> None:
    try:
        os.link(tmp, path)  # fails if the target appeared meanwhile; never replaces
    except FileExistsError:
        raise TargetExistsError(17, f"{path}：文件已存在") from None
    except OSError:  # file systems without hard links: the check before writing is the best there is
        if os.path.lexists(path):
            raise TargetExistsError(17, f"{path}：文件已存在") from None
        os.replace(tmp, path)


def _copy_permissions(path: Path, tmp: str) -> None:
    """Give the temporary file the target's mode (and, where allowed, its owner and group)."""
    try:
        current = os.stat(path)
    except OSError:  # no file yet (or a dangling link): mkstemp's 0600 becomes what any program would create
        os.chmod(tmp, new_file_mode())
        return
    for owner in ((current.st_uid, current.st_gid), (-1, current.st_gid)):
        try:
            os.chown(tmp, *owner)
            break
        except OSError:  # only root may give a file away; a group the writer is not in is kept as is
            continue
    os.chmod(tmp, current.st_mode & 0o7777)  # after chown, which clears set-id bits


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; not every system can open or sync a folder (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_stem(name: str) -> str:
    """The target's name cut to :data:`MAX_TEMP_STEM` bytes, so the temporary name stays a valid name."""
    return name.encode("utf-8")[:MAX_TEMP_STEM].decode("utf-8", "ignore")


__all__ = [
    "TargetExistsError",
    "WriteError",
    "atomic_create",
    "atomic_write",
    "ensure_folder",
    "append_lines",
    "new_file_mode",
    "write_guarded",
    "write_if_changed",
]
