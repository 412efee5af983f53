"""Output files and interrupts: the one mechanism every writer of samtheory goes through.

* :func:`check_output` validates an output path *before* the work starts (empty path, missing or
  unwritable folder, a directory, a device) and says what is wrong as an
  :class:`~samtheory.InvalidParameterError` naming the option, so a long run never ends in a
  traceback about its output.
* :func:`open_output` / :func:`write_output` write one output. What is written depends on what
  the path is:

  - ``"-"``, or a path that is the process's standard output (``/dev/stdout``, or the very file
    stdout is redirected to): written to stdout directly;
  - a FIFO (named pipe): opened and written directly (renaming over it would destroy the pipe);
  - a symbolic link: followed, and the *target* is replaced atomically (the link stays a link);
  - a regular file or a new name: written to a temporary file in the same folder, flushed, synced
    and renamed over the path (:func:`os.replace`), so readers see the old content or the new
    one, never half a file;
  - device nodes other than stdout, sockets and directories are refused.

  Temporary names are ``.NAME.PID.RANDOM.tmp``: unique, so concurrent writers of one path never
  collide (the last rename wins, each file whole). A writer removes its temporary file on any
  error or interrupt; one killed outright (SIGKILL) cannot, so the next write to the same path
  removes the temporaries whose process no longer exists (:func:`remove_stale_temporaries`).
  Ctrl-C (SIGINT) is held back only for the few system calls that commit or remove a temporary
  file, so an interrupt never leaves one behind.
* :func:`interrupt_guard`: a SIGINT handler that also *records* the interrupt. Python drops a
  ``KeyboardInterrupt`` raised inside a finalizer or weak-reference callback ("Exception
  ignored in ..."), so an interrupt can be lost; the recorded flag makes the next output commit
  (and the CLI's exit status) honour it anyway.
* :func:`to_jsonable` turns numpy scalars and arrays, tuples and non-finite floats into plain
  JSON values, so that ``json.dumps(..., allow_nan=False)`` produces strict JSON.
"""
from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import stat
import sys
import tempfile
import threading

import numpy as np

from ._validation import InvalidParameterError

#: The path that means standard output.
STDOUT = "-"

#: Default output folder of full-size figure runs (``samtheory reproduce``; the committed figures).
FIGURES_DIR = "figures"
#: Default output folder of ``quick`` figure runs: separate (and git-ignored), so a quick run never
#: overwrites a committed full-size figure.
QUICK_DIR = os.path.join(FIGURES_DIR, "quick")

_interrupted = threading.Event()


# ---------------------------------------------------------------------------------------------
# interrupts
# ---------------------------------------------------------------------------------------------

def _on_sigint(signum, frame):
    _interrupted.set()
    raise KeyboardInterrupt


def interrupted() -> bool:
    """Whether a SIGINT arrived while :func:`interrupt_guard` was active."""
    return _interrupted.is_set()


def raise_if_interrupted() -> None:
    """Raise :class:`KeyboardInterrupt` if an interrupt was recorded (and possibly swallowed)."""
    if _interrupted.is_set():
        raise KeyboardInterrupt


@contextlib.contextmanager
def interrupt_guard():
    """Install the recording SIGINT handler for the duration of the block (main thread only;
    elsewhere, or when SIGINT is ignored or handled by someone else, nothing is changed). The
    record starts empty and is dropped when the block ends."""
    _interrupted.clear()
    installed, previous = False, None
    if threading.current_thread() is threading.main_thread():
        previous = signal.getsignal(signal.SIGINT)
        if previous is signal.default_int_handler:
            signal.signal(signal.SIGINT, _on_sigint)
            installed = True
    previous_hook = sys.unraisablehook

    def quiet_recorded_interrupt(unraisable):
        # a SIGINT that lands in a callback Python cannot raise from (a weakref or __del__ run by
        # the garbage collector) is printed as "Exception ignored ... KeyboardInterrupt" with a
        # traceback; it is recorded, and raise_if_interrupted raises it again where it can be
        if not (installed and unraisable.exc_type is KeyboardInterrupt and _interrupted.is_set()):
            previous_hook(unraisable)

    sys.unraisablehook = quiet_recorded_interrupt
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        if installed:
            signal.signal(signal.SIGINT, previous)
        _interrupted.clear()  # the record is about this block only


@contextlib.contextmanager
def sigint_held():
    """Hold SIGINT back for a few system calls (delivered right after the block)."""
    can_block = (hasattr(signal, "pthread_sigmask")
                 and threading.current_thread() is threading.main_thread())
    if can_block:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if can_block:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


# ---------------------------------------------------------------------------------------------
# what a path is
# ---------------------------------------------------------------------------------------------

def is_stdout(path) -> bool:
    if path == STDOUT:
        return True
    try:
        st, out = os.stat(path), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no such path, or stdout is not a real file
        return False
    return (st.st_dev, st.st_ino) == (out.st_dev, out.st_ino)


def _kind(path) -> tuple:
    """``(kind, target)``: kind is ``"stdout"``, ``"stream"`` (a FIFO, written directly) or
    ``"file"`` (written atomically at ``target``, the path with symbolic links resolved)."""
    if is_stdout(path):
        return "stdout", path
    target = os.path.realpath(path)
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return "file", target
    if stat.S_ISFIFO(mode):
        return "stream", target
    if stat.S_ISDIR(mode):
        raise InvalidParameterError("is a directory")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise InvalidParameterError("is a device; write to a regular file, a FIFO, or '-' for stdout")
    if not stat.S_ISREG(mode):
        raise InvalidParameterError("is not a regular file or a FIFO")
    return "file", target


def _temp_prefix(target) -> str:
    return "." + os.path.basename(target) + "."


def _new_temporary(target):
    directory = os.path.dirname(target) or "."
    return tempfile.mkstemp(prefix=f"{_temp_prefix(target)}{os.getpid()}.", suffix=".tmp", dir=directory)


def _pid_alive(pid) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process there: never remove
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # exists (someone else's), or not a pid we can judge: leave its files alone
    return True


def remove_stale_temporaries(path) -> list:
    """Remove the temporary files of earlier writes to ``path`` whose writer process is gone
    (killed before it could clean up). Temporaries of live processes, including concurrent
    writers, are kept. Returns the removed paths."""
    kind, target = _kind(path)
    if kind != "file":
        return []
    directory = os.path.dirname(target) or "."
    pattern = re.compile(re.escape(_temp_prefix(target)) + r"(\d+)\.[A-Za-z0-9_]+\.tmp")
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        m = pattern.fullmatch(name)
        if m is None or int(m.group(1)) == os.getpid() or _pid_alive(int(m.group(1))):
            continue
        try:
            os.unlink(os.path.join(directory, name))
            removed.append(os.path.join(directory, name))
        except OSError:
            pass
    return removed


# ---------------------------------------------------------------------------------------------
# validation before the work
# ---------------------------------------------------------------------------------------------

def output_folder(outdir: str | os.PathLike[str] | None = None, quick: bool = False) -> str | os.PathLike[str]:
    """The folder a figure script writes to: ``outdir`` if given, else :data:`QUICK_DIR` for a quick
    run and :data:`FIGURES_DIR` otherwise."""
    if outdir is not None:
        return outdir
    return QUICK_DIR if quick else FIGURES_DIR


def check_output(path, option="path") -> str:
    """Check that ``path`` can be written, before any work; return it as a string.

    Raises :class:`~samtheory.InvalidParameterError` whose message starts with ``option`` and
    the path and says what is wrong. For a new or regular file the folder is probed by creating
    and removing a temporary file, which catches read-only file systems and pseudo file systems
    such as ``/proc`` that permission bits do not reveal.
    """
    if path is None or not isinstance(path, (str, os.PathLike)):
        raise InvalidParameterError(f"{option} must be a path or '-' for stdout; got {path!r}")
    path = os.fspath(path)
    if path == "":
        raise InvalidParameterError(f"{option} needs a file name (or '-' for stdout); got an empty path")
    try:
        kind, target = _kind(path)
    except InvalidParameterError as exc:
        raise InvalidParameterError(f"{option} {path}: {exc}") from None
    if kind == "stdout":
        return path
    if kind == "stream":
        if not os.access(target, os.W_OK):
            raise InvalidParameterError(f"{option} {path}: the FIFO is not writable")
        return path
    directory = os.path.dirname(target) or "."
    if not os.path.isdir(directory):
        raise InvalidParameterError(f"{option} {path}: folder {directory} does not exist")
    if os.path.exists(target) and not os.access(target, os.W_OK):
        raise InvalidParameterError(f"{option} {path}: the file is read-only")
    _probe(target, f"{option} {path}")
    return path


def _probe(target, what) -> None:
    """Create and remove a temporary file next to ``target``: can files be created there?"""
    directory = os.path.dirname(target) or "."
    try:
        with sigint_held():
            fd, probe = _new_temporary(target)
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        raise InvalidParameterError(f"{what}: cannot create files in {directory} "
                                    f"({exc.strerror or exc})") from None


def check_output_dir(path, option="outdir") -> str:
    """Check (and create) an output folder before the work: it must be a folder, or creatable,
    and files must be creatable in it. Returns the path."""
    if path is None or not isinstance(path, (str, os.PathLike)) or os.fspath(path) == "":
        raise InvalidParameterError(f"{option} needs a folder name; got {path!r}")
    path = os.fspath(path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise InvalidParameterError(f"{option} {path}: not a folder")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise InvalidParameterError(f"{option} {path}: cannot create the folder ({exc.strerror or exc})") from None
    _probe(os.path.join(os.path.realpath(path), "probe"), f"{option} {path}")
    return path


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------

@contextlib.contextmanager
def open_output(path):
    """A binary file object for ``path``, committed when the block ends without an error.

    See the module docstring for what happens with stdout, FIFOs, symbolic links and regular
    files. On an error or interrupt inside the block a regular file keeps its old content and
    no temporary file is left behind. A recorded (possibly swallowed) interrupt prevents the
    commit.
    """
    path = os.fspath(path)
    try:
        kind, target = _kind(path)
    except InvalidParameterError as exc:
        raise InvalidParameterError(f"{path}: {exc}") from None
    raise_if_interrupted()
    if kind == "stdout":
        sys.stdout.flush()
        stream = sys.stdout.buffer
        yield stream
        stream.flush()
        return
    if kind == "stream":
        with open(target, "wb") as fh:
            yield fh
        return
    remove_stale_temporaries(target)
    tmp, fh = None, None
    try:
        with sigint_held():
            fd, tmp = _new_temporary(target)
            fh = os.fdopen(fd, "wb")
        yield fh
        raise_if_interrupted()
        with sigint_held():
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
            # mkstemp creates the file with mode 0600; give it the usual permissions
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, target)
            tmp = None
    finally:
        if tmp is not None:
            with sigint_held():
                try:
                    fh.close()
                except (OSError, AttributeError):
                    pass
                try:
                    os.unlink(tmp)
                except OSError:
                    pass


def write_output(path, data) -> None:
    """Write ``data`` (``str``, written as UTF-8, or ``bytes``) to ``path`` through
    :func:`open_output`."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    elif not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"write_output needs str or bytes; got {type(data).__name__}")
    with open_output(path) as fh:
        fh.write(data)


def atomic_write_text(path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` (kept for its callers; :func:`write_output` with text)."""
    if not isinstance(text, str):
        raise TypeError(f"atomic_write_text needs str; got {type(text).__name__}")
    write_output(path, text.encode(encoding))


def to_jsonable(obj):
    """Recursively convert ``obj`` into values :mod:`json` accepts in strict mode.

    numpy scalars become Python numbers, arrays and tuples become lists, non-finite floats
    (``nan``, ``inf``) become ``None`` (JSON ``null``), and objects with a ``to_dict()`` method
    (intervals, results) become their dictionaries. The one converter of the package: every JSON
    samtheory writes goes through it, so a missing value reads the same everywhere.
    """
    if hasattr(obj, "to_dict") and not isinstance(obj, (dict, np.ndarray)):
        return to_jsonable(obj.to_dict())
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    return obj
