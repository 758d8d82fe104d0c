"""``tarawa-kg publish``: replace one named graph of a SPARQL 1.1 store (Graph Store HTTP Protocol)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import requests
from rdflib import Graph

from tarawa_kg.errors import EndpointError, TarawaKGError
from tarawa_kg.export import serialize_graph
from tarawa_kg.namespaces import DATASET
from tarawa_kg.remote import USER_AGENT

USER_ENV = "TARAWA_KG_STORE_USER"
PASSWORD_ENV = "TARAWA_KG_STORE_PASSWORD"
AUTH_ENV = "TARAWA_KG_STORE_AUTH"
"""Credentials come from these environment variables only (``basic`` or ``digest``)."""


def redact(url: str) -> str:
    """``url`` without a user name or password in it, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


@dataclass
class PublishResult:
    """What was sent: the graph IRI, triples, bytes, HTTP status and seconds taken."""

    graph: str
    triples: int
    bytes: int
    status: int
    seconds: float


def auth_from_env(environ=os.environ):
    """HTTP auth from :data:`USER_ENV`, :data:`PASSWORD_ENV` and :data:`AUTH_ENV` (``basic``, the
    default, or ``digest``), or ``None`` when no user is set.

    :raises TarawaKGError: unknown auth scheme, or a user without a password
    """
    user = environ.get(USER_ENV)
    if not user:
        return None
    password = environ.get(PASSWORD_ENV)
    if password is None:
        raise TarawaKGError(f"{USER_ENV} is set but {PASSWORD_ENV} is not")
    scheme = environ.get(AUTH_ENV, "basic").lower()
    if scheme == "basic":
        return requests.auth.HTTPBasicAuth(user, password)
    if scheme == "digest":
        return requests.auth.HTTPDigestAuth(user, password)
    raise TarawaKGError(f"{AUTH_ENV} must be 'basic' or 'digest', not {scheme!r}")


def check_store(store_url: str, graph_iri: str = str(DATASET), auth=None, graph_param: str = "graph",
                timeout: float = 15.0) -> None:
    """Check, before the graph is built, that the store answers and accepts the credentials: one
    bodiless ``HEAD`` request for the graph (a 404, no such graph yet, is fine).

    :raises EndpointError: unreachable store, timeout, or HTTP 401/403
    """
    try:
        response = requests.head(store_url, params={graph_param: graph_iri}, auth=auth, timeout=timeout,
                                 headers={"User-Agent": USER_AGENT})
    except requests.Timeout:
        raise EndpointError(f"{redact(store_url)}: no answer within {timeout:g} s; nothing was published") from None
    except requests.RequestException as exc:
        raise EndpointError(f"{redact(store_url)}: cannot reach the store ({exc.__class__.__name__}); "
                            f"nothing was published") from None
    if response.status_code in (401, 403):
        raise EndpointError(f"{redact(store_url)}: HTTP {response.status_code}: the store refuses these "
                            f"credentials; set {USER_ENV}, {PASSWORD_ENV} and {AUTH_ENV}")


def publish(graph: Graph, store_url: str, graph_iri: str = str(DATASET), auth=None,
            graph_param: str = "graph", timeout: float = 300.0) -> PublishResult:
    """Replace the named graph ``graph_iri`` of the store with ``graph``, in one HTTP PUT.

    The body is the deterministic N-Triples export, sent whole with its length: the store parses it
    completely before it replaces the graph, so an interrupted transfer leaves the previous graph as
    it was. Publishing the same graph twice gives the same store.

    :param store_url: the Graph Store HTTP Protocol endpoint (Oxigraph ``/store``, Fuseki
        ``/DATASET/data``, Virtuoso ``/sparql-graph-crud-auth``)
    :param graph_param: the query parameter naming the graph (``graph`` in the standard;
        Virtuoso also accepts ``graph-uri``)
    :param auth: a requests auth object (see :func:`auth_from_env`); never logged
    :raises EndpointError: unreachable store, timeout, or an HTTP error status
    """
    body = serialize_graph(graph, "nt")
    start = time.perf_counter()
    headers = {"User-Agent": USER_AGENT}
    try:
        with requests.Session() as session:
            session.auth = auth
            session.headers.update(headers)
            if auth is not None:
                # a bodiless request first, so that a digest challenge is answered before the body
                # goes out: the body is then sent once, with its length, already authenticated
                session.head(store_url, params={graph_param: graph_iri}, timeout=timeout)
            response = session.put(store_url, params={graph_param: graph_iri}, data=body, timeout=timeout,
                                   headers={"Content-Type": "application/n-triples"})
    except requests.Timeout:
        raise EndpointError(f"{redact(store_url)}: no answer within {timeout:g} s; the graph was not replaced") from None
    except requests.ConnectionError as exc:
        raise EndpointError(f"{redact(store_url)}: cannot reach the store: {exc.__class__.__name__}") from None
    except requests.RequestException as exc:
        raise EndpointError(f"{redact(store_url)}: {exc.__class__.__name__}") from None
    if response.status_code == 401:
        raise EndpointError(f"{redact(store_url)}: HTTP 401 unauthorised: set {USER_ENV}, {PASSWORD_ENV} "
                            f"and {AUTH_ENV}")
    if response.status_code >= 400:
        raise EndpointError(f"{redact(store_url)}: HTTP {response.status_code}: {response.text.strip()[:300]}")
    return PublishResult(graph_iri, len(graph), len(body), response.status_code,
                         time.perf_counter() - start)
