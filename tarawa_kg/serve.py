"""``tarawa-kg serve``: a read-only SPARQL 1.1 endpoint over the built graph (Oxigraph server)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tarawa_kg.build import BASENAME
from tarawa_kg.export import TEMP_MARK, clean_stale_temporaries, serialize_graph, write_atomic
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
    :param graph: the validated :class:`~tarawa_kg.store.KnowledgeGraph` it was made from (the web
        edition is built from it, so that ``serve`` loads the checkout once)
    """

    location: Path
    triples: int
    graph: object = field(default=None, repr=False, compare=False)


def prepare_store(project: Project | None = None, location: Path | str | None = None,
                  progress: Progress = quiet) -> PreparedStore:
    """Load and validate the graph as ``build`` does, and load the N-Triples that ``build``
    exports into a new Oxigraph store, so that the store holds exactly what ``build`` exports.

    :param location: an empty or absent folder for the store (default: a new temporary folder;
        it and the temporary files are removed on any failure or interruption, and those that
        killed earlier runs left are removed first)
    :raises NotConforming: the graph does not conform to the shapes
    :raises TarawaKGError: ``location`` is not empty, or Oxigraph failed
    """
    if location and Path(location).exists() and any(Path(location).iterdir()):
        raise TarawaKGError(f"{location}: the store folder must be empty")
    graph, report = validate_project(project, progress=progress)
    if not report.conforms:
        raise NotConforming(f"the graph does not conform ({report.summary()}); run "
                            "'tarawa-kg validate' for the details")
    clean_stale_temporaries(tempfile.gettempdir())
    created = not location or not Path(location).exists()
    store = Path(location) if location else Path(tempfile.mkdtemp(prefix=f".tarawa-kg-store.{TEMP_MARK}{os.getpid()}-",
                                                                    suffix=".tmp"))
    try:
        with tempfile.TemporaryDirectory(prefix=f".tarawa-kg-serve.{TEMP_MARK}{os.getpid()}-", suffix=".tmp") as tmp:
            data_file = write_atomic(Path(tmp) / f"{BASENAME}.nt", serialize_graph(graph, "nt"))
            store.mkdir(parents=True, exist_ok=True)
            progress(f"loading the Oxigraph server's store {store}")
            load_store(store, data_file)
    except BaseException:  # Ctrl-C, SIGTERM (see cli_common) or a failed load: leave nothing behind
        if created:
            shutil.rmtree(store, ignore_errors=True)
        raise
    return PreparedStore(store, len(graph), graph)


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


class Served:
    """A running endpoint: the gateway (:mod:`tarawa_kg.gateway`) on the public address, the Oxigraph
    server behind it on a free port of 127.0.0.1. Used like a ``subprocess.Popen``: ``wait``,
    ``poll``, ``terminate``, ``kill``; when the server process ends, the gateway stops too.
    """

    def __init__(self, process: subprocess.Popen, gateway):
        self.process = process
        self.gateway = gateway
        self.returncode = None

    def _stop_gateway(self) -> None:
        if self.gateway is not None:
            self.gateway.shutdown()
            self.gateway.server_close()
            self.gateway = None

    def poll(self):
        code = self.process.poll()
        if code is not None:
            self._stop_gateway()
            self.returncode = code
        return code

    def wait(self, timeout: float | None = None) -> int:
        code = self.process.wait(timeout)
        self._stop_gateway()
        self.returncode = code
        return code

    def terminate(self) -> None:
        self.process.terminate()

    def kill(self) -> None:
        self.process.kill()


def serve(store: PreparedStore, host: str = "127.0.0.1", port: int = 7878,
          timeout_s: float | None = 30.0, allow_federation: bool = False) -> Served:
    """Serve ``store`` read-only: SPARQL queries at ``http://HOST:PORT/query``, the query UI at
    ``http://HOST:PORT/``; updates are refused.

    A query that runs longer than ``timeout_s`` seconds is cut off: the client gets HTTP 503 and a
    one-line message (never HTTP 200 with a truncated body). Queries with ``SERVICE`` (federated
    queries, which make the server fetch any URL a query names) are refused with HTTP 403 unless
    ``allow_federation``.

    :returns: the running endpoint (the caller waits on it or terminates it)
    :raises EndpointError: ``host:port`` cannot be listened on
    """
    from tarawa_kg.gateway import start_gateway

    inner = free_local_port()
    # Oxigraph's own limit, a little after the gateway's, stops the work the gateway gave up on
    process = subprocess.Popen(read_only_command(store.location, "127.0.0.1", inner,
                                                 timeout_s + 2 if timeout_s else None),
                               stderr=subprocess.PIPE, text=True, errors="replace")
    threading.Thread(target=_relay_log, args=(process.stderr,), daemon=True).start()
    try:
        wait_listening("127.0.0.1", inner, process)  # the gateway listens once Oxigraph answers
    except EndpointError:
        process.terminate()
        process.wait()
        raise
    try:
        gateway = start_gateway(host, port, ("127.0.0.1", inner), timeout_s, allow_federation)
    except OSError as exc:
        process.terminate()
        process.wait()
        raise EndpointError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return Served(process, gateway)


_INNER_NOISE = ("Listening for requests at", "OxHTTP TCP error when writing response")
"""Oxigraph's log lines about its inner address, and about the gateway closing a connection it gave up on."""


def _relay_log(stream) -> None:
    """Copy Oxigraph's error stream to ours, without the lines of :data:`_INNER_NOISE`."""
    for line in stream:
        if not line.startswith(_INNER_NOISE):
            sys.stderr.write(line)
            sys.stderr.flush()


def free_local_port(host: str = "127.0.0.1") -> int:
    """A port on ``host`` that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_listening(host: str, port: int, process: subprocess.Popen, seconds: float = 30.0) -> None:
    """Wait until ``host:port`` accepts connections.

    :raises EndpointError: the process ended, or nothing listens after ``seconds``
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EndpointError(f"the Oxigraph server stopped at start (exit code {process.returncode})")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise EndpointError(f"the Oxigraph server does not listen on {host}:{port} after {seconds:g} s")
