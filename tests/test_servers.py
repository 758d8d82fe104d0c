"""tests/servers.py starts real SPARQL 1.1 servers: write through the Graph Store Protocol, read
the triples back with SELECT, time out slow queries, and stop.

Each engine's server is shared by the tests of this module; the last test of each engine stops it
(the fixture stops it again at teardown, which does nothing then). Virtuoso tests are skipped
only when ``virtuoso-t`` is not installed (``.ci/virtuoso.sh`` installs it).
"""

from __future__ import annotations

import socket
import time

import pytest
import requests
from requests.auth import HTTPDigestAuth

import servers
from servers import (Server, ServerError, free_ports, oxigraph_binary, run_isql,
                     start_oxigraph, start_virtuoso, virtuoso_binary)

GRAPH = "https://w3id.org/tarawa-kg/test/graph/servers"
TURTLE = """\
@prefix ex: <https://w3id.org/tarawa-kg/test/> .
ex:betio ex:partOf ex:tarawa ; ex:label "Betio" .
ex:makin ex:label "Makin" .
"""
TRIPLES = 3
QUERY_TIMEOUT_S = 2
SLOW_GRAPH = "https://w3id.org/tarawa-kg/test/graph/slow"
SLOW_QUERY = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SLOW_GRAPH}> "
              "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } }")
"""3,000^3 solutions: minutes of work, so it hits the query timeout."""
JSON = {"Accept": "application/sparql-results+json"}


def slow_graph_turtle() -> bytes:
    return "\n".join(f'<urn:x:s{i}> <urn:x:p> "{i}" .' for i in range(3000)).encode()


def put_graph(server: Server, graph: str, turtle: bytes | str, graph_param: str,
              auth=None) -> requests.Response:
    """PUT Turtle into ``graph`` through the server's Graph Store Protocol endpoint."""
    body = turtle.encode() if isinstance(turtle, str) else turtle
    return requests.put(server.store_url, params={graph_param: graph}, data=body,
                        headers={"Content-Type": "text/turtle"}, auth=auth, timeout=30)


def count_triples(server: Server, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = requests.post(server.query_url, data={"query": query}, headers=JSON, timeout=30)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def assert_stopped(server: Server) -> None:
    code = server.stop()
    assert code is not None
    assert server.process.poll() is not None
    assert not server.running
    port = int(server.base_url.rsplit(":", 1)[1])
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert server.stop() == code  # stopping again is harmless


def test_free_ports_are_distinct_and_bindable():
    ports = free_ports(3)
    assert len(set(ports)) == 3
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


# ------------------------------------------------------------------------------------------
# Oxigraph


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    if oxigraph_binary() is None:
        pytest.fail("the oxigraph command is missing: it comes with the oxigraph dependency")
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "store",
                            timeout_s=QUERY_TIMEOUT_S)
    try:
        yield server
    finally:
        server.stop()


def test_oxigraph_urls(oxigraph):
    assert oxigraph.base_url.startswith("http://127.0.0.1:")
    assert oxigraph.query_url == oxigraph.base_url + "/query"
    assert oxigraph.update_url == oxigraph.base_url + "/update"
    assert oxigraph.store_url == oxigraph.base_url + "/store"
    assert oxigraph.running


def test_oxigraph_graph_store_put_then_select_count(oxigraph):
    response = put_graph(oxigraph, GRAPH, TURTLE, "graph")
    assert response.status_code in (201, 204), response.text
    assert count_triples(oxigraph, GRAPH) == TRIPLES
    # PUT replaces the graph
    response = put_graph(oxigraph, GRAPH, TURTLE, "graph")
    assert response.status_code in (200, 201, 204), response.text
    assert count_triples(oxigraph, GRAPH) == TRIPLES


def test_oxigraph_update_endpoint(oxigraph):
    graph = GRAPH + "/update"
    response = requests.post(oxigraph.update_url, timeout=30, data={
        "update": f'INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:a> <urn:x:b> "c" }} }}'})
    assert response.status_code in (200, 204), response.text
    assert count_triples(oxigraph, graph) == 1


def test_oxigraph_query_timeout(oxigraph):
    assert put_graph(oxigraph, SLOW_GRAPH, slow_graph_turtle(), "graph").status_code in (201, 204)
    started = time.monotonic()
    response = requests.post(oxigraph.query_url, data={"query": SLOW_QUERY}, headers=JSON,
                             timeout=60)
    elapsed = time.monotonic() - started
    # Results are streamed: the status (200) is sent before the timeout strikes, and the body
    # is cut short by the cancellation message.
    assert "The SPARQL operation has been cancelled" in response.text
    with pytest.raises(ValueError):
        response.json()
    assert elapsed < QUERY_TIMEOUT_S + 10


def test_oxigraph_read_only(tmp_path):
    store = tmp_path / "store"
    writer = start_oxigraph(store)
    try:
        assert put_graph(writer, GRAPH, TURTLE, "graph").status_code in (201, 204)
    finally:
        writer.stop()
    reader = start_oxigraph(store, read_only=True)
    try:
        assert reader.update_url is None
        assert count_triples(reader, GRAPH) == TRIPLES
        assert put_graph(reader, GRAPH + "/2", TURTLE, "graph").status_code >= 400
    finally:
        reader.stop()
    assert not reader.running


def test_oxigraph_read_only_needs_an_existing_store(tmp_path):
    with pytest.raises(ServerError, match="exited with code"):
        start_oxigraph(tmp_path / "missing", read_only=True)
    assert not (tmp_path / "missing").exists()


def test_oxigraph_takes_other_ports_when_the_chosen_one_is_taken(tmp_path, monkeypatch):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        real = servers.free_ports
        picks = iter([[taken]])
        monkeypatch.setattr(servers, "free_ports", lambda n=1: next(picks, None) or real(n))
        server = start_oxigraph(tmp_path / "store")
        try:
            assert server.base_url != f"http://127.0.0.1:{taken}"
            assert count_triples(server, GRAPH) == 0
        finally:
            server.stop()


def test_oxigraph_stop(oxigraph):
    assert_stopped(oxigraph)


# ------------------------------------------------------------------------------------------
# Virtuoso


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    if virtuoso_binary() is None:
        pytest.skip("Virtuoso Open Source is not installed (no virtuoso-t): "
                    "run .ci/virtuoso.sh or apt-get install virtuoso-opensource")
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"), timeout_s=QUERY_TIMEOUT_S)
    try:
        yield server
    finally:
        server.stop()


def test_virtuoso_urls(virtuoso):
    assert virtuoso.query_url == virtuoso.base_url + "/sparql"
    assert virtuoso.update_url == virtuoso.base_url + "/sparql-auth"
    assert virtuoso.store_url == virtuoso.base_url + "/sparql-graph-crud-auth"
    assert virtuoso.user == "dba"
    assert virtuoso.password and virtuoso.password != "dba"
    assert virtuoso.running
    ini = (virtuoso.work_dir / "virtuoso.ini").read_text()
    assert f"ServerPort           = 127.0.0.1:{virtuoso.isql_port}" in ini
    assert f"MaxQueryExecutionTime = {QUERY_TIMEOUT_S}" in ini
    assert (virtuoso.work_dir / "virtuoso.db").is_file()


def test_virtuoso_graph_store_put_then_select_count(virtuoso):
    response = put_graph(virtuoso, GRAPH, TURTLE, "graph-uri",
                         auth=HTTPDigestAuth(virtuoso.user, virtuoso.password))
    assert response.status_code in (201, 204), response.text
    assert count_triples(virtuoso, GRAPH) == TRIPLES
    # the Graph Store endpoint reads the graph back too
    response = requests.get(virtuoso.store_url, params={"graph-uri": GRAPH},
                            headers={"Accept": "text/turtle"}, auth=virtuoso.auth, timeout=30)
    assert response.status_code == 200, response.text
    assert "Betio" in response.text


def test_virtuoso_graph_store_needs_the_password(virtuoso):
    response = put_graph(virtuoso, GRAPH + "/denied", TURTLE, "graph-uri",
                         auth=HTTPDigestAuth("dba", "dba"))
    assert response.status_code == 401
    response = put_graph(virtuoso, GRAPH + "/denied", TURTLE, "graph-uri")
    assert response.status_code == 401
    assert count_triples(virtuoso, GRAPH + "/denied") == 0


def test_virtuoso_update_endpoint_and_read_only_anonymous_endpoint(virtuoso):
    graph = GRAPH + "/update"
    update = f'INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:a> <urn:x:b> "c" }} }}'
    response = requests.post(virtuoso.query_url, data={"query": update}, timeout=30)
    assert response.status_code >= 400  # anonymous /sparql may not write
    assert count_triples(virtuoso, graph) == 0
    response = requests.post(virtuoso.update_url, data={"update": update}, auth=virtuoso.auth,
                             timeout=30)
    assert response.status_code == 200, response.text
    assert count_triples(virtuoso, graph) == 1


def test_virtuoso_user_with_sparql_update_role_may_write(virtuoso):
    run_isql(virtuoso, "DB.DBA.USER_CREATE('tkg_writer', 'writer-pw');")
    auth = HTTPDigestAuth("tkg_writer", "writer-pw")
    assert put_graph(virtuoso, GRAPH + "/w", TURTLE, "graph-uri", auth=auth).status_code == 403
    run_isql(virtuoso, 'GRANT SPARQL_UPDATE TO "tkg_writer";')
    assert put_graph(virtuoso, GRAPH + "/w", TURTLE, "graph-uri", auth=auth).status_code == 201
    assert count_triples(virtuoso, GRAPH + "/w") == TRIPLES


def test_virtuoso_query_timeout(virtuoso):
    response = put_graph(virtuoso, SLOW_GRAPH, slow_graph_turtle(), "graph-uri",
                         auth=virtuoso.auth)
    assert response.status_code in (201, 204), response.text
    started = time.monotonic()
    response = requests.post(virtuoso.query_url, data={"query": SLOW_QUERY}, headers=JSON,
                             timeout=60)
    elapsed = time.monotonic() - started
    assert response.status_code == 500
    assert "Transaction timed out" in response.text
    assert elapsed < QUERY_TIMEOUT_S + 10


def test_virtuoso_stop(virtuoso):
    work = virtuoso.work_dir
    assert_stopped(virtuoso)
    assert not (work / "virtuoso.lck").exists()
