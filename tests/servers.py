"""Real SPARQL 1.1 servers for tests: Oxigraph and Virtuoso Open Source on free loopback ports.

Each ``start_*`` function launches the server as a child process of the test run (never a system
service), waits until it answers HTTP, and returns a :class:`Server`; ``Server.stop()`` ends it.
Everything a server writes stays in the directory it is given.

    server = start_oxigraph(tmp_path / "oxigraph")
    try:
        requests.put(f"{server.store_url}?graph={iri}", data=turtle,
                     headers={"Content-Type": "text/turtle"})
    finally:
        server.stop()

Oxigraph (the ``oxigraph`` command of the PyPI package, installed with the project):
  query ``/query``, update ``/update``, Graph Store Protocol ``/store?graph=<iri>``, no auth.

Virtuoso (Debian package ``virtuoso-opensource``, binary ``virtuoso-t``; see ``.ci/virtuoso.sh``):
  query ``/sparql`` (anonymous, read-only), update ``/sparql-auth`` and Graph Store HTTP Protocol
  ``/sparql-graph-crud-auth?graph-uri=<iri>``, both with HTTP digest auth as
  ``server.user``/``server.password`` (use ``server.auth``).
"""

from __future__ import annotations

import atexit
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import requests
from requests.auth import HTTPDigestAuth

STARTUP_TIMEOUT_S = 30.0
"""Upper bound on waiting for a server to answer HTTP after it is launched."""

STOP_TIMEOUT_S = 15.0
"""How long ``stop()`` waits after SIGTERM before it sends SIGKILL."""


class ServerError(RuntimeError):
    """A server could not be found, did not start, or did not answer in time."""


@dataclass
class Server:
    """A running SPARQL server, child of this process."""

    engine: str
    base_url: str
    query_url: str
    update_url: str | None
    store_url: str
    process: subprocess.Popen
    work_dir: Path
    user: str | None = None
    password: str | None = None
    isql_port: int | None = None
    log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def auth(self) -> HTTPDigestAuth | None:
        """Digest credentials for ``update_url``/``store_url`` (None when they need none)."""
        if self.user is None:
            return None
        return HTTPDigestAuth(self.user, self.password or "")

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        """What the process has written to stdout and stderr so far."""
        return _read_log(self.log)

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> int:
        """End the process (SIGTERM, then SIGKILL after ``timeout_s``); return its exit code.

        Safe to call more than once.
        """
        proc = self.process
        if proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=timeout_s)
        if self.log is not None and not self.log.closed:
            self.log.close()
        return proc.returncode


# --------------------------------------------------------------------------------------------
# helpers


def free_ports(count: int = 1) -> list[int]:
    """``count`` distinct TCP ports free on 127.0.0.1 (all held open together while chosen)."""
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def _read_log(log: IO[bytes] | None, limit: int = 4000) -> str:
    if log is None or log.closed:
        return ""
    log.flush()
    log.seek(0)
    data = log.read()
    log.seek(0, os.SEEK_END)
    return data[-limit:].decode("utf-8", "replace")


def _find_binary(name: str, *candidates: Path) -> Path | None:
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    found = shutil.which(name)
    return Path(found) if found else None


def _launch(cmd: list[str], cwd: Path | None) -> tuple[subprocess.Popen, IO[bytes]]:
    # An anonymous temporary file takes the output: nothing is left on disk, and a pipe nobody
    # reads could fill up and block the server.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT)
    _CHILDREN.append(proc)
    return proc, log


_CHILDREN: list[subprocess.Popen] = []
"""Every server process started here; any still running when Python exits is terminated."""


@atexit.register
def _stop_leftovers() -> None:
    for proc in _CHILDREN:
        _terminate(proc)


_PORT_TAKEN = re.compile(r"address already in use|failed http listen|failed to bind|"
                         r"cannot bind|error binding", re.IGNORECASE)
PORT_ATTEMPTS = 3
"""Launch attempts when another process took the chosen free port first."""


class _PortTaken(ServerError):
    pass


def _start_on_free_ports(nports: int, launch, ready_url, startup_timeout_s: float, what: str):
    """Pick ``nports`` free ports, ``launch(ports) -> (proc, log)``, wait for ``ready_url(ports)``.

    Tries again with new ports (at most :data:`PORT_ATTEMPTS` times) when the server exits
    saying its port is in use: a free port can be taken between choosing and binding it.
    """
    for attempt in range(1, PORT_ATTEMPTS + 1):
        ports = free_ports(nports)
        proc, log = launch(ports)
        try:
            _wait_until_up(proc, log, ready_url(ports), {"query": "ASK {}"}, startup_timeout_s,
                           what)
        except ServerError as exc:
            log.close()
            if attempt < PORT_ATTEMPTS and proc.returncode is not None \
                    and _PORT_TAKEN.search(str(exc)):
                continue
            raise
        return ports, proc, log
    raise AssertionError("unreachable")


def _wait_until_up(proc: subprocess.Popen, log: IO[bytes], url: str, params: dict,
                   timeout_s: float, what: str) -> None:
    """Poll ``url`` until it answers 200; fail early if the process exits."""
    deadline = time.monotonic() + timeout_s
    last_error = "no answer"
    while True:
        if proc.poll() is not None:
            raise ServerError(f"{what} exited with code {proc.returncode} before answering "
                              f"HTTP:\n{_read_log(log)}")
        try:
            response = requests.get(url, params=params, timeout=2,
                                    headers={"Accept": "application/sparql-results+json"})
            if response.status_code == 200:
                return
            last_error = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            last_error = type(exc).__name__
        if time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    _terminate(proc)
    raise ServerError(f"{what} did not answer {url} within {timeout_s:g} s ({last_error}):\n"
                      f"{_read_log(log)}")


def _terminate(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------------------------
# Oxigraph


def oxigraph_binary() -> Path | None:
    """The ``oxigraph`` command next to this Python (the venv's), else on PATH."""
    return _find_binary("oxigraph", Path(sys.executable).parent / "oxigraph")


def start_oxigraph(data_dir: Path, read_only: bool = False, timeout_s: float | None = None,
                   *, startup_timeout_s: float = STARTUP_TIMEOUT_S) -> Server:
    """Start ``oxigraph serve`` (or ``serve-read-only``) on a free port of 127.0.0.1.

    :param data_dir: the store directory (``--location``); created if missing. Read-only mode
        needs a store that already exists there.
    :param read_only: run ``serve-read-only``; then ``update_url`` is None and the store
        endpoint answers reads only
    :param timeout_s: query timeout in seconds (``--timeout-s``); None for none. A query that
        runs longer is cancelled; as results are streamed, the client sees status 200 and a
        body cut short by "The SPARQL operation has been cancelled"
    :param startup_timeout_s: how long to wait for the first HTTP answer
    :raises ServerError: no ``oxigraph`` command, or the server did not come up
    """
    binary = oxigraph_binary()
    if binary is None:
        raise ServerError("the oxigraph command is not installed (pip install oxigraph)")
    data_dir = Path(data_dir).resolve()
    if not read_only:
        data_dir.mkdir(parents=True, exist_ok=True)

    def command(port: int) -> list[str]:
        cmd = [str(binary), "serve-read-only" if read_only else "serve",
               "--location", str(data_dir), "--bind", f"127.0.0.1:{port}"]
        if timeout_s is not None:
            cmd += ["--timeout-s", f"{timeout_s:g}"]
        return cmd

    (port,), proc, log = _start_on_free_ports(
        1, lambda ports: _launch(command(ports[0]), cwd=None),
        lambda ports: f"http://127.0.0.1:{ports[0]}/query", startup_timeout_s,
        f"oxigraph {command(0)[1]} --location {data_dir}")
    base = f"http://127.0.0.1:{port}"
    return Server(engine="oxigraph", base_url=base, query_url=f"{base}/query",
                  update_url=None if read_only else f"{base}/update",
                  store_url=f"{base}/store", process=proc, work_dir=data_dir, log=log)


# --------------------------------------------------------------------------------------------
# Virtuoso Open Source

VIRTUOSO_INI = """\
; Written by tests/servers.py: a private Virtuoso instance, everything under {work}
[Database]
DatabaseFile       = {work}/virtuoso.db
ErrorLogFile       = {work}/virtuoso.log
LockFile           = {work}/virtuoso.lck
TransactionFile    = {work}/virtuoso.trx
xa_persistent_file = {work}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {work}/virtuoso-temp.db
TransactionFile    = {work}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{isql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 10
CheckpointInterval   = 60
O_DIRECT             = 0
CaseMode             = 2
AllowOSCalls         = 0
DirsAllowed          = ., {work}
NumberOfBuffers      = 10000
MaxDirtyBuffers      = 6000
MaxQueryMem          = 256M
ThreadsPerQuery      = 2
AsyncQueueMaxThreads = 4

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {work}/vsp
MaxClientConnections = 10
ServerThreads        = 10
MaxKeepAlives        = 10
KeepAliveTimeout     = 10
EnabledDavVSP        = 0
HTTPProxyEnabled     = 0
Charset              = UTF-8

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
{sparql}
"""


def virtuoso_binary() -> Path | None:
    """``virtuoso-t`` of the Debian package (``/usr/bin``), else on PATH."""
    return _find_binary("virtuoso-t", Path("/usr/bin/virtuoso-t"),
                        Path("/usr/lib/virtuoso-opensource-7/bin/virtuoso-t"))


def isql_binary() -> Path | None:
    """Virtuoso's interactive SQL client: ``isql-vt`` on Debian, ``isql`` in upstream builds."""
    return (_find_binary("isql-vt", Path("/usr/bin/isql-vt"))
            or _find_binary("isql", Path("/usr/lib/virtuoso-opensource-7/bin/isql")))


def run_isql(server: Server, sql: str, password: str | None = None,
             timeout_s: float = 30.0) -> str:
    """Run SQL statements (each ending in ``;``) on a Virtuoso server as dba; return the output.

    The statements go through stdin, so no secret appears on a command line except ``password``
    (the current dba password, default ``server.password``).

    :raises ServerError: no isql client, or a statement failed
    """
    isql = isql_binary()
    if isql is None:
        raise ServerError("no Virtuoso isql client (isql-vt or isql) is installed")
    pwd = server.password if password is None else password
    result = subprocess.run(
        [str(isql), f"127.0.0.1:{server.isql_port}", server.user or "dba", pwd or "",
         "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"],
        input=sql.encode() + b"\nEXIT;\n", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        timeout=timeout_s, check=False)
    out = result.stdout.decode("utf-8", "replace")
    if result.returncode != 0 or "*** Error" in out:
        raise ServerError(f"isql failed (exit {result.returncode}) running {sql!r}:\n{out}")
    return out


def start_virtuoso(work_dir: Path, timeout_s: int | None = None, *,
                   password: str | None = None, max_rows: int | None = None,
                   startup_timeout_s: float = STARTUP_TIMEOUT_S) -> Server:
    """Start a private ``virtuoso-t`` on free ports of 127.0.0.1, with its database in work_dir.

    Writes ``work_dir/virtuoso.ini`` (database, transaction log, temp database and error log
    under work_dir; small buffers) and runs ``virtuoso-t +foreground +configfile <ini>``.
    A fresh database has the user ``dba`` with password ``dba``; then the dba password is set
    to ``password`` (a random one when None) through isql. dba may write through the Graph Store
    endpoint and ``/sparql-auth`` with digest auth; the anonymous ``/sparql`` stays read-only.

    :param timeout_s: query time limit of the SPARQL endpoints in whole seconds
        (``[SPARQL] MaxQueryExecutionTime``); None for none. A query that runs longer fails with
        HTTP 500 "Virtuoso S1T00 Error SR171: Transaction timed out"
    :param password: the dba password to set; ``"dba"`` keeps the default
    :param max_rows: ``[SPARQL] ResultSetMaxRows``, a cap on the rows of one result; None for
        none
    :param startup_timeout_s: how long to wait for ``/sparql`` to answer
    :raises ServerError: no ``virtuoso-t``, or the server did not come up
    """
    binary = virtuoso_binary()
    if binary is None:
        raise ServerError("virtuoso-t is not installed (apt-get install virtuoso-opensource; "
                          "see .ci/virtuoso.sh)")
    work = Path(work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    (work / "vsp").mkdir(exist_ok=True)
    sparql = []
    if max_rows is not None:
        sparql.append(f"ResultSetMaxRows      = {int(max_rows)}")
    if timeout_s is not None:
        seconds = max(1, int(-(-timeout_s // 1)))  # whole seconds, rounded up
        sparql.append(f"MaxQueryExecutionTime = {seconds}")
    ini = work / "virtuoso.ini"
    cmd = [str(binary), "+foreground", "+configfile", str(ini)]

    def launch(ports: list[int]):
        isql_port, http_port = ports
        ini.write_text(VIRTUOSO_INI.format(work=work, isql_port=isql_port, http_port=http_port,
                                           sparql="\n".join(sparql)), encoding="utf-8")
        return _launch(cmd, cwd=work)

    (isql_port, http_port), proc, log = _start_on_free_ports(
        2, launch, lambda ports: f"http://127.0.0.1:{ports[1]}/sparql", startup_timeout_s,
        f"virtuoso ({' '.join(cmd)})")
    base = f"http://127.0.0.1:{http_port}"
    server = Server(engine="virtuoso", base_url=base, query_url=f"{base}/sparql",
                    update_url=f"{base}/sparql-auth",
                    store_url=f"{base}/sparql-graph-crud-auth", process=proc, work_dir=work,
                    user="dba", password="dba", isql_port=isql_port, log=log)
    try:
        new_password = secrets.token_urlsafe(12) if password is None else password
        if new_password != "dba":
            run_isql(server, f"USER_SET_PASSWORD('dba', {_sql_string(new_password)});",
                     password="dba")
            server.password = new_password
    except BaseException:
        server.stop()
        raise
    return server


def _sql_string(value: str) -> str:
    """A single-quoted Virtuoso SQL string literal (backslash is an escape character there)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
