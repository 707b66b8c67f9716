"""Writing and reading files safely: saving never loses or exposes the previous file.

:func:`write_atomically` replaces a file so that, whatever happens midway, the path
holds either the whole old file or the whole new one:

* It writes a fresh, hidden temporary file next to the target, flushes it to disk,
  renames it over the target and makes the rename durable (an fsync of the folder). An
  error or a Ctrl-C midway leaves the previous file intact and removes the temporary
  file.
* It never writes through a symbolic link: a destination that is a symlink (even a
  dangling one) is refused, and the rename replaces a directory entry, never a link's
  target. A destination that exists but is not a regular file is refused too.
* It never exposes what it replaces: the new file of a replacement starts private and
  gets the old file's permission bits (and its owner and group where the process may
  set them) before a byte is written; a new file gets the usual mode, 0o666 narrowed by
  the umask. Other hard links to the old file keep the old content.
* The temporary file is named ``.NAME.PID-RANDOM.tmp``, cut to fit the file system's
  limit on name length, and locked while it is written. A writer killed hard (``kill
  -9``, a power cut) can leave one behind; the next write to the same path removes such
  leftovers, once their process is gone and no one holds their lock.

:func:`read_bounded` reads a file without trusting it: it opens nothing but regular
files, and without blocking, so a FIFO, a device or a folder is refused before a byte
of it is read, and so is a file larger than the limit. It reads :data:`CHUNK_BYTES` at
a time, never more than the limit in all, and shows each chunk to the caller's check,
which can refuse the file long before it is read whole.

>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     path = os.path.join(folder, "notes.txt")
...     write_atomically(path, lambda f: f.write("first\\n"))
...     write_atomically(path, lambda f: f.write("second\\n"))
...     names = os.listdir(folder)  # no temporary file is left
...     text = read_bounded(path, max_bytes=100, what="a notes file")
>>> names, bytes(text)
(['notes.txt'], b'second\\n')
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from collections.abc import Callable
from typing import TextIO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["CHUNK_BYTES", "read_bounded", "write_atomically"]

CHUNK_BYTES = 1 << 20
""":func:`read_bounded` reads this many bytes at a time, showing each chunk to its check."""

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)

_TEMP_TAIL = re.compile(r"(?P<pid>[0-9]{1,10})-[0-9a-f]{12}\.tmp")
"""What follows the prefix in a temporary file's name: ``PID-RANDOM.tmp``."""

_TEMP_TAIL_BYTES = len(".4294967295-0123456789ab.tmp")
"""The longest ``.PID-RANDOM.tmp`` (a 10-digit PID)."""


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------


def write_atomically(target: str, write: Callable[[TextIO], object]) -> None:
    """Replace ``target`` with what ``write(f)`` writes to ``f``, a UTF-8 text file.

    Atomic (temp file, fsync, rename, fsync of the folder): see the module's docstring
    for what it promises. Raises ValueError (and writes nothing) if ``target`` names a
    folder, is a symbolic link or exists as something other than a regular file, and
    FileNotFoundError if its folder does not exist. An exception raised by ``write``
    passes through unchanged, after the temporary file is removed.
    """
    directory, base = os.path.split(target)
    directory = directory or os.curdir
    if not base:
        raise ValueError(f"cannot save to {target!r}: it names a folder, not a file")
    if not os.path.isdir(directory):
        raise FileNotFoundError(errno.ENOENT, "cannot save, no such directory", directory)
    old = _existing_destination(target)
    prefix = _temp_prefix(directory, base)
    _remove_stale_temp_files(directory, prefix)
    tmp = os.path.join(directory, f"{prefix}{os.getpid()}-{secrets.token_hex(6)}.tmp")
    # O_EXCL and O_NOFOLLOW: a fresh file, never an existing one or a planted link. A new
    # file gets 0o666 narrowed by the umask; a replacement starts private, then gets the
    # old file's owner and mode before any byte is written.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC | _O_BINARY
    fd = os.open(tmp, flags, 0o666 if old is None else 0o600)
    try:
        _lock(fd)
        if old is not None:
            _copy_owner_and_mode(fd, tmp, old)
        f = os.fdopen(fd, "w", encoding="utf-8")
    except BaseException:
        os.close(fd)
        os.remove(tmp)
        raise
    try:
        with f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(
            tmp, target
        )  # replaces the directory entry: a link planted since is not followed
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
    _fsync_directory(directory)


def _kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words."""
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _existing_destination(target: str) -> os.stat_result | None:
    """The stat of the regular file ``write_atomically`` will replace, None if there is none.

    A symbolic link (dangling or not) and anything else that is not a regular file are
    refused: a save writes files, never through links or into devices.
    """
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        try:
            points_to = os.readlink(target)
        except OSError:  # pragma: no cover - it was a link a moment ago
            points_to = "?"
        raise ValueError(
            f"cannot save to {target}: it is a symbolic link (to {points_to}), and save never "
            "writes through a link; remove the link, or save to the file's own path"
        )
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"cannot save to {target}: it is {_kind(st.st_mode)}, not a file")
    return st


def _temp_prefix(directory: str, base: str) -> str:
    """``.BASE.``, with BASE cut so that ``.BASE.PID-RANDOM.tmp`` fits in NAME_MAX bytes."""
    try:
        name_max = os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no pathconf
        name_max = 255
    if name_max <= 0:  # pragma: no cover - "no limit"
        name_max = 255
    room = name_max - 1 - _TEMP_TAIL_BYTES
    stem = base
    while len(os.fsencode(stem)) > room:  # cut whole characters, never inside one
        stem = stem[:-1]
    return f".{stem}."


def _lock(fd: int) -> None:
    """Hold an advisory lock on our temporary file while it is written (POSIX)."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # pragma: no cover - e.g. a file system without locks
            pass


def _copy_owner_and_mode(fd: int, tmp: str, old: os.stat_result) -> None:
    """Give the new file the old one's owner, group and permission bits, where allowed."""
    if hasattr(os, "fchown"):
        try:
            os.fchown(fd, old.st_uid, old.st_gid)
        except OSError:  # not root: keep our own user, but try for the group
            try:
                os.fchown(fd, -1, old.st_gid)
            except OSError:
                pass
    if hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(old.st_mode))  # after chown, which may clear set-id bits
    else:  # pragma: no cover - Windows
        os.chmod(tmp, stat.S_IMODE(old.st_mode))


def _process_is_alive(pid: int) -> bool:
    """True if a process ``pid`` exists (or we cannot tell); signal 0 only checks."""
    if pid == os.getpid():
        return True  # another thread of ours may be saving right now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, it is someone else's
        return True
    return True


def _remove_stale_temp_files(directory: str, prefix: str) -> None:
    """Remove ``PREFIX PID-RANDOM.tmp`` files left by saves that were killed midway.

    A temporary file is stale when the process in its name is gone and no one holds
    its lock; anything else (another program's file, a live save's) is left alone.
    Only on POSIX: elsewhere signal 0 would not just check a process.
    """
    if os.name != "posix":  # pragma: no cover - Windows
        return
    try:
        names = [n for n in os.listdir(directory) if n.startswith(prefix)]
    except OSError:
        return
    for name in names:
        match = _TEMP_TAIL.fullmatch(name, len(prefix))
        if match is None or _process_is_alive(int(match["pid"])):
            continue
        stale = os.path.join(directory, name)
        try:
            fd = os.open(stale, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC)
        except OSError:
            continue  # gone already, a link, or not ours to read
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                continue
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # in use: BlockingIOError
            now = os.lstat(stale)
            if (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
                os.remove(stale)
        except OSError:
            pass
        finally:
            os.close(fd)


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (POSIX); harmless to skip where unsupported."""
    if os.name != "posix":  # pragma: no cover - Windows cannot open a directory
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------


def _no_check(buf: bytearray, start: int) -> None:
    """The check of a caller that bounds only the size."""


def read_bounded(
    path: str,
    *,
    max_bytes: int,
    what: str,
    check: Callable[[bytearray, int], None] = _no_check,
) -> bytearray:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    The file is opened without blocking (a FIFO with no writer would wait forever) and
    checked to be a regular file no larger than ``max_bytes`` before a byte is read;
    ``what`` names the file the caller expects in the refusal ("a model file").
    After each chunk of :data:`CHUNK_BYTES` is added to the bytes read so far,
    ``check(buf, start)`` sees them all, the new ones from ``buf[start]`` on, and may
    raise to refuse the file at once. Raises ValueError for a file that is not a regular
    file or is (or grows) larger than ``max_bytes``; OSError from opening it passes
    through.
    """
    too_big = f"{path}: file is larger than {max_bytes} bytes; refusing to load it"
    fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOCTTY | _O_CLOEXEC | _O_BINARY)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"{path}: cannot load {_kind(st.st_mode)}; {what} is a regular file")
        if st.st_size > max_bytes:
            raise ValueError(too_big)
        buf = bytearray()
        while True:
            chunk = os.read(fd, CHUNK_BYTES)
            if not chunk:
                break
            start = len(buf)
            buf += chunk
            del chunk
            if len(buf) > max_bytes:  # it grew since fstat
                raise ValueError(too_big)
            check(buf, start)
    finally:
        os.close(fd)
    return buf
