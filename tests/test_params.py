"""Parameters are bound as RDF terms: no value can change a query's structure."""

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from tarawa_kg import ParameterError, QueryNotFound, get_query, run_query
from tarawa_kg.queries import SavedQuery, bind_query, parse_param_value, sparql_term

from conftest import RESOURCES

ECHO = SavedQuery.from_file(RESOURCES / "echo-param.rq")
HOSTILE_STRINGS = [
    'x" } ; DROP ALL ; #',
    "a'b\"c",
    "} UNION { ?s ?p ?o }",
    "back\\slash \\\\ double",
    "\\u0022) } #",
    "\\U0001F600 and \\n",
    "ligne\nnouvelle\ttab\r",
    "émoji 😀 and 日本語",
    "#comment",
    "",
]


def test_unknown_query_name(project):
    with pytest.raises(QueryNotFound) as info:
        get_query("no-such-query", project)
    assert "casualties" in info.value.available


@pytest.mark.parametrize("name", ["../etc/passwd", "casualties.rq", "a b"])
def test_query_names_are_plain(project, name):
    with pytest.raises(QueryNotFound):
        get_query(name, project)


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_string_value_binds_exactly(graph, value):
    result = run_query(graph, ECHO, {"text": value})
    assert result.variables == ["text", "length"]
    assert result.rows == [(Literal(value), Literal(len(value)))]


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_bound_text_has_one_values_block(value):
    text = bind_query(ECHO, {"text": value})
    assert text.count("VALUES (?text)") == 1
    assert text.replace(sparql_term(Literal(value)), "").count('"') == 0


@pytest.mark.parametrize("raw", [
    "place:betio> } ?s ?p ?o { <x",
    "http://example.org/a b",
    'http://example.org/"quote"',
    "http://example.org/{x}",
    "http://example.org/\\u003E",
    "nosuchprefix:thing",
    "not an iri",
])
def test_bad_iris_are_refused(project, raw):
    query = get_query("events-at-place", project)
    with pytest.raises(ParameterError):
        bind_query(query, {"place": raw})


def test_iri_forms(project):
    spec = get_query("events-at-place", project).param("place")
    expected = URIRef("https://w3id.org/tarawa-kg/id/place/betio")
    assert parse_param_value(spec, "place:betio") == expected
    assert parse_param_value(spec, str(expected)) == expected
    assert parse_param_value(spec, f"<{expected}>") == expected


def test_unknown_and_missing_parameters(project):
    query = get_query("events-at-place", project)
    with pytest.raises(ParameterError, match="no parameter 'colour'"):
        bind_query(query, {"place": "place:betio", "colour": "red"})
    with pytest.raises(ParameterError, match="needs parameter"):
        bind_query(query, {})


def test_typed_parameters():
    spec = ECHO.param("text")
    int_spec = type(spec)("n", "integer", False)
    date_spec = type(spec)("d", "date", False)
    assert parse_param_value(int_spec, "42") == Literal(42)
    assert parse_param_value(date_spec, "1943-11-20") == Literal("1943-11-20", datatype=XSD.date)
    with pytest.raises(ParameterError):
        parse_param_value(int_spec, "42; DROP")
    with pytest.raises(ParameterError):
        parse_param_value(date_spec, "1943-13-45")


def test_class_of_an_iri_parameter_is_checked(graph, project):
    query = get_query("ships", project)
    assert query.param("force").rdf_class == URIRef("https://w3id.org/tarawa-kg/ontology#MilitaryUnit")
    with pytest.raises(ParameterError, match="is a tkg:Ship, not a tkg:MilitaryUnit"):
        run_query(graph, query, {"force": "ship:uss-maryland-bb-46"})
    # a subclass instance passes: a battle is a tkg:Event through rdfs:subClassOf
    rows = run_query(graph, "participants", {"event": "event:battle-of-makin"}, project).rows
    assert rows


def test_class_only_on_iri_parameters(tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("# param: n  integer  optional class=tkg:Event\nSELECT * WHERE { }\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="'class=' needs an IRI parameter"):
        SavedQuery.from_file(path)


def test_header_is_read(project):
    query = get_query("casualties", project)
    assert query.title == "Casualties per side, with every source's figure"
    assert [p.name for p in query.params] == ["side", "event"]
    assert all(p.kind == "IRI" and not p.required for p in query.params)
    assert "deprecated" in query.description.lower()


def test_rdflib_terms_given_as_parameters_are_checked(graph, project):
    with pytest.raises(ParameterError, match="is not a valid IRI"):
        run_query(graph, "casualties", {"side": URIRef("https://w3id.org/tarawa-kg/id/side/japan> ?p ?o } UNION { ?s ?p <http://x")})
    with pytest.raises(ParameterError, match="is not of kind IRI"):
        run_query(graph, "casualties", {"side": Literal("japan")})
