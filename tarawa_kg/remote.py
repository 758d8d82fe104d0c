"""The project's one SPARQL HTTP client (through SPARQLWrapper), and saved queries run remotely.

Everything that sends a query over HTTP goes through :func:`sparql_wrapper`: one User-Agent
(:data:`USER_AGENT`, descriptive as the Wikimedia User-Agent policy asks), SPARQL 1.1 JSON results,
a timeout, POST for long queries. :func:`select` runs one query and turns every failure into an
:class:`~tarawa_kg.errors.EndpointError`; :class:`tarawa_kg.wikidata_client.WikidataClient` adds
a cache, retries and batches on top of the same request.
"""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
from typing import Mapping

from rdflib import BNode, Literal, URIRef

from tarawa_kg.errors import EndpointError
from tarawa_kg.queries import QueryResult, SavedQuery, bind_query

USER_AGENT = ("tarawa-kg/0.1 (https://w3id.org/tarawa-kg; tarawa-kg@users.noreply.github.com) "
              "SPARQLWrapper")
"""User-Agent of every request: project, URL and contact, as the Wikimedia User-Agent policy asks."""
POST_THRESHOLD = 2000
"""Queries longer than this many characters go by POST (URL length limits of servers)."""


def term_from_json(binding: dict):
    """An rdflib term from one value of the W3C SPARQL 1.1 JSON results format."""
    kind = binding["type"]
    if kind == "uri":
        return URIRef(binding["value"])
    if kind == "bnode":
        return BNode(binding["value"])
    if "xml:lang" in binding:
        return Literal(binding["value"], lang=binding["xml:lang"])
    if binding.get("datatype"):
        return Literal(binding["value"], datatype=URIRef(binding["datatype"]))
    return Literal(binding["value"])


def to_query_result(data: dict) -> QueryResult:
    """Rows of a decoded W3C SPARQL 1.1 JSON results document, as rdflib terms."""
    variables = list(data["head"].get("vars", []))
    bindings = data.get("results", {}).get("bindings", [])
    rows = [tuple(term_from_json(b[v]) if v in b else None for v in variables) for b in bindings]
    return QueryResult(variables, rows)


def first_line(text) -> str:
    """The gist of an error text (``str`` or ``bytes``): its non-empty lines joined, at most 300
    characters.

    >>> first_line(b"\\n  Bad request\\n  line 2\\n")
    'Bad request line 2'
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return " ".join(lines)[:300]


def sparql_wrapper(endpoint: str, query_text: str, timeout: float = 60.0, user_agent: str = USER_AGENT,
                   default_graph: str | None = None):
    """A ``SPARQLWrapper`` ready to send the SELECT query ``query_text``: JSON results, ``timeout``
    (whole seconds, at least 1), POST when the query is longer than :data:`POST_THRESHOLD`
    characters. It is sent as a query, never as an update: SPARQLWrapper guesses the kind from
    the first keyword-like word, which can be in a comment (« Adds up » reads as ``ADD``).

    >>> sparql_wrapper("http://127.0.0.1:1/sparql", "ASK {}" + " " * 2000).method
    'POST'
    >>> sparql_wrapper("http://127.0.0.1:1/sparql", "# Adds up\\nSELECT * {}").isSparqlUpdateRequest()
    False
    """
    from SPARQLWrapper import JSON, POST, SELECT, SPARQLWrapper

    client = SPARQLWrapper(endpoint, agent=user_agent)
    client.setQuery(query_text)
    client.queryType = SELECT
    client.setReturnFormat(JSON)
    client.setTimeout(int(max(1, round(timeout))))
    if default_graph:
        client.addDefaultGraph(default_graph)
    if len(query_text) > POST_THRESHOLD:
        client.setMethod(POST)
    return client


# select is about 60 lines: one except clause per way a request fails, each with its own message;
# they are kept together so that the mapping from failure to message reads in one place.
def select(endpoint: str, query_text: str, timeout: float = 60.0,
           user_agent: str = USER_AGENT, default_graph: str | None = None) -> QueryResult:
    """Run a SELECT query on ``endpoint`` and return its rows as rdflib terms.

    Results are negotiated as ``application/sparql-results+json``; queries longer than
    :data:`POST_THRESHOLD` characters are sent by POST.

    :param endpoint: the SPARQL 1.1 query endpoint URL
    :param timeout: seconds before the request is abandoned
    :param default_graph: a named graph to query as the default graph (protocol parameter
        ``default-graph-uri``), e.g. the graph ``publish`` wrote
    :raises EndpointError: unreachable endpoint, HTTP error, timeout, or an answer that is not
        SPARQL JSON results
    """
    from SPARQLWrapper.SPARQLExceptions import EndPointNotFound, SPARQLWrapperException

    client = sparql_wrapper(endpoint, query_text, timeout, user_agent, default_graph)
    try:
        response = client.query().response
        content_type = response.headers.get("Content-Type", "") if response.headers else ""
        body = response.read()
    except http.client.HTTPException as exc:  # e.g. IncompleteRead: the connection closed mid-answer
        partial = getattr(exc, "partial", b"") or b""
        raise EndpointError(f"{endpoint}: the answer was cut off before it was complete (the endpoint's "
                            f"time limit, or an error while streaming rows): "
                            f"{first_line(partial[-300:].decode('utf-8', 'replace')) or exc!r}") from None
    except EndPointNotFound:
        raise EndpointError(f"{endpoint}: HTTP 404 Not Found: no SPARQL endpoint at this URL") from None
    except SPARQLWrapperException as exc:
        detail = str(exc)
        if "timed out" in detail.lower() or "timeout" in detail.lower():
            raise EndpointError(f"{endpoint}: the query ran past the endpoint's time limit "
                                f"({first_line(detail)})") from None
        raise EndpointError(f"{endpoint}: the endpoint refused the query: {first_line(detail)}") from None
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace") if hasattr(exc, "read") else ""
        if "timed out" in body.lower() or "timeout" in body.lower():
            raise EndpointError(f"{endpoint}: HTTP {exc.code}: the query ran past the endpoint's time "
                                f"limit ({first_line(body)})") from None
        raise EndpointError(f"{endpoint}: HTTP {exc.code} {exc.reason}: {first_line(body)}") from None
    except (socket.timeout, TimeoutError):
        raise EndpointError(f"{endpoint}: no answer within {timeout:g} s (timeout)") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (socket.timeout, TimeoutError)):
            raise EndpointError(f"{endpoint}: no answer within {timeout:g} s (timeout)") from None
        raise EndpointError(f"{endpoint}: cannot reach the endpoint: {exc.reason}") from None
    text = body.decode("utf-8", "replace")
    if "json" not in content_type.lower():
        raise EndpointError(f"{endpoint}: the answer is not SPARQL JSON results (content type "
                            f"{content_type or 'not given'}): {first_line(text)}")
    try:
        data = json.loads(text)
    except ValueError:  # a body cut short, often by an error the server hit while streaming rows
        raise EndpointError(f"{endpoint}: the answer is not complete SPARQL JSON results: the endpoint "
                            f"stopped sending it (its time limit, or an error while streaming rows); it "
                            f"ends with: {first_line(text[-300:])}") from None
    if not isinstance(data, dict) or "head" not in data or "results" not in data:
        raise EndpointError(f"{endpoint}: the answer is JSON (content type {content_type}) but not SPARQL "
                            f"results (no 'head' and 'results'): is this the store's query endpoint? "
                            f"An update or graph-store URL, or a service description, answers like this")
    return to_query_result(data)


def run_remote_query(endpoint: str, query: SavedQuery, params: Mapping[str, object] | None = None,
                     timeout: float = 60.0, default_graph: str | None = None) -> QueryResult:
    """Run a saved query on a remote endpoint with the same parameter binding as locally.

    :raises ParameterError: bad parameters
    :raises EndpointError: see :func:`select`
    """
    return select(endpoint, bind_query(query, params), timeout=timeout, default_graph=default_graph)
