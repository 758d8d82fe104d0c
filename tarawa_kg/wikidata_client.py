"""A polite, robust SPARQL client for the Wikidata Query Service (or any SPARQL 1.1 endpoint).

It follows Wikimedia's rules for automated clients:

- a descriptive User-Agent with the project's URL and a contact address, results as SPARQL 1.1
  JSON, a timeout on every request, POST for long queries: the request of the project's one
  SPARQL client (:func:`tarawa_kg.remote.sparql_wrapper`);
- a bounded number of attempts with exponential backoff on HTTP 429 and 503 and on timeouts,
  honouring ``Retry-After`` (seconds or an HTTP date); the retry policy is tenacity's, with an
  injectable ``sleep`` so that tests do not wait;
- an HTTP 200 whose body is not SPARQL JSON results (an HTML page, a Java stack trace) is an error;
- an on-disk cache (one JSON file per query, named by the SHA-256 of endpoint and query), so a
  second run of the same check sends nothing;
- lists of items are sent in batches through ``VALUES`` (:meth:`WikidataClient.select_batched`),
  with a progress bar on a terminal.

>>> client = WikidataClient("http://127.0.0.1:1/sparql", use_cache=False, max_attempts=1)
>>> client.endpoint
'http://127.0.0.1:1/sparql'
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import json
import os
import socket
import sys
import time
import urllib.error
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence, TypeVar

from tarawa_kg.errors import EndpointError
from tarawa_kg.export import write_atomic
from tarawa_kg.queries import QueryResult
from tarawa_kg.remote import USER_AGENT, first_line, sparql_wrapper, to_query_result

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
"""The Wikidata Query Service SPARQL endpoint."""
CACHE_ENV = "TARAWA_KG_CACHE"
"""Environment variable naming the cache folder."""
DEFAULT_CACHE_DIR = Path("~/.cache/tarawa-kg/wikidata")
"""Cache folder when neither a parameter nor :data:`CACHE_ENV` names one."""
DEFAULT_BATCH_SIZE = 50
"""Items per ``VALUES`` block."""
RETRY_STATUSES = (429, 503)
"""HTTP statuses that are retried (too many requests, service unavailable)."""

T = TypeVar("T")


class EndpointUnreachable(EndpointError):
    """The endpoint cannot be reached at all (connection refused, unknown host, no network)."""


class EndpointBusy(EndpointError):
    """The endpoint kept answering 429 or 503, or kept timing out, until the attempts ran out."""


class BadResponse(EndpointError):
    """The endpoint answered, but not with SPARQL 1.1 JSON results (e.g. an HTML error page)."""


class _Retryable(Exception):
    """Internal: one attempt failed in a way worth retrying."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


MAX_RETRY_AFTER = 120.0
"""A ``Retry-After`` longer than this many seconds ends the run with a message instead of a wait."""


def default_cache_dir() -> Path:
    """``$TARAWA_KG_CACHE`` if set, else ``~/.cache/tarawa-kg/wikidata``."""
    return Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE_DIR).expanduser()


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    :param value: the header value, or ``None``
    :param now: the current time (epoch seconds), for tests
    :returns: seconds (never negative), or ``None`` when absent or unreadable

    >>> parse_retry_after("3")
    3.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    10.0
    >>> parse_retry_after("soon") is None
    True
    """
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def parse_results(body: bytes, endpoint: str, content_type: str = "") -> dict:
    """Decode and check a SPARQL 1.1 JSON results document.

    :returns: the decoded document (``head`` and ``results`` or ``boolean``)
    :raises BadResponse: the body is not JSON, or not SPARQL results (the message quotes the start
        of the body, e.g. the title of an HTML error page)
    """
    text = body.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        first = " ".join(text.split())[:200]
        raise BadResponse(
            f"{endpoint}: the answer is not SPARQL JSON results "
            f"(content type {content_type or 'unknown'}): {first!r}") from None
    if not isinstance(data, dict) or not isinstance(data.get("head"), dict) or not (
            isinstance(data.get("results"), dict) and isinstance(data["results"].get("bindings"), list)
            or isinstance(data.get("boolean"), bool)):
        raise BadResponse(f"{endpoint}: the answer is JSON but not SPARQL results: {text[:200]!r}")
    return data


class _WaitRetryAfter:
    """tenacity wait strategy: the server's ``Retry-After`` if it gave one, else exponential."""

    def __init__(self, fallback):
        self.fallback = fallback

    def __call__(self, retry_state) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        backoff = self.fallback(retry_state)
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return max(exc.retry_after, 0.0)
        return backoff


class WikidataClient:
    """SELECT queries on the Wikidata Query Service, politely.

    :param endpoint: SPARQL endpoint URL (default :data:`WIKIDATA_ENDPOINT`)
    :param timeout: seconds before one request is abandoned
    :param max_attempts: attempts per query (the first included) on 429, 503 and timeouts
    :param backoff: first wait in seconds of the exponential backoff (doubled at each attempt)
    :param max_backoff: longest wait of the exponential backoff (a ``Retry-After`` is honoured
        as given)
    :param batch_size: items per ``VALUES`` block in :meth:`select_batched` (at least 1)
    :param cache_dir: folder of the on-disk cache (default :func:`default_cache_dir`)
    :param use_cache: read and write the cache (``False``: always ask the endpoint)
    :param user_agent: the User-Agent header
    :param sleep: called with the seconds to wait between attempts (``time.sleep``)
    :param progress: show a progress bar for batched queries: ``True``, ``False`` or ``None``
        (only when standard error is a terminal)
    :raises ValueError: ``batch_size`` or ``max_attempts`` below 1
    """

    def __init__(self, endpoint: str = WIKIDATA_ENDPOINT, *, timeout: float = 60.0,
                 max_attempts: int = 5, backoff: float = 1.0, max_backoff: float = 60.0,
                 batch_size: int = DEFAULT_BATCH_SIZE, cache_dir: Path | str | None = None,
                 use_cache: bool = True, user_agent: str = USER_AGENT,
                 sleep: Callable[[float], None] = time.sleep, progress: bool | None = None):
        if batch_size < 1 or max_attempts < 1:
            raise ValueError("batch_size and max_attempts must be at least 1")
        self.endpoint = endpoint
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.batch_size = batch_size
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
        self.use_cache = use_cache
        self.user_agent = user_agent
        self.sleep = sleep
        self.progress = progress
        self.requests_sent = 0
        """HTTP requests sent by this client (cache hits send none)."""

    # ------------------------------------------------------------------ cache
    def cache_path(self, query: str) -> Path:
        """The cache file of ``query`` on this endpoint: ``<cache_dir>/<sha256>.json``."""
        key = hashlib.sha256(f"{self.endpoint}\n{query}".encode("utf-8")).hexdigest()
        return self.cache_dir / f"{key}.json"

    def _cached(self, query: str) -> dict | None:
        path = self.cache_path(query)
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored.get("endpoint") != self.endpoint or stored.get("query") != query:
                return None
            return parse_results(json.dumps(stored["results"]).encode("utf-8"), self.endpoint)
        except (OSError, ValueError, KeyError, AttributeError, EndpointError):
            return None  # absent or unreadable: ask the endpoint

    def _store(self, query: str, data: dict) -> None:
        record = {"endpoint": self.endpoint, "query": query, "results": data,
                  "retrieved": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        write_atomic(self.cache_path(query),
                     json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8"))

    # ------------------------------------------------------------------ one request
    def _attempt(self, query: str) -> dict:
        """One HTTP request. Raises :class:`_Retryable` for what is worth another attempt."""
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        client = sparql_wrapper(self.endpoint, query, self.timeout, self.user_agent)
        self.requests_sent += 1
        try:
            response = client.query().response
            body = response.read()
            content_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            if exc.code in RETRY_STATUSES:
                wait = parse_retry_after(exc.headers.get("Retry-After"))
                if wait is not None and wait > MAX_RETRY_AFTER:
                    raise EndpointBusy(f"{self.endpoint}: HTTP {exc.code}: the service asks to retry after "
                                       f"{wait:.0f} s; try again later") from None
                raise _Retryable(f"HTTP {exc.code} {exc.reason}", wait) from None
            raise EndpointError(f"{self.endpoint}: HTTP {exc.code} {exc.reason}: "
                                f"{first_line(exc.read())}") from None
        except SPARQLWrapperException as exc:  # 400, 401, 404, 414, 500 with the server's text
            raise EndpointError(f"{self.endpoint}: {type(exc).__name__}: {first_line(str(exc))}") from None
        except ValueError as exc:  # urllib: unknown url type, invalid IPv6 URL
            raise EndpointError(f"{self.endpoint!r} is not a usable endpoint URL: {str(exc)[:60]}") from None
        except (socket.timeout, TimeoutError):
            raise _Retryable(f"no answer within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                raise _Retryable(f"no answer within {self.timeout:g} s") from None
            raise EndpointUnreachable(f"cannot reach {self.endpoint}: {exc.reason}; "
                                      "Wikidata checks need network access") from None
        except (ConnectionResetError, http.client.RemoteDisconnected, http.client.IncompleteRead) as exc:
            raise _Retryable(f"connection lost: {exc}") from None
        except OSError as exc:
            raise EndpointUnreachable(f"cannot reach {self.endpoint}: {exc}; "
                                      "Wikidata checks need network access") from None
        return parse_results(body, self.endpoint, content_type)

    def _request(self, query: str) -> dict:
        from tenacity import (RetryError, Retrying, retry_if_exception_type, stop_after_attempt,
                              wait_exponential)

        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=_WaitRetryAfter(wait_exponential(multiplier=self.backoff, max=self.max_backoff)),
            retry=retry_if_exception_type(_Retryable),
            sleep=self.sleep,
        )
        try:
            return retrying(self._attempt, query)
        except RetryError as exc:
            last = exc.last_attempt.exception()
            raise EndpointBusy(f"{self.endpoint}: {getattr(last, 'message', last)} "
                               f"(gave up after {self.max_attempts} attempts)") from None

    # ------------------------------------------------------------------ public API
    def select(self, query: str) -> QueryResult:
        """Run one SELECT query; answer from the cache when it can.

        :returns: the rows as rdflib terms (:class:`tarawa_kg.queries.QueryResult`)
        :raises EndpointUnreachable: connection refused, unknown host
        :raises EndpointBusy: 429 / 503 / timeouts on every attempt
        :raises BadResponse: an answer that is not SPARQL JSON results
        :raises EndpointError: any other HTTP error (the message quotes the server)
        """
        data = self._cached(query) if self.use_cache else None
        if data is None:
            data = self._request(query)
            if self.use_cache:
                self._store(query, data)
        return to_query_result(data)

    def select_batched(self, items: Sequence[T], build_query: Callable[[Sequence[T]], str],
                       description: str = "querying Wikidata") -> QueryResult:
        """Run ``build_query(batch)`` for each batch of ``items`` and concatenate the rows.

        :param items: what goes into the ``VALUES`` block (items, literals…), in order
        :param build_query: makes the query text of one batch (see :func:`values_block`)
        :param description: the progress bar's label
        :returns: all rows; the variables are those of the first batch (the queries of one call
            project the same variables)
        """
        batches = [list(items[i:i + self.batch_size]) for i in range(0, len(items), self.batch_size)]
        result = QueryResult([], [])
        show = self.progress if self.progress is not None else sys.stderr.isatty()
        if show and len(batches) > 1:
            from rich.console import Console
            from rich.progress import Progress

            with Progress(console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task(description, total=len(batches))
                for batch in batches:
                    _extend(result, self.select(build_query(batch)))
                    bar.advance(task)
        else:
            for batch in batches:
                _extend(result, self.select(build_query(batch)))
        return result


def _extend(total: QueryResult, part: QueryResult) -> None:
    if not total.variables:
        total.variables = list(part.variables)
    index = [part.variables.index(v) if v in part.variables else None for v in total.variables]
    total.rows.extend(tuple(row[i] if i is not None else None for i in index) for row in part.rows)


def values_block(variable: str, terms: Sequence) -> str:
    """A ``VALUES ?variable { … }`` block with rdflib terms written safely as SPARQL terms.

    >>> from rdflib import URIRef, Literal
    >>> values_block("item", [URIRef("http://www.wikidata.org/entity/Q42"), Literal("x", lang="en")])
    'VALUES ?item { <http://www.wikidata.org/entity/Q42> "x"@en }'
    """
    from tarawa_kg.queries import sparql_term

    return f"VALUES ?{variable} {{ " + " ".join(sparql_term(t) for t in terms) + " }"


def values_rows(variables: Sequence[str], rows: Sequence[Sequence]) -> str:
    """A ``VALUES (?a ?b) { (…) … }`` block of several variables, terms written as SPARQL terms.

    >>> from rdflib import Literal
    >>> values_rows(("a", "b"), [(Literal("x"), Literal("y", lang="en"))])
    'VALUES (?a ?b) { ("x" "y"@en) }'
    """
    from tarawa_kg.queries import sparql_term

    return ("VALUES (" + " ".join(f"?{v}" for v in variables) + ") { "
            + " ".join("(" + " ".join(sparql_term(t) for t in row) + ")" for row in rows) + " }")
