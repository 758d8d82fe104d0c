"""``tarawa-kg serve``: a read-only SPARQL 1.1 endpoint over the built graph (Oxigraph server)."""

from __future__ import annotations

import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tarawa_kg.build import BASENAME
from tarawa_kg.export import serialize_graph, write_atomic
from tarawa_kg.errors import EndpointError, TarawaKGError
from tarawa_kg.oxigraph import load_store, read_only_command
from tarawa_kg.progress import Progress, quiet
from tarawa_kg.project import Project
from tarawa_kg.validate import validate_project


class NotConforming(TarawaKGError):
    """The graph does not conform to the shapes; it is not served or published (exit code 1)."""

    exit_code = 1


@dataclass
class PreparedStore:
    """An Oxigraph store holding exactly the build's N-Triples export, in its default graph.

    :param location: the store's folder
    :param triples: number of triples loaded
    """

    location: Path
    triples: int


def prepare_store(project: Project | None = None, location: Path | str | None = None,
                  progress: Progress = quiet) -> PreparedStore:
    """Load and validate the graph as ``build`` does, and load the N-Triples that ``build``
    exports into a new Oxigraph store, so that the store holds exactly what ``build`` exports.

    :param location: an empty or absent folder for the store (default: a new temporary folder)
    :raises NotConforming: the graph does not conform to the shapes
    :raises TarawaKGError: ``location`` is not empty, or Oxigraph failed
    """
    if location and Path(location).exists() and any(Path(location).iterdir()):
        raise TarawaKGError(f"{location}: the store folder must be empty")
    graph, report = validate_project(project, progress=progress)
    if not report.conforms:
        raise NotConforming(f"the graph does not conform ({report.summary()}); run "
                            "'tarawa-kg validate' for the details")
    with tempfile.TemporaryDirectory(prefix="tarawa-kg-build-") as tmp:
        data_file = write_atomic(Path(tmp) / f"{BASENAME}.nt", serialize_graph(graph, "nt"))
        store = Path(location) if location else Path(tempfile.mkdtemp(prefix="tarawa-kg-store-"))
        store.mkdir(parents=True, exist_ok=True)
        progress(f"loading the Oxigraph server's store {store}")
        load_store(store, data_file)
    return PreparedStore(store, len(graph))


def ensure_port_free(host: str, port: int) -> None:
    """Check, before any work, that ``host:port`` can be listened on.

    :raises EndpointError: the port is taken (another server) or the address is not this machine's
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise EndpointError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                                f"choose another --port or --host") from None


def serve(store: PreparedStore, host: str = "127.0.0.1", port: int = 7878,
          timeout_s: float | None = 30.0) -> subprocess.Popen:
    """Start ``oxigraph serve-read-only`` on ``store``: SPARQL queries at ``http://HOST:PORT/query``,
    the bundled query UI at ``http://HOST:PORT/``; updates are refused; queries longer than
    ``timeout_s`` seconds are cut off.

    :returns: the server process (the caller waits on it or terminates it)
    """
    return subprocess.Popen(read_only_command(store.location, host, port, timeout_s))
