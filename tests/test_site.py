"""The web edition: ``tarawa-kg site`` and the pages it writes."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
import requests

from tarawa_kg.errors import TarawaKGError
from tarawa_kg.site.generate import build_site
from tarawa_kg.site.paths import UnsafeIRI
from tarawa_kg.store import KnowledgeGraph

TINY = """
@prefix tkg: <https://w3id.org/tarawa-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix person: <https://w3id.org/tarawa-kg/id/person/> .
person:evil a tkg:Person ; rdfs:label "<script>alert(1)</script>"@en .
person:nameless a tkg:Person ; tkg:side <https://w3id.org/tarawa-kg/id/side/japan> .
"""


def tiny_graph(extra: str = "") -> KnowledgeGraph:
    return KnowledgeGraph(ox.parse(TINY + extra, format=ox.RdfFormat.TURTLE))


def test_entity_page_and_alternates(site_dir):
    folder = site_dir / "id" / "person" / "julian-c-smith"
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "<h1>Julian C. Smith</h1>" in html
    head = html.split("</head>")[0]
    schema = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', head).group(1))
    assert schema["@type"] == "Person"
    assert schema["@id"] == "https://w3id.org/tarawa-kg/id/person/julian-c-smith"
    turtle = ox.parse((folder / "index.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    subjects = {t.subject.value for t in turtle}
    assert "https://w3id.org/tarawa-kg/id/person/julian-c-smith" in subjects
    jsonld = list(ox.parse((folder / "index.jsonld").read_bytes(), format=ox.RdfFormat.JSON_LD))
    assert len(jsonld) == len(list(ox.parse((folder / "index.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES)))


def test_deprecated_statement_struck_with_reason_and_correction(site_dir):
    html = (site_dir / "id/unit/betio-garrison/index.html").read_text(encoding="utf-8")
    row = html.split('id="betio-garrison-commander-tomonari-article"')[1].split("</tr>")[0]
    assert "<del>" in row and "Saichirō Tomonari" in row.split("<del>")[1].split("</del>")[0]
    assert "had been replaced by Rear Admiral Keiji Shibasaki" in row
    assert 'href="../../../id/statement/betio-garrison-commander-shibasaki-alexander/"' in row
    assert "§ Une forteresse redoutable" in html or "§ Les marines" in html  # citation locators


def test_wikidata_link_and_status(site_dir):
    html = (site_dir / "id/person/franklin-d-roosevelt/index.html").read_text(encoding="utf-8")
    assert 'href="https://www.wikidata.org/wiki/Q8007"' in html
    assert "linked" in html.split('class="wikidata"')[1].split("</p>")[0].lower()


def test_concept_scheme_page_is_its_kind_folder(site_dir):
    html = (site_dir / "id/rank/index.html").read_text(encoding="utf-8")
    assert "<code>https://w3id.org/tarawa-kg/id/rank</code>" in html
    assert 'href="../../id/rank/ijn-rear-admiral/"' in html  # its members, as links in
    assert (site_dir / "id/rank/index.ttl").is_file()


def test_index_by_kind(site_dir):
    index = (site_dir / "id/index.html").read_text(encoding="utf-8")
    assert 'href="person/"' in index and 'href="ship/"' in index
    ships = (site_dir / "id/ship/index.html").read_text(encoding="utf-8")
    assert 'href="../../id/ship/uss-liscome-bay-cve-56/"' in ships


def test_label_is_escaped_and_nameless_entity_titled_by_iri(tmp_path, project):
    build_site(tiny_graph(), tmp_path / "s", project)
    evil = (tmp_path / "s/id/person/evil/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in evil
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in evil
    assert "<\\/script>" in evil or "\\u003c/script\\u003e" in evil  # in the JSON-LD head too
    nameless = (tmp_path / "s/id/person/nameless/index.html").read_text(encoding="utf-8")
    assert "<h1>https://w3id.org/tarawa-kg/id/person/nameless</h1>" in nameless


def test_unsafe_iri_refused_before_writing(tmp_path, project):
    out = tmp_path / "s"
    build_site(tiny_graph(), out, project)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    bad = '<https://w3id.org/tarawa-kg/id/person/a%2F..%2Fb> a <https://w3id.org/tarawa-kg/ontology#Person> .'
    with pytest.raises(UnsafeIRI, match=r"id/person/a%2F\.\.%2Fb"):
        build_site(tiny_graph(bad), out, project)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["s"]  # no temporary folder left


def test_interrupted_run_leaves_previous_site(tmp_path, project, monkeypatch):
    out = tmp_path / "s"
    build_site(tiny_graph(), out, project)
    page = (out / "id/person/evil/index.html").read_bytes()
    from tarawa_kg.site import generate

    def boom(tmp, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(generate, "swap_in", boom)
    with pytest.raises(KeyboardInterrupt):
        build_site(tiny_graph('<https://w3id.org/tarawa-kg/id/person/new> a <https://w3id.org/tarawa-kg/ontology#Person> .'),
                   out, project)
    assert (out / "id/person/evil/index.html").read_bytes() == page
    assert not (out / "id/person/new").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["s"]


def test_deterministic_bytes(tmp_path, project):
    build_site(tiny_graph(), tmp_path / "a", project)
    build_site(tiny_graph(), tmp_path / "b", project)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_cli_site_unsafe_iri_one_line(run, project_copy, tmp_path):
    (project_copy.root / "data" / "zz.ttl").write_text(
        '<https://w3id.org/tarawa-kg/id/person/x%20y> a <https://w3id.org/tarawa-kg/ontology#Person> .\n')
    result = run("site", "--root", project_copy.root, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 2
    assert "error: <https://w3id.org/tarawa-kg/id/person/x%20y>: segment 'x%20y'" in result.output
    assert not (tmp_path / "out").exists()


def test_sources_page_profile(site_dir):
    html = (site_dir / "id/source/tarawa-article-fr/index.html").read_text(encoding="utf-8")
    profile = html.split('id="profile"')[1].split('id="alone"')[0]
    assert re.search(r"\d+ statements cite this source: \d+ preferred, \d+ normal, \d+ deprecated", profile)
    assert "alexander-1993-across-the-reef/" in profile  # corrects some of its claims
    assert 'id="says"' in html


def test_fact_check_page_lists_article_claims(site_dir):
    html = (site_dir / "fact-check/index.html").read_text(encoding="utf-8")
    assert "betio-garrison-commander-tomonari-article" in html
    assert "<del>" in html


def test_timeline_times_local_utc_and_disputed_range(site_dir):
    html = (site_dir / "timeline/index.html").read_text(encoding="utf-8")
    item = html.split("betio-landing-d-day/")[0].rsplit("<li", 1)[1]
    # Alexander 08:55, the Tarawa cruise book 09:10: the range, local and UTC
    assert "1943-11-20 08:55 (UTC+12)" in item and "1943-11-19 20:55 UTC" in item
    assert "1943-11-20 09:10 (UTC+12)" in item and "disputed" in item


def test_map_points_link_to_pages(site_dir):
    html = (site_dir / "map/index.html").read_text(encoding="utf-8")
    assert '<a href="../id/place/betio/" class="place">' in html
    assert "http://" not in html.split("<svg")[1].split("</svg>")[0].replace("http://www.w3.org/2000/svg", "")


def test_order_of_battle_and_disputed(site_dir):
    oob = (site_dir / "order-of-battle/index.html").read_text(encoding="utf-8")
    division = oob.split("2nd-marine-division/")[1].split("</li>")[0]
    assert "Julian C. Smith" in division
    disputed = (site_dir / "disputed/index.html").read_text(encoding="utf-8")
    assert disputed.count("<section") > 10


def test_ontology_docs_en_fr_and_shapes(site_dir):
    en = (site_dir / "ontology/index.html").read_text(encoding="utf-8")
    fr = (site_dir / "ontology/fr/index.html").read_text(encoding="utf-8")
    assert 'id="MilitaryUnit"' in en and 'id="MilitaryUnit"' in fr
    assert '<html lang="fr">' in fr and "Classes" in fr
    shapes = (site_dir / "shapes/index.html").read_text(encoding="utf-8")
    assert 'id="LabelledEntityShape"' in shapes


# ------------------------------------------------------------------ serve: dereferencing, endpoint

JS = "https://w3id.org/tarawa-kg/id/person/julian-c-smith"


@pytest.mark.parametrize("accept, suffix, media", [
    ("text/html", "/", "text/html"),
    ("text/turtle", "/index.ttl", "text/turtle"),
    ("application/ld+json", "/index.jsonld", "application/ld+json"),
    ("application/n-triples", "/index.nt", "application/n-triples"),
])
def test_id_content_negotiation(site_server, accept, suffix, media):
    url = f"{site_server}/id/person/julian-c-smith"
    first = requests.get(url, headers={"Accept": accept}, allow_redirects=False, timeout=10)
    assert first.status_code == 303 and first.headers["Location"] == "/id/person/julian-c-smith" + suffix
    answer = requests.get(url, headers={"Accept": accept}, timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(media)
    if media == "text/html":
        assert "<h1>Julian C. Smith</h1>" in answer.text
    else:
        fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
               "application/n-triples": ox.RdfFormat.N_TRIPLES}[media]
        triples = list(ox.parse(answer.content, format=fmt))
        assert any(t.subject.value == JS for t in triples)
        # the statements about him, with their citations
        assert any(t.predicate.value.endswith("#subject") and t.object.value == JS for t in triples)


def test_id_unknown_and_unacceptable(site_server):
    assert requests.get(f"{site_server}/id/person/nobody", timeout=10).status_code == 404
    answer = requests.get(f"{site_server}/id/person/julian-c-smith", headers={"Accept": "image/png"}, timeout=10)
    assert answer.status_code == 406


def test_ontology_dereferences(site_server):
    answer = requests.get(f"{site_server}/ontology", headers={"Accept": "text/turtle"}, timeout=10)
    assert answer.url.endswith("/ontology/tarawa.ttl")
    assert any(t.subject.value == "https://w3id.org/tarawa-kg/ontology"
               for t in ox.parse(answer.content, format=ox.RdfFormat.TURTLE))
    html = requests.get(f"{site_server}/ontology", timeout=10)
    assert html.url.endswith("/ontology/") and 'id="Commander"' in html.text


@pytest.mark.parametrize("path", ["/sparql", "/query"])
def test_sparql_endpoint(site_server, path):
    query = "ASK { <https://w3id.org/tarawa-kg/id/person/julian-c-smith> ?p ?o }"
    get = requests.get(f"{site_server}{path}", params={"query": query},
                       headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert get.status_code == 200 and get.json()["boolean"] is True
    post = requests.post(f"{site_server}{path}", data=query.encode(),
                         headers={"Content-Type": "application/sparql-query",
                                  "Accept": "application/sparql-results+json"}, timeout=10)
    assert post.json()["boolean"] is True


def test_run_saved_and_free_queries_as_tables(site_server):
    saved = requests.get(f"{site_server}/run", params={"name": "events-at-place", "place": "place:betio"}, timeout=30)
    assert saved.status_code == 200 and "<table" in saved.text and "/id/event/betio-landing-d-day/" in saved.text
    free = requests.post(f"{site_server}/run", data={"query": "SELECT (1 + 1 AS ?two) WHERE {}"}, timeout=30)
    assert free.status_code == 200 and "<td><span>2</span></td>" in free.text
    bad = requests.get(f"{site_server}/run", params={"name": "events-at-place", "place": "x y"}, timeout=30)
    assert bad.status_code == 400 and "error:" in bad.text
    twice = requests.get(f"{site_server}/run", params=[("name", "casualties"), ("side", "side:japan"),
                                                       ("side", "side:united-states")], timeout=30)
    assert twice.status_code == 400 and "parameter &#39;side&#39; given twice" in twice.text
    federated = requests.get(f"{site_server}/run", params={"name": "federated-commander-birth-dates"}, timeout=30)
    assert federated.status_code == 400 and "127.0.0.1" not in federated.text


class _Links(__import__("html.parser").parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src", "action"):
            if attrs.get(key) and not (tag == "link" and attrs.get("rel") == "icon"):
                self.links.append(attrs[key])


def test_crawl_whole_site_no_broken_link(site_dir, site_server):
    """Every link, image, script and form target of every page resolves: a file of the site (a
    folder by its index.html), a fragment that exists on its page, or one of serve's routes."""
    from urllib.parse import urljoin, urlsplit

    pages = {}
    for path in site_dir.rglob("*.html"):
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        pages["/" + path.relative_to(site_dir).as_posix()] = parser
    broken, dynamic = [], set()
    for page, parser in pages.items():
        base = "http://site" + page
        for link in parser.links:
            url = urlsplit(urljoin(base, link))
            if url.scheme in ("http", "https") and url.netloc != "site" or url.scheme in ("mailto", "data"):
                continue
            target = url.path + ("index.html" if url.path.endswith("/") else "")
            if url.path in ("/run", "/sparql", "/query", "/ontology"):
                dynamic.add(url.path)
            elif not (site_dir / target.lstrip("/")).is_file():
                broken.append(f"{page}: {link}")
            elif url.fragment and target in pages and url.fragment not in pages[target].ids:
                broken.append(f"{page}: {link} (no such anchor)")
    assert len(pages) > 1300
    assert broken == []
    for path in sorted(dynamic):  # the routes the pages link to answer
        assert requests.get(site_server + path, timeout=10).status_code in (200, 400), path


def test_validate_html_report_grouped_and_linked(run, tmp_path):
    from pathlib import Path

    resources = Path(__file__).parent / "resources"
    out = tmp_path / "report.html"
    result = run("validate", resources / "invalid_calibre.ttl", resources / "warning_duplicate_source.ttl",
                 "--html", out, "-q")
    assert result.exit_code == 1
    html = out.read_text(encoding="utf-8")
    sections = re.findall(r'<section id="([^"]+)">', html)
    assert sections == ["EquipmentTypeShape", "DuplicateSourceRule"]  # violations first
    shape = html.split('<section id="EquipmentTypeShape">')[1].split("</section>")[0]
    assert '<h3 class="sev-Violation">Violation (1)</h3>' in shape
    assert 'href="https://w3id.org/tarawa-kg/shapes#EquipmentTypeShape"' in shape
    assert re.search(r'<td><a href="https://w3id.org/tarawa-kg/id/[^"]+">', shape)
    assert '<h3 class="sev-Warning">Warning (2)</h3>' in html


def test_validate_html_refused_before_work(run, tmp_path):
    result = run("validate", "--html", tmp_path / "report.txt")
    assert result.exit_code == 2 and "must end in .html" in result.output


def test_fact_check_switches_to_article_claims_query(graph, project_copy):
    from tarawa_kg.site.data import SiteData
    from tarawa_kg.site.pages import Statements, fact_check

    (project_copy.queries_dir / "article-claims.rq").write_text('''# title: The article's claims
# description: test stand-in with the columns of the real query.
PREFIX tkg:  <https://w3id.org/tarawa-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?paragraph ?statement ?statedAs ?verdict ?value ?correction ?correctionValue ?correctionSource WHERE {
  VALUES ?statement { <https://w3id.org/tarawa-kg/id/statement/betio-garrison-commander-tomonari-article> }
  ?statement tkg:value ?value ; tkg:correctedBy ?correction .
  ?correction tkg:value ?correctionValue ; prov:wasDerivedFrom/tkg:source ?correctionSource .
  BIND (7 AS ?paragraph) BIND ("wrong" AS ?verdict) BIND ("Tomonari" AS ?statedAs)
}
''', encoding="utf-8")
    data = SiteData(graph.store)
    html = fact_check(data, Statements(data), project_copy).decode("utf-8")
    assert "saved query <code>article-claims</code>" in html
    row = html.split("<tbody>")[1].split("</tr>")[0]
    assert "<td>7</td>" in row and '<span class="verdict-wrong">wrong</span>' in row
    assert "<del>" in row and "Keiji Shibasaki" in row


def test_start_site_serves_a_built_site_and_refuses_another_folder(oxigraph_store, project, site_dir, tmp_path):
    from tarawa_kg.site.server import free_port, start_site

    with pytest.raises(TarawaKGError, match="not a site written by 'tarawa-kg site'"):
        start_site(oxigraph_store, project, "127.0.0.1", free_port(), 30, tmp_path)
    port = free_port()
    process = start_site(oxigraph_store, project, "127.0.0.1", port, 30, site_dir, quiet=True)
    try:
        home = requests.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert home.status_code == 200 and "<h1>Tarawa knowledge graph</h1>" in home.text
        ask = requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"},
                           headers={"Accept": "application/sparql-results+json"}, timeout=10)
        assert ask.json()["boolean"] is True
    finally:
        process.terminate()
        assert process.wait() is not None and process.poll() is not None
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/", timeout=5)


def test_statement_without_property_or_rank_still_gets_a_row(tmp_path, project):
    broken = ('<https://w3id.org/tarawa-kg/id/statement/odd> a <https://w3id.org/tarawa-kg/ontology#Statement> ; '
              '<https://w3id.org/tarawa-kg/ontology#subject> <https://w3id.org/tarawa-kg/id/person/nameless> ; '
              '<https://w3id.org/tarawa-kg/ontology#value> 3 .')
    build_site(tiny_graph(broken), tmp_path / "s", project)
    html = (tmp_path / "s/id/person/nameless/index.html").read_text(encoding="utf-8")
    row = html.split('id="odd"')[1].split("</tr>")[0]
    assert row.split("<td>")[1].startswith('<span class="lit">–</span>')  # no property: a dash
    assert '<span class="lit">3</span>' in row and '<span class="rank">normal</span>' in row


def test_failure_while_writing_pages_leaves_previous_site(tmp_path, project, monkeypatch):
    out = tmp_path / "s"
    build_site(tiny_graph(), out, project)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    from tarawa_kg.site import generate

    real = generate.entity_files
    calls = []

    def fail_on_second(*args):
        calls.append(args[1])
        if len(calls) == 2:
            raise TarawaKGError("a page could not be made")
        return real(*args)

    monkeypatch.setattr(generate, "entity_files", fail_on_second)
    with pytest.raises(TarawaKGError, match="a page could not be made"):
        build_site(tiny_graph(), out, project)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["s"]


def test_query_page_forms_and_suggestions(site_dir):
    html = (site_dir / "query/index.html").read_text(encoding="utf-8")
    form = html.split('<section id="q-events-at-place">')[1].split("</section>")[0]
    assert '<form method="get" action="../run">' in form
    assert '<input type="hidden" name="name" value="events-at-place">' in form
    assert 'name="place" list="choices-tkg-Place" required' in form
    places = html.split('<datalist id="choices-tkg-Place">')[1].split("</datalist>")[0]
    assert '<option value="place:betio">Betio</option>' in places
    assert '<textarea id="free-query" name="query"' in html


def test_fact_check_shows_each_verdict_by_its_label(site_dir):
    """Disputed and unverifiable claims are not shown as errors; each verdict reads as its label."""
    html = (site_dir / "fact-check/index.html").read_text(encoding="utf-8")
    for kind, label in (("right", "confirmed"), ("wrong", "wrong"), ("open", "disputed"), ("open", "not verifiable")):
        assert f'<span class="verdict-{kind}">{label}</span>' in html
    assert '<span class="verdict-wrong">disputed</span>' not in html


def test_site_refuses_a_folder_holding_other_files(tmp_path, project):
    """Replacing a folder deletes what is in it: only a new or empty folder, or a site written
    before, is replaced; anything else is refused before any work, and left as it was."""
    from tarawa_kg.site.generate import MARKER, check_site_folder

    folder = tmp_path / "notes"
    (folder / "precious").mkdir(parents=True)
    (folder / "precious" / "thesis.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(TarawaKGError, match="not a site written by 'tarawa-kg site'"):
        build_site(tiny_graph(""), folder, project)
    assert (folder / "precious" / "thesis.txt").read_text(encoding="utf-8") == "mine"
    with pytest.raises(TarawaKGError, match="not a folder"):
        check_site_folder(folder / "precious" / "thesis.txt")
    empty = tmp_path / "empty"
    empty.mkdir()
    build_site(tiny_graph(""), empty, project)
    assert (empty / MARKER).is_file() and (empty / "index.html").is_file()
    build_site(tiny_graph(""), empty, project)  # a site written before is replaced
    assert (empty / MARKER).is_file()
