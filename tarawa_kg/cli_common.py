"""Options and error handling shared by the ``tarawa-kg`` command groups."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from tarawa_kg.errors import TarawaKGError

ROOT_OPTION = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The tarawa-kg checkout (default: $TARAWA_KG_ROOT, else the checkout containing the current "
         "directory, else the installed one).")
ENDPOINT_OPTION = click.option(
    "--endpoint", metavar="URL", default=None,
    help="Run against this SPARQL 1.1 endpoint instead of the local graph.")
QUIET_OPTION = click.option(
    "--quiet", "-q", is_flag=True, help="Do not say on the error stream what the command is doing.")
FORMAT_CHOICES = ("table", "csv", "tsv", "json")


def _fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def handle_errors(func):
    """Turn library errors into one-line messages and the documented exit codes."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except TarawaKGError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
    return wrapper
