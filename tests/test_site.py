"""The web edition: ``tarawa-kg site`` and the pages it writes."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest

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


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory, graph, project):
    """The site of the real data, built once for the session."""
    out = tmp_path_factory.mktemp("web") / "site"
    build_site(graph, out, project)
    return out


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
