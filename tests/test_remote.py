"""Serve and publish with two real, different SPARQL 1.1 engines: Oxigraph and Virtuoso.

For each engine: publish the graph into a named graph (Graph Store HTTP Protocol), run every saved
query remotely and compare with the local rows; publish twice; break a publish midway; and check
that a query over the time limit is cut off with a clear message. The read-only endpoint of
``tarawa-kg serve`` must refuse updates.
"""

from __future__ import annotations

from collections import Counter

import pytest
import requests
from rdflib import Literal
from rdflib.namespace import XSD

from tarawa_kg import EndpointError, list_queries, run_query
from tarawa_kg.build import build
from tarawa_kg.publish import publish
from tarawa_kg.remote import run_remote_query, select
from tarawa_kg.serve import prepare_store, serve

import servers

GRAPH = "https://w3id.org/tarawa-kg/id/dataset/tarawa-kg"
OTHER_GRAPH = "https://w3id.org/tarawa-kg/id/dataset/test-previous"
PARAMS = {"events-at-place": {"place": "place:betio"}, "entity": {"entity": "person:julian-c-smith"},
          "participants": {"event": "event:battle-of-tarawa"}, "sub-events": {"event": "event:battle-of-tarawa"},
          "source-claims": {"source": "src:stockman-1947-battle-for-tarawa"},
          "totals": {"subject": "event:battle-of-makin", "property": "tkg:killed"}}
LOCAL_ONLY = {"federated-commander-birth-dates"}  # needs the live Wikidata endpoint
VIRTUOSO_DIFFERS = {
    "best-values": "Virtuoso 7 leaves out three normal-rank statements whose value is tkg:valueText "
                   "(e.g. Betio's « plusieurs dizaines » 7.7 mm machine guns) that the other engines keep",
    "totals": "Virtuoso 7 gives fewer rows for EXISTS inside BIND within a grouped subquery",
}
"""Saved queries whose rows differ on Virtuoso: known, recorded as strict expected failures, so a
test fails as soon as Virtuoso (or the query) gives the same rows."""
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""Runs for minutes; Oxigraph notices its own time limit on it only after 40-60 s."""
CUT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER (STR(?c) != STR(?f)) }"
"""Runs for minutes too, but Oxigraph's time limit cancels it on time (a body cut short, HTTP 200)."""


def normalise(term):
    """Compare values, not lexical forms: engines write 75.0 or 75 for the same xsd:decimal."""
    if isinstance(term, Literal) and term.datatype in (XSD.decimal, XSD.integer, XSD.double, XSD.float):
        return ("number", float(term))
    return term


def as_multiset(result):
    return Counter(tuple(normalise(t) for t in row) for row in result.rows)


def count_graph(server, graph_iri):
    result = select(server.query_url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")
    return int(result.rows[0][0])


def start(engine, work_dir, timeout_s=None):
    if engine == "virtuoso" and servers.virtuoso_binary() is None:
        pytest.skip("virtuoso-t is not installed: run .ci/virtuoso.sh")
    if engine == "oxigraph":
        return servers.start_oxigraph(work_dir, timeout_s=timeout_s)
    return servers.start_virtuoso(work_dir, timeout_s=timeout_s)


GRAPH_PARAM = {"oxigraph": "graph", "virtuoso": "graph-uri"}


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store(request, tmp_path_factory, graph):
    server = start(request.param, tmp_path_factory.mktemp(request.param), timeout_s=5)
    try:
        result = publish(graph, server.store_url, GRAPH, auth=server.auth,
                         graph_param=GRAPH_PARAM[server.engine])
        print(f"\n{server.engine}: published {result.triples} triples in {result.seconds:.2f} s")
        yield server
    finally:
        server.stop()


def test_published_graph_is_complete(store, graph):
    assert count_graph(store, GRAPH) == len(graph)


@pytest.mark.parametrize("name", [q.name for q in list_queries() if q.name not in LOCAL_ONLY])
def test_saved_query_gives_the_same_rows_remotely(store, graph, name, request):
    if store.engine == "virtuoso" and name in VIRTUOSO_DIFFERS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=VIRTUOSO_DIFFERS[name]))
    query = next(q for q in list_queries() if q.name == name)
    params = PARAMS.get(name, {})
    local = run_query(graph, query, params)
    remote = run_remote_query(store.query_url, query, params, default_graph=GRAPH)
    assert remote.variables == local.variables
    assert as_multiset(remote) == as_multiset(local)


def test_publish_twice_is_idempotent(store, graph):
    publish(graph, store.store_url, GRAPH, auth=store.auth, graph_param=GRAPH_PARAM[store.engine])
    assert count_graph(store, GRAPH) == len(graph)


def test_interrupted_publish_leaves_previous_graph(store, graph, monkeypatch):
    from rdflib import BNode, Graph

    previous = Graph()
    for triple in sorted(t for t in graph if not any(isinstance(x, BNode) for x in t))[:25]:
        previous.add(triple)
    publish(previous, store.store_url, OTHER_GRAPH, auth=store.auth, graph_param=GRAPH_PARAM[store.engine])
    assert count_graph(store, OTHER_GRAPH) == 25

    import tarawa_kg.publish as publish_module
    real = publish_module.serialize_graph

    class BrokenBody:
        """The N-Triples body, announced whole (Content-Length), whose transfer breaks halfway."""

        def __init__(self, data):
            self.data, self.sent = data, 0

        def __len__(self):
            return len(self.data)

        def read(self, size=-1):
            if self.sent >= len(self.data) // 2:
                raise ConnectionResetError("link lost midway")
            size = 8192 if size is None or size < 0 else size
            chunk = self.data[self.sent:self.sent + size]
            self.sent += len(chunk)
            return chunk

    def broken_body(g, fmt):
        return BrokenBody(real(g, fmt))

    monkeypatch.setattr(publish_module, "serialize_graph", broken_body)
    with pytest.raises((ConnectionResetError, EndpointError, requests.RequestException)):
        publish(graph, store.store_url, OTHER_GRAPH, auth=store.auth, graph_param=GRAPH_PARAM[store.engine])
    assert count_graph(store, OTHER_GRAPH) == 25


def test_query_over_the_time_limit_is_cut_off(store):
    with pytest.raises(EndpointError) as info:
        select(store.query_url, CUT_QUERY, timeout=60, default_graph=GRAPH)
    assert "time" in str(info.value).lower()


def test_wrong_credentials_are_refused(store, graph):
    if store.engine != "virtuoso":
        pytest.skip("the Oxigraph store has no authentication")
    from requests.auth import HTTPDigestAuth

    with pytest.raises(EndpointError, match="401"):
        publish(graph, store.store_url, OTHER_GRAPH, auth=HTTPDigestAuth("dba", "wrong"),
                graph_param="graph-uri")


# ------------------------------------------------------------------------ tarawa-kg serve
@pytest.fixture(scope="module")
def served(project, tmp_path_factory):
    prepared = prepare_store(project, tmp_path_factory.mktemp("served") / "store")
    port = servers.free_ports(1)[0]
    process = serve(prepared, "127.0.0.1", port, timeout_s=2)
    url = f"http://127.0.0.1:{port}"
    try:
        servers._wait_until_up(process, None, f"{url}/query", {"query": "ASK {}"}, 30, "tarawa-kg serve")
        yield url, prepared
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_served_graph_is_exactly_the_build(served, project, tmp_path):
    url, prepared = served
    from rdflib import Graph

    build(project, tmp_path)
    exported = Graph().parse(tmp_path / "tarawa-kg.nt", format="nt")
    result = select(f"{url}/query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(result.rows[0][0]) == len(exported) == prepared.triples


def test_serve_refuses_updates(served):
    url, prepared = served
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    for target, kwargs in [
        (f"{url}/update", {"data": {"update": update}}),
        (f"{url}/query", {"data": update.encode(), "headers": {"Content-Type": "application/sparql-update"}}),
        (f"{url}/store?default", {"data": b"<http://e/a> <http://e/b> <http://e/c> .",
                                  "headers": {"Content-Type": "application/n-triples"}}),
    ]:
        response = requests.post(target, timeout=10, **kwargs)
        assert response.status_code >= 400, (target, response.status_code)
    result = select(f"{url}/query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(result.rows[0][0]) == prepared.triples


def test_serve_cuts_off_slow_queries(served):
    """The gateway answers HTTP 503 at the time limit (2 s), even for a query Oxigraph would
    notice only after a minute, and never HTTP 200 with a body cut short."""
    url, _prepared = served
    with pytest.raises(EndpointError, match="HTTP 503: .*time limit of 2 s"):
        select(f"{url}/query", SLOW_QUERY, timeout=60)
    response = requests.post(f"{url}/query", data={"query": "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f }"},
                             headers={"Accept": "text/csv"}, timeout=60)
    assert response.status_code == 503 and "time limit" in response.text


def test_serve_refuses_federated_queries(served):
    url, _prepared = served
    query = "SELECT * WHERE { ?s ?p ?o . SERVICE <http://127.0.0.1:9/sparql> { ?s ?q ?v } }"
    response = requests.get(f"{url}/query", params={"query": query}, timeout=10)
    assert response.status_code == 403 and "--allow-federation" in response.text
    with pytest.raises(EndpointError, match="HTTP 403"):
        select(f"{url}/query", query, timeout=10)


def test_serve_refuses_queries_that_would_overflow_the_server_and_keeps_running(served):
    """A few kilobytes of nested braces, or thousands of UNIONs, overflow the Oxigraph server's
    stack and abort it: the gateway refuses them, and the endpoint answers the next query."""
    url, _prepared = served
    nested = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
    unions = "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 20000) + " }"
    for query in (nested, unions):
        response = requests.post(f"{url}/query", data={"query": query}, timeout=30)
        assert response.status_code == 400 and "this endpoint takes at most" in response.text
    assert select(f"{url}/query", "SELECT (1 AS ?one) WHERE {}", timeout=10).rows[0][0].toPython() == 1


def test_a_page_that_is_not_an_endpoint_is_a_clear_error(served):
    url, _prepared = served
    import warnings

    with warnings.catch_warnings(record=True) as caught, pytest.raises(EndpointError) as info:
        warnings.simplefilter("always")
        select(f"{url}/", "ASK {}", timeout=10)
    assert "not SPARQL JSON results" in str(info.value) and "content type" in str(info.value)
    assert [w for w in caught if issubclass(w.category, RuntimeWarning)] == []
    with pytest.raises(EndpointError, match="HTTP 404"):
        select(f"{url}/no-such-endpoint", "ASK {}", timeout=10)
    with pytest.raises(EndpointError, match="but not SPARQL results .* is this the store's query endpoint"):
        select(f"{url}/store", "ASK {}", timeout=10)  # the graph-store URL answers with JSON-LD


def test_unreachable_endpoint_is_a_clear_error():
    port = servers.free_ports(1)[0]
    with pytest.raises(EndpointError, match="cannot reach"):
        select(f"http://127.0.0.1:{port}/query", "ASK {}", timeout=5)
