"""The main job: build validates, writes dist/ only when the graph conforms, and describes it."""

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from tarawa_kg.build import build
from tarawa_kg.namespaces import DATASET, VOID

from conftest import RESOURCES


def test_build_writes_every_output(project_copy, graph, tmp_path):
    out = tmp_path / "dist"
    result = build(project_copy, out)
    assert result.report.conforms
    assert sorted(p.name for p in out.iterdir()) == [
        "article-annotations.jsonld", "tarawa-kg-best.trig", "tarawa-kg-best.ttl",
        "tarawa-kg.jsonld", "tarawa-kg.nt", "tarawa-kg.trig", "tarawa-kg.ttl", "void.ttl"]
    assert result.triples == len(graph)
    assert result.entities["Statement"] > 300
    assert result.entities["Ship"] >= 9
    built = Graph().parse(out / "tarawa-kg.nt", format="nt")
    assert len(built) == len(graph)


def test_void_description_counts_the_graph(project_copy, graph, tmp_path):
    out = tmp_path / "dist"
    result = build(project_copy, out)
    void = Graph().parse(out / "void.ttl")
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert void.value(DATASET, VOID.triples) == Literal(len(graph))
    partitions = {void.value(p, VOID["class"]): int(void.value(p, VOID.entities))
                  for p in void.objects(DATASET, VOID.classPartition)}
    statement_class = URIRef("https://w3id.org/tarawa-kg/ontology#Statement")
    assert partitions[statement_class] == result.entities["Statement"]
    sizes = {str(void.value(d, URIRef("http://purl.org/dc/terms/title"))):
             int(void.value(d, URIRef("http://www.w3.org/ns/dcat#byteSize")))
             for d in void.objects(DATASET, URIRef("http://www.w3.org/ns/dcat#distribution"))}
    assert sizes["tarawa-kg.ttl"] == (out / "tarawa-kg.ttl").stat().st_size


def test_non_conforming_data_writes_nothing(project_copy, tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "tarawa-kg.ttl").write_bytes(b"previous good build\n")
    bad = (RESOURCES / "invalid_hull_number.ttl").read_text(encoding="utf-8")
    (project_copy.root / "data" / "zz-bad.ttl").write_text(bad, encoding="utf-8")
    result = build(project_copy, out)
    assert not result.report.conforms
    assert result.files == []
    # the printed lines name the bad node and its shape by CURIE, as `validate` does
    assert any(line.startswith("Violation:") and "path=tkg:hullNumber" in line and "tkgsh:ShipShape" in line
               for line in result.lines), result.lines
    assert [p.name for p in out.iterdir()] == ["tarawa-kg.ttl"]
    assert (out / "tarawa-kg.ttl").read_bytes() == b"previous good build\n"


def test_two_builds_are_byte_identical(project_copy, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    build(project_copy, first)
    build(project_copy, second)
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_void_description_languages_and_period(graph):
    from rdflib.namespace import DCTERMS, XSD

    from tarawa_kg.describe import describe_dataset

    void = describe_dataset(graph)
    languages = {str(o).rsplit("/", 1)[1] for o in void.objects(DATASET, DCTERMS.language)}
    tags = {str(o.language).split("-")[0] for o in graph.objects() if isinstance(o, Literal) and o.language}
    assert languages == tags and {"en", "fr", "ja"} <= languages
    period = void.value(DATASET, DCTERMS.temporal)
    start = void.value(period, URIRef("http://www.w3.org/ns/dcat#startDate"))
    assert start == Literal("1941-12-10", datatype=XSD.date)
