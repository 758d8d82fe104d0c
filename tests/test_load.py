
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from tarawa_kg import TKG, DataError, load_files, load_project
from tarawa_kg.load import parse_file

from conftest import RESOURCES


def test_project_graph_has_ontology_and_data(graph):
    assert (URIRef("https://w3id.org/tarawa-kg/ontology"), RDF.type,
            URIRef("http://www.w3.org/2002/07/owl#Ontology")) in graph
    assert (URIRef("https://w3id.org/tarawa-kg/id/event/battle-of-tarawa"), RDF.type, TKG.Battle) in graph


def test_syntax_error_names_file_and_line():
    bad = RESOURCES / "malformed.ttl"
    with pytest.raises(DataError) as info:
        load_files([bad])
    assert info.value.path == str(bad)
    assert info.value.line == 7
    assert str(info.value).startswith(f"{bad}:7: Turtle syntax error")


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="cannot read file"):
        load_files([tmp_path / "absent.ttl"])


def test_unknown_suffix_is_refused_and_n_triples_errors_say_so(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("<a> <b> <c> .\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"notes.txt: unknown RDF file suffix '.txt'"):
        load_files([text])
    bad = tmp_path / "bad.nt"
    bad.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n<a> <b> .\n",
                   encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_files([bad])
    assert "bad.nt:2: N-Triples syntax error: " in str(info.value)
    # N-Triples is read strictly: Turtle in a .nt file is an error, not silently accepted
    turtle = tmp_path / "turtle.nt"
    turtle.write_text("@prefix x: <http://example.org/> .\nx:a x:b x:c .\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"turtle.nt:1: N-Triples syntax error"):
        load_files([turtle])


def test_extra_files_are_merged(project):
    extra = RESOURCES / "valid_extra_person.ttl"
    merged = load_project(project, extra=[extra])
    person = URIRef("https://w3id.org/tarawa-kg/id/person/test-extra-person")
    assert (person, RDF.type, TKG.Person) in merged


@pytest.mark.parametrize("lexical,datatype", [
    ("1943-11-20", XSD.date),
    ("1943-11-20T08:55:00+12:00", XSD.dateTime),
    ("1943-11-24T05:10:00+12:00", XSD.dateTime),
])
def test_dates_read_back_as_written(tmp_path, lexical, datatype):
    path = tmp_path / "d.ttl"
    path.write_text(f'<http://e/x> <http://e/t> "{lexical}"^^<{datatype}> .\n', encoding="utf-8")
    g = parse_file(load_files([]), path)
    (value,) = list(g.objects(URIRef("http://e/x"), URIRef("http://e/t")))
    assert str(value) == lexical and value.datatype == datatype


def test_every_datetime_in_data_keeps_its_offset(graph):
    datetimes = [o for o in graph.objects() if isinstance(o, Literal) and o.datatype == XSD.dateTime]
    assert datetimes, "the data gives hours for some events"
    assert all(str(o).endswith("+12:00") or str(o).endswith("Z") for o in datetimes)


def test_citations_get_iris_from_their_content(tmp_path):
    from rdflib import BNode

    from tarawa_kg.load import name_citations

    data = tmp_path / "c.ttl"
    data.write_text("""
    @prefix tkg: <https://w3id.org/tarawa-kg/ontology#> .
    @prefix prov: <http://www.w3.org/ns/prov#> .
    <http://e/a> prov:wasDerivedFrom [ a tkg:Citation ; tkg:source <http://e/s> ; tkg:locator "p. 1" ] ,
                                     [ a tkg:Citation ; tkg:source <http://e/s> ; tkg:locator "p. 2" ] .
    <http://e/b> prov:wasDerivedFrom [ a tkg:Citation ; tkg:source <http://e/s> ; tkg:locator "p. 1" ] .
    """, encoding="utf-8")
    graph = name_citations(load_files([data]))
    prov = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    a = set(graph.objects(URIRef("http://e/a"), prov))
    b = set(graph.objects(URIRef("http://e/b"), prov))
    assert len(a) == 2 and len(b) == 1
    assert b < a                                  # the same citation, one node
    assert all(str(c).startswith("https://w3id.org/tarawa-kg/id/reference/") for c in a)
    # the IRI is the content's: another process, another parse order, the same IRI
    assert str(next(iter(b))) == "https://w3id.org/tarawa-kg/id/reference/" + __import__("hashlib").sha256(
        "\n".join(sorted([
            '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/tarawa-kg/ontology#Citation>',
            '<https://w3id.org/tarawa-kg/ontology#locator> "p. 1"',
            '<https://w3id.org/tarawa-kg/ontology#source> <http://e/s>'])).encode()).hexdigest()[:16]
    assert not any(isinstance(t, BNode) for t in graph.subjects(RDF.type, TKG.Citation))


def test_project_citations_are_all_named(graph):
    from rdflib import BNode

    cites = set(graph.subjects(RDF.type, TKG.Citation))
    assert len(cites) > 800
    assert not any(isinstance(c, BNode) for c in cites)


# data/<file>.ttl that defines (types) the entities of each IRI kind; wikidata.ttl also defines the
# sources of its Wikidata evidence (docs/data-conventions.md, "Files").
KIND_FILE = {"person": "persons.ttl", "unit": "units.ttl", "ship": "ships.ttl", "event": "events.ttl",
             "place": "places.ttl", "source": "sources.ttl", "quotation": "quotations.ttl",
             "equipment": "weapons.ttl"}


def test_each_entity_is_defined_in_the_file_of_its_kind(project):
    misplaced = []
    for path in sorted((project.root / "data").glob("*.ttl")):
        graph = parse_file(Graph(), path)
        for subject in set(graph.subjects(RDF.type, None)):
            parts = str(subject).removeprefix("https://w3id.org/tarawa-kg/id/").split("/")
            expected = KIND_FILE.get(parts[0]) if len(parts) == 2 else None
            if expected and path.name != expected and not (path.name == "wikidata.ttl" and parts[0] == "source"):
                misplaced.append(f"{path.name}: {subject}")
    assert misplaced == []


def test_default_checkout_is_the_one_containing_the_current_directory(project_copy, project, monkeypatch, tmp_path_factory):
    from tarawa_kg import Project

    monkeypatch.delenv("TARAWA_KG_ROOT", raising=False)
    monkeypatch.chdir(project_copy.root / "data")  # inside another checkout: that checkout
    assert Project().root == project_copy.root.resolve()
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))  # outside any checkout: the installed one
    assert Project().root == project.root.resolve()
    monkeypatch.setenv("TARAWA_KG_ROOT", str(project_copy.root))  # the environment wins
    assert Project().root == project_copy.root
