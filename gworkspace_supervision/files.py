"""Files the toolkit reads and writes, handled the one safe way (issue 14).

Inputs (roster, caseload, policy, settings) are read only when they are regular files no bigger
than a limit, checked on the open file before a byte is read: a FIFO would block for ever and
/dev/zero never ends. Outputs are written only to a regular file or a new path, whole or not at
all, so a named pipe or device given as an output is refused rather than replaced. A file name
made from input text (an email, a record title) goes through `file_in`, the one function that
reduces text to a safe name inside its folder.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import unicodedata
from pathlib import Path

from .errors import InputError, Problem

MAX_CSV_BYTES = 20 * 1024 * 1024  # a roster of 20,000 staff is about 4 MB
MAX_TOML_BYTES = 1024 * 1024  # the biggest shipped policy is 12 KB
MAX_NAME = 120  # characters of a file name made from input text, before its suffix


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_input(path: str | Path, what: str, limit: int) -> bytes:
    """The bytes of input file `path`, refused (InputError naming the file) when it is missing,
    not a regular file, or over `limit` bytes; never blocks on a pipe or device."""
    name = str(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError(Problem(name, None, None, f"{what} file not found")) from None
    except OSError as exc:
        raise InputError(Problem(name, None, None, f"cannot read {what}: {exc.strerror}")) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                Problem(name, None, None, f"cannot read {what}: {_kind(info.st_mode)}, not a file")
            )
        if info.st_size > limit:
            raise InputError(Problem(name, None, None, _too_big(what, info.st_size, limit)))
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:  # grew while we looked
        raise InputError(Problem(name, None, None, _too_big(what, len(raw), limit)))
    return raw


def _too_big(what: str, size: int, limit: int) -> str:
    return f"{what} is {size:,} bytes, more than the {limit:,} allowed; is it the right file?"


def check_output(path: Path) -> None:
    """InputError unless `path` is a regular file or does not exist yet, in an existing folder."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(Problem(str(path), None, None, f"cannot write: {exc.strerror}")) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise InputError(
            Problem(str(path), None, None, f"{_kind(info.st_mode)}; give a file to write to")
        )
    if not path.resolve().parent.is_dir():
        raise InputError(Problem(str(path), None, None, "folder does not exist"))


def write_output(path: Path, data: bytes) -> None:
    """Write a whole file or nothing (a half-written ICS would import half a year), only over a
    regular file or at a new path (see `check_output`)."""
    check_output(path)
    directory = path.resolve().parent
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_UNSAFE = re.compile(r"[^\w@.,() +-]+")


def safe_name(text: str) -> str:
    """`text` as one file name: letters, digits, spaces and @ . , ( ) + - _ only; no leading
    dot, no path separator, at most MAX_NAME characters; "untitled" if nothing is left."""
    name = unicodedata.normalize("NFKC", text)
    name = "".join(c for c in name if unicodedata.category(c)[0] not in "CZ" or c == " ")
    name = _UNSAFE.sub("_", name).strip(" .")
    name = re.sub(r"\.{2,}", "_", name)[:MAX_NAME].strip(" .")
    return name or "untitled"


def file_in(directory: Path, text: str, suffix: str) -> Path:
    """The path of a file named after input `text` (plus `suffix`) directly inside `directory`,
    whatever the text holds (`../../x`, `/etc/passwd`, a NUL): the one way to build a file name
    from input."""
    path = directory / f"{safe_name(text)}{suffix}"
    if path.parent != directory or path.name in ("", ".", ".."):  # cannot happen; belt and braces
        raise ValueError(f"unsafe file name from {text!r}")
    return path
