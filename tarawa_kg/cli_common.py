"""Options and error handling shared by the ``tarawa-kg`` command groups."""

from __future__ import annotations

import errno
import functools
import os
import signal
import sys
import warnings
from pathlib import Path

import click

from tarawa_kg.errors import DataWarning, TarawaKGError
from tarawa_kg.formats import RESULT_FORMATS

ROOT_OPTION = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The tarawa-kg checkout (default: $TARAWA_KG_ROOT, else the checkout containing the current "
         "directory, else the installed one).")
ENDPOINT_OPTION = click.option(
    "--endpoint", metavar="URL", default=None,
    help="Run against this SPARQL 1.1 endpoint instead of the local graph.")
QUIET_OPTION = click.option(
    "--quiet", "-q", is_flag=True, help="Do not say on the error stream what the command is doing.")
FORMAT_CHOICES = RESULT_FORMATS


class Terminated(BaseException):
    """SIGTERM, raised like Ctrl-C's ``KeyboardInterrupt`` so that every ``finally`` cleans up."""


def _terminate(_signum, _frame):
    raise Terminated()


def check_url(value: str, option: str, shown: str | None = None) -> str:
    """Refuse, as a usage error naming ``option``, a ``value`` that is not an http(s) URL with a
    host (``http://[::1`` included).

    :param shown: how to show the value (e.g. with a password redacted)
    """
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok:
        raise click.BadParameter(f"{shown or value!r} is not an http(s) URL", param_hint=option)
    return value


def _fail(message: str, code: int) -> None:
    for line in str(message).splitlines() or [""]:
        click.echo(f"error: {line}", err=True)
    sys.exit(code)


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """Library warnings as one ``warning: …`` line each on the error stream (no source lines)."""
    if issubclass(category, DataWarning):
        click.echo(f"warning: {message}", err=True)
    else:
        _default_showwarning(message, category, filename, lineno, file, line)


_default_showwarning = warnings.showwarning
_OUTPUT_ERRNOS = {errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT}


def _stdout_failed(exc: OSError) -> bool:
    """Whether ``exc`` is a failed write to standard output (a full disk, a closed pipe): such
    errors carry no file name, unlike the library's reads and writes, which become ``TarawaKGError``."""
    return exc.filename is None and exc.errno in _OUTPUT_ERRNOS


def _detach_stdout() -> None:
    """Point standard output at ``/dev/null`` so that the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests): nothing to detach
        pass


def handle_errors(func):
    """Turn library errors into one-line messages and the documented exit codes: 2 for bad input
    or a failed output (standard output included), 130 for Ctrl-C, 143 for SIGTERM; never a
    Python traceback. SIGTERM unwinds like Ctrl-C, so temporary files are removed."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        previous = signal.getsignal(signal.SIGTERM)
        try:
            signal.signal(signal.SIGTERM, _terminate)
        except ValueError:  # not the main thread
            previous = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always", DataWarning)
                warnings.showwarning = _show_warning
                return func(*args, **kwargs)
        except TarawaKGError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Terminated:
            _fail("terminated", 143)
        except OSError as exc:
            if not _stdout_failed(exc):
                raise
            _detach_stdout()
            _fail(f"cannot write to standard output: {exc.strerror or exc}", 2)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
    return wrapper
