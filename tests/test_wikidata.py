"""Wikidata links: check, reconcile, accept and QuickStatements against a real Oxigraph server
loaded with a fixture in Wikidata's RDF shape; the client's retry, error and cache paths against a
scripted HTTP server on the loopback interface. Nothing here reaches the internet."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from tarawa_kg import load_project, validate_graph
from tarawa_kg.errors import EndpointError
from tarawa_kg.load import load_shapes
from tarawa_kg.namespaces import ID, TKG
from tarawa_kg.wikidata import (
    ReconciliationError,
    accept,
    check,
    find_candidate,
    label_variants,
    normalise_label,
    quickstatements,
    reconcile,
    write_review,
)
from tarawa_kg.wikidata_client import (
    USER_AGENT,
    BadResponse,
    EndpointBusy,
    EndpointUnreachable,
    WikidataClient,
)

import servers
from conftest import RESOURCES

FIXTURE = RESOURCES / "wikidata" / "wikidata-fixture.ttl"
WD = "http://www.wikidata.org/entity/"
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")


def iri(curie: str) -> str:
    kind, slug = curie.split(":", 1)
    folder = {"org": "organization", "equip": "equipment", "stmt": "statement", "src": "source"}
    return str(ID[f"{folder.get(kind, kind)}/{slug}"])


# ============================================================================ servers
@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """A real Oxigraph server (the shared launcher of tests/servers.py) with the Wikidata-shaped
    fixture; its query URL."""
    if servers.oxigraph_binary() is None:
        pytest.skip("the oxigraph command is not installed (pip install oxigraph)")
    store = tmp_path_factory.mktemp("wikidata-store")
    subprocess.run([str(servers.oxigraph_binary()), "load", "--location", str(store), "--file", str(FIXTURE)],
                   check=True, capture_output=True)
    server = servers.start_oxigraph(store, read_only=True)
    try:
        yield server.query_url
    finally:
        server.stop()


VALID_JSON = json.dumps({"head": {"vars": ["x"]},
                         "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}})


class Scripted:
    """An HTTP server on 127.0.0.1 that plays a list of answers (the last one repeats) and records
    every request: (method, path, headers, body)."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                owner.requests.append((self.command, self.path, dict(self.headers), body))
                status, headers, payload, delay = (owner.answers.pop(0) if len(owner.answers) > 1
                                                   else owner.answers[0])
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                data = payload.encode("utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def scripted():
    servers = []

    def start(*answers):
        server = Scripted(answers)
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.close()


JSON_OK = (200, {"Content-Type": "application/sparql-results+json"}, VALID_JSON, 0)


# ============================================================================ labels
def test_normalise_label_ignores_case_punctuation_and_diacritics():
    assert normalise_label("Saichirō TOMONARI") == normalise_label("saichiro tomonari")
    assert normalise_label("U.S. Navy") == normalise_label("US Navy") == "us navy"
    assert normalise_label("Gilbert and Marshall Islands Campaign") == \
        normalise_label("Gilbert and Marshall Islands campaign")
    assert normalise_label("US Congress") != normalise_label("United States Congress")


def test_label_variants_split_a_parenthesis():
    assert label_variants("USS Maryland (BB-46)") == ["USS Maryland (BB-46)", "USS Maryland", "BB-46"]
    assert label_variants("Universal Newsreel (named “United Newsreel” in the article)") == [
        "Universal Newsreel (named “United Newsreel” in the article)", "Universal Newsreel"]


# ============================================================================ check
EXPECTED_FINDINGS = {
    ("event:abemama-landing", "different-value", "P580"),
    ("event:battle-of-tarawa", "different-value", "P1120"),
    ("event:gilbert-and-marshall-islands-campaign", "incompatible-class", "P31"),
    ("organization:united-states-congress", "label-mismatch", "label"),
    ("place:hawaii", "missing-item", None),
    ("place:rabaul", "redirected-item", None),
}


def test_check_finds_each_planted_disagreement_and_nothing_else(graph, endpoint):
    findings = check(graph, endpoint, use_cache=False)
    assert {(f.entity, f.kind, f.property) for f in findings} == {
        (iri(e), k, p) for e, k, p in EXPECTED_FINDINGS}
    by_entity = {f.entity: f for f in findings}
    abemama = by_entity[iri("event:abemama-landing")]
    assert (abemama.qid, abemama.ours, abemama.theirs) == ("Q1497939", "1943-11-21", "1943-11-20")
    assert abemama.sources == (iri("src:wikipedia-en-abemama"),)
    tarawa = by_entity[iri("event:battle-of-tarawa")]
    # 30 and 4690 are among Wikidata's values; our preferred Marine dead (997) is not
    assert (tarawa.ours, tarawa.theirs) == ("997", "30, 1009, 1027, 4690")
    assert tarawa.sources == (iri("src:alexander-1993-across-the-reef"),)
    campaign = by_entity[iri("event:gilbert-and-marshall-islands-campaign")]
    assert (campaign.ours, campaign.theirs) == ("Q831663", "Q178561")
    congress = by_entity[iri("organization:united-states-congress")]
    assert (congress.ours, congress.theirs) == ("United States Congress", "US Congress")
    assert by_entity[iri("place:rabaul")].theirs == "Q9000000010"
    assert by_entity[iri("place:hawaii")].qid == "Q782"


def test_check_covers_every_link(graph, endpoint):
    """The fixture matches the other 19 links (labels through aliases, case and variants; the
    Pacific War's class through P279*), so they give no finding; batching changes nothing."""
    linked = {str(s) for s, o in graph.subject_objects(SKOS.exactMatch) if str(o).startswith(WD)}
    assert len(linked) == 25
    client = WikidataClient(endpoint, use_cache=False, batch_size=4)
    findings = check(graph, client=client)
    assert {(f.entity, f.kind, f.property) for f in findings} == {
        (iri(e), k, p) for e, k, p in EXPECTED_FINDINGS}
    assert {f.entity for f in findings} <= linked
    # labels, status and statements: 7 batches of at most 4 QIDs each; classes: 4 (item, class)
    # pairs (Roosevelt, the war, the campaign, the battle) in one batch
    assert client.requests_sent == 3 * 7 + 1


def test_second_check_is_answered_from_the_cache(graph, endpoint, tmp_path):
    first = WikidataClient(endpoint, cache_dir=tmp_path / "cache")
    findings = check(graph, client=first)
    assert first.requests_sent > 0
    assert len(list((tmp_path / "cache").glob("*.json"))) == first.requests_sent
    second = WikidataClient(endpoint, cache_dir=tmp_path / "cache")
    assert check(graph, client=second) == findings
    assert second.requests_sent == 0


# ============================================================================ reconcile
def test_reconcile_ranks_candidates_and_rules_out_decoys(graph, endpoint):
    results = reconcile(graph, endpoint, use_cache=False)
    awaiting = {s for s in graph.subjects(TKG.wikidataStatus, TKG.AwaitingReconciliation)}
    assert {URIRef(r.entity) for r in results} == awaiting
    found = {r.entity: r for r in results if r.candidates or r.rejected}
    assert set(found) == {iri("person:raymond-a-spruance"), iri("ship:uss-maryland-bb-46"),
                          iri("event:battle-of-makin")}

    spruance = found[iri("person:raymond-a-spruance")]
    assert [(c.qid, c.score) for c in spruance.candidates] == [("Q9000000001", 0.75)]
    assert "English label matches" in spruance.candidates[0].reason
    assert "Q5 (human)" in spruance.candidates[0].reason
    assert [c.qid for c in spruance.rejected] == ["Q9000000002"]  # a family name "Spruance"
    assert "P31 Q9000000091 is not Q5 (human)" in spruance.rejected[0].reason

    maryland = found[iri("ship:uss-maryland-bb-46")]
    assert [(c.qid, c.score) for c in maryland.candidates] == [("Q9000000003", 0.75),
                                                               ("Q9000000005", 0.35)]
    assert "pennant number BB-46 matches" in maryland.candidates[0].reason
    assert [c.qid for c in maryland.rejected] == ["Q9000000004"]  # USS Maryland (ACR-8)
    assert "pennant number ACR-8 is not BB-46" in maryland.rejected[0].reason

    makin = found[iri("event:battle-of-makin")]
    assert [(c.qid, c.score) for c in makin.candidates] == [("Q9000000006", 1.0)]
    assert [c.qid for c in makin.rejected] == ["Q9000000007"]  # same label, dated 1942
    assert "more than 2 days from 1943-11-20" in makin.rejected[0].reason


def test_review_file_is_json(graph, endpoint, tmp_path):
    results = reconcile(graph, endpoint, use_cache=False,
                        entities=[iri("person:raymond-a-spruance"), iri("person:chester-w-nimitz")])
    path = write_review(results, tmp_path / "dist" / "review.json", endpoint, on=date(2024, 1, 2))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["endpoint"] == endpoint and data["date"] == "2024-01-02"
    assert [e["entity"] for e in data["entities"]] == [iri("person:chester-w-nimitz"),
                                                        iri("person:raymond-a-spruance")]
    assert data["entities"][1]["candidates"][0]["qid"] == "Q9000000001"
    assert data["entities"][0]["candidates"] == []


def test_accept_writes_the_link_and_the_project_still_validates(project_copy, endpoint):
    entity = URIRef(iri("person:raymond-a-spruance"))
    results = reconcile(load_project(project_copy), endpoint, use_cache=False, entities=[entity])
    candidate = find_candidate(results, entity, "Q9000000001")
    done = accept(project_copy, entity, "Q9000000001", candidate, on=date(2024, 1, 2))
    assert done.statement == iri("stmt:raymond-a-spruance-wikidata-item")
    text = (project_copy.root / "data" / "wikidata.ttl").read_text(encoding="utf-8")
    assert "person:raymond-a-spruance tkg:wikidataStatus tkg:AwaitingReconciliation ." not in text
    assert "person:raymond-a-spruance skos:exactMatch wd:Q9000000001 ;" in text

    graph = load_project(project_copy)
    assert set(graph.objects(entity, SKOS.exactMatch)) == {URIRef(WD + "Q9000000001")}
    assert set(graph.objects(entity, TKG.wikidataStatus)) == {TKG.Linked}
    statement = URIRef(done.statement)
    assert (statement, RDF.type, TKG.Statement) in graph
    assert graph.value(statement, TKG.subject) == entity
    assert graph.value(statement, TKG.property) == TKG.wikidataItem
    assert graph.value(statement, TKG.value) == URIRef(WD + "Q9000000001")
    assert graph.value(statement, TKG.statementRank) == TKG.PreferredRank
    (cite,) = list(graph.objects(statement, PROV_DERIVED))
    assert graph.value(cite, TKG.source) == URIRef(iri("src:wikidata"))
    assert str(graph.value(cite, TKG.locator)) == "tarawa-kg wikidata reconcile, score 0.75, 2024-01-02"
    assert graph.value(cite, TKG.quote) == Literal(candidate.reason, lang="en")

    report = validate_graph(graph, load_shapes(project_copy))
    assert report.conforms and report.results == [], [r.line(graph) for r in report.results]


def test_accept_refuses_what_was_not_proposed(project_copy):
    spruance = iri("person:raymond-a-spruance")
    with pytest.raises(ReconciliationError, match="not among the candidates"):
        accept(project_copy, spruance, "Q9000000002", None)
    with pytest.raises(ReconciliationError, match="not a Wikidata item id"):
        accept(project_copy, spruance, "Q0123", None, force=True)
    with pytest.raises(ReconciliationError, match="already linked to Q8007"):
        accept(project_copy, iri("person:franklin-d-roosevelt"), "Q9000000001", None, force=True)
    with pytest.raises(ReconciliationError, match="does not await reconciliation"):
        accept(project_copy, iri("person:seizo-ishikawa"), "Q9000000001", None)
    before = (project_copy.root / "data" / "wikidata.ttl").read_bytes()
    assert before == (Path(__file__).parent.parent / "data" / "wikidata.ttl").read_bytes()
    done = accept(project_copy, spruance, "Q9000000002", None, force=True, on=date(2024, 1, 2))
    graph = load_project(project_copy)
    (cite,) = list(graph.objects(URIRef(done.statement), PROV_DERIVED))
    assert str(graph.value(cite, TKG.locator)) == "tarawa-kg wikidata reconcile --force, 2024-01-02"


def test_accept_several_links_on_one_loaded_graph(project_copy, monkeypatch):
    graph = load_project(project_copy)
    monkeypatch.setattr("tarawa_kg.load.load_project", lambda *a, **k: pytest.fail("loaded again"))
    spruance, nimitz = iri("person:raymond-a-spruance"), iri("person:chester-w-nimitz")
    accept(project_copy, spruance, "Q9000000002", None, force=True, on=date(2024, 1, 2), graph=graph)
    # the graph given now holds the first link, so the second accept sees it
    assert URIRef(WD + "Q9000000002") in set(graph.objects(URIRef(spruance), SKOS.exactMatch))
    with pytest.raises(ReconciliationError, match="already the link of .*raymond-a-spruance"):
        accept(project_copy, nimitz, "Q9000000002", None, graph=graph)
    accept(project_copy, nimitz, "Q9000000003", None, force=True, on=date(2024, 1, 2), graph=graph)
    monkeypatch.undo()
    reloaded = load_project(project_copy)
    assert {str(s) for s in reloaded.subjects(TKG.wikidataStatus, TKG.Linked)} >= {spruance, nimitz}


# ============================================================================ QuickStatements
def _fields(text):
    return [line.split("\t") for line in text.splitlines()]


def test_quickstatements_exports_sourced_facts(graph):
    text, skipped = quickstatements(graph)
    lines = text.splitlines()
    linked = {str(o)[len(WD):] for o in graph.objects(None, SKOS.exactMatch) if str(o).startswith(WD)}
    for fields in _fields(text):
        assert fields[0] in linked and fields[1] in ("P580", "P582", "P1120", "P710", "P598")
        refs = fields[3:]
        assert len(refs) % 2 == 0 and refs and set(refs[::2]) <= {"S248", "S854", "S1683"}
    assert "S813" not in text
    # neither Wikipedia nor the popular article stands as a Wikidata reference
    assert "wikipedia.org" not in text and "tracesdeguerre" not in text
    # a direct date cited by the entity's official-history citation
    assert 'Q250309\tP582\t+1943-11-23T00:00:00Z/11\tS854\t"https://www.gutenberg.org/ebooks/48836"' in lines
    # the belligerents, both linked, as participants
    assert {tuple(f[:3]) for f in _fields(text) if f[0] == "Q250309" and f[1] == "P710"} == {
        ("Q250309", "P710", "Q30"), ("Q250309", "P710", "Q188712")}
    # Tarawa's deaths are per side and category: no single total for P1120
    assert (iri("event:battle-of-tarawa"), "P1120") in [(s.entity, s.property) for s in skipped]
    # facts whose only sources are the popular article or Wikipedia are skipped, not exported
    assert (iri("event:gilbert-and-marshall-islands-campaign"), "P710") in [(s.entity, s.property) for s in skipped]
    assert not any(f[1] == "P1120" for f in _fields(text))


def test_quickstatements_skips_what_wikidata_has(graph, endpoint):
    text, skipped = quickstatements(graph, endpoint, use_cache=False)
    heads = {tuple(f[:3]) for f in _fields(text)}
    assert ("Q250309", "P580", "+1943-11-20T00:00:00Z/11") not in heads   # the fixture has it
    assert ("Q250309", "P710", "Q30") not in heads
    assert ("Q250309", "P710", "Q188712") in heads                         # the fixture lacks it
    assert ("Q1497939", "P580", "+1943-11-21T00:00:00Z/11") in heads       # contradicted: exported
    assert ("Q1497939", "P582", "+1943-11-25T00:00:00Z/11") not in heads   # same date there
    reasons = {(s.entity, s.property): s.reason for s in skipped}
    assert reasons[(iri("event:battle-of-tarawa"), "P580")] == "wd:Q250309 already has P580 = 1943-11-20"
    assert reasons[(iri("event:abemama-landing"), "P582")] == "wd:Q1497939 already has P582 = 1943-11-25"


# ============================================================================ the client
def test_retry_after_429_is_honoured(scripted):
    server = scripted((429, {"Retry-After": "1"}, "slow down", 0), JSON_OK)
    sleeps = []
    client = WikidataClient(server.url, use_cache=False, sleep=sleeps.append)
    result = client.select("SELECT ?x WHERE { }")
    assert result.rows == [(Literal("1"),)]
    assert len(server.requests) == 2
    assert len(sleeps) == 1 and sleeps[0] >= 1
    assert server.requests[0][2]["User-Agent"] == USER_AGENT


def test_503_backs_off_exponentially_then_gives_up(scripted):
    server = scripted((503, {}, "<html>down</html>", 0))
    sleeps = []
    client = WikidataClient(server.url, use_cache=False, sleep=sleeps.append, max_attempts=3)
    with pytest.raises(EndpointBusy, match="HTTP 503.*gave up after 3 attempts"):
        client.select("SELECT ?x WHERE { }")
    assert len(server.requests) == 3
    assert sleeps == [1.0, 2.0]


def test_timeouts_are_retried(scripted):
    server = scripted((200, {"Content-Type": "application/sparql-results+json"}, VALID_JSON, 1.5))
    sleeps = []
    client = WikidataClient(server.url, use_cache=False, sleep=sleeps.append, max_attempts=2,
                            timeout=0.5)
    with pytest.raises(EndpointBusy, match="no answer within"):
        client.select("SELECT ?x WHERE { }")
    assert len(server.requests) == 2 and len(sleeps) == 1


def test_http_200_with_an_html_page_is_an_error(scripted):
    server = scripted((200, {"Content-Type": "text/html"},
                       "<html><head><title>java.util.concurrent.TimeoutException</title></head></html>", 0))
    client = WikidataClient(server.url, use_cache=False, sleep=lambda s: None)
    with pytest.raises(BadResponse, match="not SPARQL JSON results.*TimeoutException") as info:
        client.select("SELECT ?x WHERE { }")
    assert isinstance(info.value, EndpointError)
    assert len(server.requests) == 1


def test_closed_port_says_offline():
    url = f"http://127.0.0.1:{servers.free_ports()[0]}/sparql"
    client = WikidataClient(url, use_cache=False, sleep=lambda s: None)
    with pytest.raises(EndpointUnreachable) as info:
        client.select("SELECT ?x WHERE { }")
    message = str(info.value)
    assert message.startswith(f"cannot reach {url}: ")
    assert message.endswith("; Wikidata checks need network access")


def test_cache_means_a_second_run_sends_nothing(scripted, tmp_path):
    server = scripted(JSON_OK)
    query = "SELECT ?x WHERE { }"
    first = WikidataClient(server.url, cache_dir=tmp_path)
    assert first.select(query).rows == [(Literal("1"),)]
    assert len(server.requests) == 1 and len(list(tmp_path.glob("*.json"))) == 1
    second = WikidataClient(server.url, cache_dir=tmp_path)
    assert second.select(query).rows == [(Literal("1"),)]
    assert len(server.requests) == 1 and second.requests_sent == 0
    WikidataClient(server.url, cache_dir=tmp_path, use_cache=False).select(query)
    assert len(server.requests) == 2


def test_cache_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TARAWA_KG_CACHE", str(tmp_path / "env-cache"))
    assert WikidataClient("http://127.0.0.1:1/sparql").cache_dir == tmp_path / "env-cache"


def test_long_queries_go_by_post_and_batches_are_bounded(scripted):
    server = scripted(JSON_OK)
    client = WikidataClient(server.url, use_cache=False, batch_size=3, progress=False)
    items = [f"Q{n}" for n in range(1, 8)]
    result = client.select_batched(items, lambda batch: "SELECT ?x WHERE { VALUES ?q { "
                                   + " ".join(f'"{q}"' for q in batch) + " } }")
    assert len(server.requests) == 3 and len(result.rows) == 3   # 3 + 3 + 1 items
    assert all(method == "GET" for method, *_ in server.requests)
    client.select("SELECT ?x WHERE { }" + " " * 2100)
    method, _path, headers, body = server.requests[-1]
    assert method == "POST" and b"query=" in body


# ============================================================================ command line
def test_cli_check_exits_1_on_findings(run, endpoint):
    result = run("wikidata", "check", "--endpoint", endpoint, "--no-cache", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert {(d["entity"], d["kind"]) for d in data} == {(iri(e), k) for e, k, _p in EXPECTED_FINDINGS}


def test_cli_check_against_an_empty_endpoint_suggests_the_endpoint_is_wrong(run, scripted, graph):
    linked = len(set(graph.subjects(TKG.wikidataStatus, TKG.Linked)))
    assert linked > 20
    empty = json.dumps({"head": {"vars": ["item"]}, "results": {"bindings": []}})
    server = scripted((200, {"Content-Type": "application/sparql-results+json"}, empty, 0))
    result = run("wikidata", "check", "--endpoint", server.url, "--no-cache", "--format", "csv")
    assert result.exit_code == 1
    assert result.stdout.count(",missing-item,") == linked
    assert f"the endpoint knows none of the {linked} linked items; is {server.url} a Wikidata endpoint" in result.stderr


def test_cli_unreachable_endpoint_exits_2_without_traceback(run):
    url = f"http://127.0.0.1:{servers.free_ports()[0]}/sparql"
    result = run("wikidata", "check", "--endpoint", url, "--no-cache")
    assert result.exit_code == 2
    assert f"error: cannot reach {url}" in result.output
    assert "Wikidata checks need network access" in result.output
    assert "Traceback" not in result.output


def test_cli_reconcile_and_accept(run, endpoint, project_copy, tmp_path):
    review = tmp_path / "review.json"
    result = run("wikidata", "reconcile", "--root", project_copy.root, "--endpoint", endpoint,
                 "--no-cache", "--output", review, "--accept", "ship:uss-maryland-bb-46=Q9000000003")
    assert result.exit_code == 0, result.output
    assert "accepted ship:uss-maryland-bb-46 = Q9000000003" in result.output
    assert json.loads(review.read_text(encoding="utf-8"))["entities"]
    graph = load_project(project_copy)
    ship = URIRef(iri("ship:uss-maryland-bb-46"))
    assert set(graph.objects(ship, TKG.wikidataStatus)) == {TKG.Linked}
    refused = run("wikidata", "reconcile", "--root", project_copy.root, "--endpoint", endpoint,
                  "--no-cache", "--output", review, "--accept", "person:raymond-a-spruance=Q9000000002")
    assert refused.exit_code == 2
    assert "is not among the candidates" in refused.output


def test_cli_quickstatements_to_file(run, endpoint, tmp_path):
    out = tmp_path / "qs.tsv"
    result = run("wikidata", "quickstatements", "--endpoint", endpoint, "--no-cache", "-o", out)
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("Q")
    assert "skipped: event:battle-of-tarawa P1120" in result.stderr
