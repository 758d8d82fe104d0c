"""The web front of ``tarawa-kg serve``: the static site, IRIs that dereference by content
negotiation, and the SPARQL endpoint of the Oxigraph server behind it.

Routes:

* ``/id/<kind>/<slug>`` (the IRI itself): ``303 See Other`` to the representation the ``Accept``
  header asks for: the page ``/id/<kind>/<slug>/`` (``text/html``), or ``index.ttl``
  (``text/turtle``), ``index.jsonld`` (``application/ld+json``), ``index.nt``
  (``application/n-triples``) in that folder: the entity's triples and its statements with their
  citations. ``/ontology`` likewise (``/ontology/``, ``tarawa.ttl``, ``tarawa.jsonld``, ``tarawa.nt``);
  ``/shapes`` to the shapes' documentation.
* ``/sparql`` and ``/query``: the SPARQL 1.1 Protocol endpoint (GET and POST), passed to Oxigraph.
* ``/run``: a saved query (``?name=…&param=…``, bound as RDF terms) or a free query (``?query=…``)
  whose rows come back as an HTML table: the query page's forms post here.
* anything else: the file of the static site (a folder's ``index.html``).
"""

from __future__ import annotations

import mimetypes
import shutil
import socket
import subprocess
import tempfile
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import requests

from tarawa_kg.errors import EndpointError, TarawaKGError

REPRESENTATIONS = {  # media type → file in the entity's folder
    "text/html": "",
    "application/xhtml+xml": "",
    "text/turtle": "index.ttl",
    "application/ld+json": "index.jsonld",
    "application/n-triples": "index.nt",
}
ONTOLOGY_FILES = {"text/html": "", "application/xhtml+xml": "", "text/turtle": "tarawa.ttl",
                  "application/ld+json": "tarawa.jsonld", "application/n-triples": "tarawa.nt"}
_TYPES = {".ttl": "text/turtle; charset=utf-8", ".jsonld": "application/ld+json",
          ".nt": "application/n-triples", ".html": "text/html; charset=utf-8",
          ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".rq": "application/sparql-query; charset=utf-8"}


def negotiate(accept: str | None, offers: list[str]) -> str | None:
    """The media type of ``offers`` that the ``Accept`` header prefers (RFC 9110 §12.5.1:
    q-values, then specificity, then the order of ``offers``); the first offer when the header is
    absent; ``None`` when it accepts none of them.

    >>> negotiate("text/turtle;q=0.9, application/ld+json", ["text/html", "text/turtle", "application/ld+json"])
    'application/ld+json'
    >>> negotiate("text/*", ["text/html", "text/turtle"])
    'text/html'
    >>> negotiate("image/png", ["text/html"]) is None
    True
    """
    if not accept or not accept.strip():
        return offers[0]
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    best, best_key = None, None
    for index, offer in enumerate(offers):
        kind = offer.split("/")[0]
        match = None  # (specificity, q) of the most specific range matching the offer
        for media, q in ranges:
            specificity = 2 if media == offer else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
            if specificity >= 0 and (match is None or specificity > match[0]):
                match = (specificity, q)
        if match and match[1] > 0:
            key = (match[1], -index)
            if best_key is None or key > best_key:
                best, best_key = offer, key
    return best


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves one built site folder (``server.site_dir``) and passes SPARQL to ``server.sparql_url``."""

    server_version = "tarawa-kg"

    def __init__(self, request, client_address, server):
        super().__init__(request, client_address, server, directory=str(server.site_dir))

    def log_message(self, format, *args):  # noqa: A002 - the name is the standard library's
        if not getattr(self.server, "quiet", False):
            super().log_message(format, *args)

    def guess_type(self, path):
        return _TYPES.get(Path(str(path)).suffix, None) or mimetypes.guess_type(str(path))[0] or "application/octet-stream"

    def list_directory(self, path):  # a folder without index.html is not a page
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def end_headers(self):
        self.send_header("Vary", "Accept")
        super().end_headers()

    # ------------------------------------------------------------------ dispatch

    def do_GET(self):
        if not self._route():
            super().do_GET()

    def do_HEAD(self):
        if not self._route(head=True):
            super().do_HEAD()

    def do_POST(self):
        path = urlsplit(self.path).path
        if path in ("/sparql", "/query"):
            length = int(self.headers.get("Content-Length") or 0)
            self._proxy("POST", self.rfile.read(length))
        elif path == "/run":
            length = int(self.headers.get("Content-Length") or 0)
            self._run(parse_qs(self.rfile.read(length).decode("utf-8", "replace")))
        else:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

    def _route(self, head: bool = False) -> bool:
        """Answer the dynamic routes; ``False`` for a static file."""
        url = urlsplit(self.path)
        path = url.path
        if path in ("/sparql", "/query"):
            self._proxy("GET", None)
            return True
        if path == "/run":
            self._run(parse_qs(url.query))
            return True
        if path == "/ontology":
            self._see_other("/ontology/", ONTOLOGY_FILES)
            return True
        if path == "/shapes":  # the shapes' namespace: their documentation
            self._see_other("/shapes/", {"text/html": "", "application/xhtml+xml": ""})
            return True
        if path.startswith("/id/") and not path.endswith("/") \
                and not (Path(self.server.site_dir) / unquote(path).lstrip("/")).is_file():  # type: ignore[attr-defined]
            self._see_other(path + "/", REPRESENTATIONS)
            return True
        return False

    def _see_other(self, folder: str, files: dict[str, str]) -> None:
        site = Path(self.server.site_dir)  # type: ignore[attr-defined]
        local = (site / folder.strip("/")).resolve()
        if site.resolve() not in local.parents or not (local / "index.html").is_file():
            self.send_error(HTTPStatus.NOT_FOUND, "no such entity")
            return
        media = negotiate(self.headers.get("Accept"), list(files))
        if media is None:
            self.send_error(HTTPStatus.NOT_ACCEPTABLE,
                            "available: " + ", ".join(m for m in files if m != "application/xhtml+xml"))
            return
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", folder + files[media])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _proxy(self, method: str, body: bytes | None) -> None:
        """Pass a SPARQL Protocol request to the Oxigraph server and its answer back."""
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")}
        query = urlsplit(self.path).query
        url = self.server.sparql_url + (f"?{query}" if query else "")  # type: ignore[attr-defined]
        try:
            answer = requests.request(method, url, data=body, headers=headers,
                                      timeout=self.server.timeout_s + 5)  # type: ignore[attr-defined]
        except requests.RequestException as exc:
            self._send(HTTPStatus.BAD_GATEWAY, "text/plain; charset=utf-8",
                       f"the SPARQL server did not answer: {exc}\n".encode())
            return
        self._send(answer.status_code, answer.headers.get("Content-Type", "text/plain"), answer.content)

    def _run(self, form: dict[str, list[str]]) -> None:
        """Run a saved or free query on the endpoint and answer an HTML table."""
        from tarawa_kg.site.query_page import run_form

        status, body = run_form(form, self.server.sparql_url, self.server.project,  # type: ignore[attr-defined]
                                self.server.timeout_s)  # type: ignore[attr-defined]
        self._send(status, "text/html; charset=utf-8", body)


class SiteServer(ThreadingHTTPServer):
    """An HTTP server for a built site, with SPARQL passed to ``sparql_url``.

    :param address: (host, port) to listen on
    :param site_dir: the folder ``tarawa-kg site`` wrote
    :param sparql_url: the SPARQL query endpoint behind (Oxigraph's ``/query``)
    :param timeout_s: seconds a query may take
    """

    daemon_threads = True

    def __init__(self, address, site_dir: Path, sparql_url: str, project=None, timeout_s: float = 30.0,
                 quiet: bool = False):
        self.site_dir = Path(site_dir)
        self.sparql_url = sparql_url
        self.project = project
        self.timeout_s = timeout_s
        self.quiet = quiet
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, SiteHandler)


def free_port(host: str = "127.0.0.1") -> int:
    """A port on ``host`` that nothing listens on now."""
    from tarawa_kg.serve import free_local_port

    return free_local_port(host)


class SiteProcess:
    """The Oxigraph server (on a private loopback port) and the site front (a thread), stopped
    together; ``wait`` and ``terminate`` as on a ``subprocess.Popen``."""

    def __init__(self, oxigraph: subprocess.Popen, front: SiteServer, cleanup: Path | None = None):
        self.oxigraph = oxigraph
        self.front = front
        self.cleanup = cleanup
        self.thread = threading.Thread(target=front.serve_forever, daemon=True)
        self.thread.start()

    def _stop_front(self) -> None:
        if self.thread.is_alive():
            self.front.shutdown()
            self.front.server_close()
        if self.cleanup is not None:
            shutil.rmtree(self.cleanup, ignore_errors=True)

    def terminate(self) -> None:
        self._stop_front()
        self.oxigraph.terminate()

    def kill(self) -> None:
        self._stop_front()
        self.oxigraph.kill()

    def poll(self) -> int | None:
        return self.oxigraph.poll()

    def wait(self) -> int:
        code = self.oxigraph.wait()
        self._stop_front()
        return code


def start_site(store, project, host: str, port: int, timeout_s: float | None, site_dir: Path | None = None,
               progress=None, quiet: bool = False, allow_federation: bool = False) -> SiteProcess:
    """``serve`` with the web edition: the site of ``project`` built into a temporary folder
    (removed when the server stops) from the graph ``store`` was made from (loaded again only
    when ``store`` does not carry it), or the one already built in ``site_dir``; then
    :func:`serve_site`."""
    from tarawa_kg.load import load_project
    from tarawa_kg.progress import quiet as silent
    from tarawa_kg.site.generate import build_site

    progress = progress or silent
    cleanup = None
    if site_dir is None:
        cleanup = Path(tempfile.mkdtemp(prefix="tarawa-kg-site-"))
        site_dir = cleanup / "site"
        try:
            graph = getattr(store, "graph", None)
            if graph is None:
                graph = load_project(project, progress=progress)
            build_site(graph, site_dir, project, progress)
        except BaseException:
            shutil.rmtree(cleanup, ignore_errors=True)
            raise
    elif not (Path(site_dir) / "index.html").is_file():
        raise TarawaKGError(f"{site_dir}: not a site written by 'tarawa-kg site' (no index.html)")
    process = serve_site(store, Path(site_dir), host, port, timeout_s, project, quiet, allow_federation)
    process.cleanup = cleanup
    return process


def serve_site(store, site_dir: Path, host: str = "127.0.0.1", port: int = 7878,
               timeout_s: float | None = 30.0, project=None, quiet: bool = False,
               allow_federation: bool = False) -> SiteProcess:
    """Start the SPARQL endpoint of :func:`tarawa_kg.serve.serve` on ``store`` (a
    :class:`~tarawa_kg.serve.PreparedStore`) on a private loopback port (its gateway cuts queries
    off at ``timeout_s`` and refuses ``SERVICE`` unless ``allow_federation``), and the site front
    on ``host:port``, which passes SPARQL requests to it.

    :raises EndpointError: the Oxigraph server did not start, or ``host:port`` is taken
    """
    from tarawa_kg.serve import serve

    inner = free_port()
    oxigraph = serve(store, "127.0.0.1", inner, timeout_s, allow_federation)
    try:
        front = SiteServer((host, port), site_dir, f"http://127.0.0.1:{inner}/query", project,
                           timeout_s or 30.0, quiet)
    except (OSError, TarawaKGError) as exc:
        oxigraph.terminate()
        if isinstance(exc, TarawaKGError):
            raise
        raise EndpointError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return SiteProcess(oxigraph, front)
