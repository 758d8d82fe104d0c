"""The front of ``tarawa-kg serve``: a small HTTP gateway before the Oxigraph server.

Oxigraph streams results: when its ``--timeout-s`` cancels a query, the client has already been
sent HTTP 200 and gets a body cut short by "The SPARQL operation has been cancelled" (a CSV client
reads that text as a value), and some queries (``COUNT`` over a cross product) run on long past the
limit. Oxigraph also fetches any URL a query names in ``SERVICE``. The gateway therefore

* refuses queries nested deeper than :data:`MAX_NESTING` or chaining more than :data:`MAX_UNIONS`
  ``UNION``s (HTTP 400): Oxigraph's server evaluates them recursively and a few kilobytes of
  braces overflow its stack, which aborts the whole server;
* refuses queries with ``SERVICE`` (HTTP 403) unless federation is allowed;
* waits for the complete answer at most the time limit, then answers HTTP 503 with a plain-text
  message (Oxigraph's own limit, a little later, stops the work);
* answers HTTP 503 as well when Oxigraph's answer ends with its cancellation message;
* passes everything else through unchanged (the query UI, ``/store`` reads; Oxigraph refuses updates).
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CANCELLED = b"The SPARQL operation has been cancelled"
"""What Oxigraph writes into a streamed answer when its time limit cancels the query."""
MAX_REQUEST_MB = 10
"""Request bodies (queries sent by POST) larger than this are refused (HTTP 413)."""
MAX_ANSWER_MB = 256
"""Answers larger than this are refused (HTTP 503): the gateway holds an answer whole before sending it."""
MAX_NESTING = 64
"""Deepest nesting of ``{ ( [`` a query may have (the saved queries use fewer than 10)."""
MAX_UNIONS = 500
"""Most ``UNION`` keywords a query may have."""
_NOT_CODE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                       r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
"""String literals, IRIs and comments: what the nesting count skips."""
_HOP_BY_HOP = {"connection", "keep-alive", "expect", "proxy-authenticate", "proxy-authorization", "te", "trailer",
               "transfer-encoding", "upgrade", "content-length", "host"}


def uses_service(query: str) -> bool:
    """Whether the SPARQL ``query`` contains a ``SERVICE`` pattern (federated query), by rdflib's
    SPARQL parser; a query it cannot parse counts as federated when the word SERVICE occurs in it.

    >>> uses_service("SELECT * WHERE { OPTIONAL { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } } }")
    True
    >>> uses_service('SELECT * WHERE { ?s ?p "SERVICE" }')
    False
    """
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    def walk(node) -> bool:
        if isinstance(node, CompValue):
            return node.name == "ServiceGraphPattern" or any(walk(v) for v in node.values())
        if isinstance(node, (list, tuple, ParseResults)):
            return any(walk(v) for v in node)
        return False

    try:
        return walk(parseQuery(query))
    except Exception:  # rdflib's parser failed: Oxigraph may still accept it
        return "service" in query.lower()


def too_complex(query: str) -> str | None:
    """Why ``query`` is refused before it reaches Oxigraph (nested deeper than
    :data:`MAX_NESTING`, or more than :data:`MAX_UNIONS` ``UNION``s), or ``None``. Brackets inside
    strings, IRIs and comments do not count.

    >>> too_complex("SELECT * WHERE { ?s ?p '{{{' }") is None
    True
    >>> too_complex("SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000)
    'the query is nested 3000 deep; this endpoint takes at most 64'
    """
    code = _NOT_CODE.sub(" ", query)
    depth = deepest = 0
    for char in code:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth -= 1
    if deepest > MAX_NESTING:
        return f"the query is nested {deepest} deep; this endpoint takes at most {MAX_NESTING}"
    unions = len(re.findall(r"(?i)\bUNION\b", code))
    if unions > MAX_UNIONS:
        return f"the query has {unions} UNIONs; this endpoint takes at most {MAX_UNIONS}"
    return None


def query_text(method: str, target: str, headers, body: bytes) -> str | None:
    """The SPARQL query of a SPARQL 1.1 Protocol request (GET ``?query=``, POST form or
    ``application/sparql-query``), or ``None``."""
    parts = urlsplit(target)
    if method == "GET":
        return (parse_qs(parts.query).get("query") or [None])[0]
    if method == "POST":
        kind = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-query":
            return body.decode("utf-8", "replace")
        if kind == "application/x-www-form-urlencoded":
            return (parse_qs(body.decode("utf-8", "replace")).get("query") or [None])[0]
    return None


class Gateway(ThreadingHTTPServer):
    """The gateway's HTTP server.

    :param address: (host, port) to listen on
    :param upstream: (host, port) of the Oxigraph server
    :param timeout_s: seconds a query may take, or ``None`` for no limit
    :param allow_federation: let ``SERVICE`` queries through
    """

    daemon_threads = True

    def __init__(self, address, upstream, timeout_s: float | None, allow_federation: bool = False):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)
        self.upstream = upstream
        self.timeout_s = timeout_s
        self.allow_federation = allow_federation

    def handle_error(self, request, client_address):
        """A client that went away mid-answer is no error of the server's: no traceback."""


class _Handler(BaseHTTPRequestHandler):
    server: Gateway
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # Oxigraph's own log is not printed either

    def _answer(self, status: int, message: str) -> None:
        data = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _forward(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._answer(411, "send the request body with a Content-Length")
            return
        if not 0 <= length <= MAX_REQUEST_MB * 1e6:
            self.close_connection = True
            self._answer(413, f"the request body must have a Content-Length of at most {MAX_REQUEST_MB} MB")
            return
        body = self.rfile.read(length) if length else b""
        query = query_text(self.command, self.path, self.headers, body)
        reason = too_complex(query) if query is not None else None
        if reason:
            self._answer(400, reason)
            return
        if query is not None and not self.server.allow_federation and uses_service(query):
            self._answer(403, "SERVICE (federated query) is off on this endpoint; start it with "
                              "'tarawa-kg serve --allow-federation' to allow it")
            return
        limit = self.server.timeout_s
        deadline = time.monotonic() + limit if limit else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        if body:
            headers["Content-Length"] = str(len(body))
        connection = http.client.HTTPConnection(*self.server.upstream, timeout=limit or None)
        try:
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            chunks, size = [], 0
            while True:
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError
                    connection.sock.settimeout(left)
                chunk = response.read1(65536) if self.command != "HEAD" else b""
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_ANSWER_MB * 1e6:
                    self._answer(503, f"the answer is larger than {MAX_ANSWER_MB} MB; ask for fewer rows (LIMIT)")
                    return
        except (TimeoutError, socket.timeout):
            self._answer(503, f"query timeout: the query ran past this endpoint's time limit of {limit:g} s "
                              f"and was cancelled")
            return
        except (OSError, http.client.HTTPException) as exc:
            self._answer(502, f"the SPARQL server did not answer: {exc}")
            return
        finally:
            connection.close()
        data = b"".join(chunks)
        if query is not None and data.rstrip().endswith(CANCELLED):
            self._answer(503, f"query timeout: the query ran past this endpoint's time limit"
                              f"{f' of {limit:g} s' if limit else ''} and was cancelled")
            return
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _forward


def start_gateway(host: str, port: int, upstream: tuple[str, int], timeout_s: float | None,
                  allow_federation: bool = False) -> Gateway:
    """Listen on ``host:port`` and serve in a background thread.

    :returns: the :class:`Gateway` (``shutdown()`` and ``server_close()`` stop it)
    :raises OSError: the address cannot be listened on
    """
    gateway = Gateway((host, port), upstream, timeout_s, allow_federation)
    threading.Thread(target=gateway.serve_forever, name="tarawa-kg-gateway", daemon=True).start()
    return gateway
