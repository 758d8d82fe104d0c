"""The Oxigraph server from PyPI (``pip install oxigraph``): locating it, loading a store, serving."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tarawa_kg.errors import TarawaKGError


class OxigraphNotFound(TarawaKGError):
    """The ``oxigraph`` command is not installed."""


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` command: next to this Python (a virtual environment), else on PATH.

    :raises OxigraphNotFound: it is in neither place
    """
    candidate = Path(sys.executable).parent / "oxigraph"
    if candidate.is_file():
        return str(candidate)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise OxigraphNotFound("the 'oxigraph' server is not installed (pip install oxigraph)")


def load_store(location: Path, data_file: Path) -> None:
    """Load an N-Triples or Turtle file into the default graph of the store at ``location``.

    Oxigraph loads a file atomically: all of it or nothing.

    :raises TarawaKGError: the load failed (the message carries Oxigraph's own)
    """
    done = subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", str(data_file)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise TarawaKGError(f"oxigraph load failed: {done.stderr.strip() or done.stdout.strip()}")


def read_only_command(location: Path, host: str, port: int, timeout_s: float | None) -> list[str]:
    """The ``oxigraph serve-read-only`` command line: SPARQL at ``/query``, no update, UI at ``/``."""
    command = [oxigraph_binary(), "serve-read-only", "--location", str(location), "--bind", f"{host}:{port}"]
    if timeout_s:
        command += ["--timeout-s", str(int(max(1, timeout_s)))]
    return command
