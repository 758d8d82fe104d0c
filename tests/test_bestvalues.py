"""Best values: preferred, else normal, never deprecated; the saved query and the build's triples agree."""

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from tarawa_kg import run_query
from tarawa_kg.bestvalues import BEST_GRAPH, best_value_triples, serialize_best_values

ID = "https://w3id.org/tarawa-kg/id/"
TKG = "https://w3id.org/tarawa-kg/ontology#"


def values(best, subject, prop):
    return {o.toPython() for o in best.graph.objects(URIRef(ID + subject), URIRef(TKG + prop))}


def test_makin_dead_keep_the_preferred_and_drop_normal_and_deprecated(graph):
    best = best_value_triples(graph)
    killed = values(best, "event/battle-of-makin", "killed")
    assert {752, 395, 66} <= killed          # preferred: US Navy, Japan, US Army
    assert not {697, 64} & killed           # normal US Navy beside a preferred one; deprecated Army


def test_betio_garrison_strength(graph):
    best = best_value_triples(graph)
    strength = values(best, "unit/betio-garrison", "strength")
    assert {4800, 2619, 1200} <= strength    # preferred total, combatants, Korean labourers
    assert not {4836, 4690, 2601, 2600} & strength


def test_normal_values_stand_where_no_statement_is_preferred(graph):
    best = best_value_triples(graph)
    # no preferred labourer figure for the garrison: both sources' figures stand
    assert {2000, 2217} <= values(best, "unit/betio-garrison", "strength")


def test_a_preferred_value_hides_only_the_same_fact():
    data = Graph().parse(data="""
        @prefix tkg: <https://w3id.org/tarawa-kg/ontology#> .
        @prefix ex: <https://w3id.org/tarawa-kg/id/> .
        ex:a a tkg:Statement ; tkg:subject ex:battle ; tkg:property tkg:killed ; tkg:value 1 ;
            tkg:side ex:us ; tkg:statementRank tkg:PreferredRank .
        ex:b a tkg:Statement ; tkg:subject ex:battle ; tkg:property tkg:killed ; tkg:value 2 ;
            tkg:side ex:japan ; tkg:statementRank tkg:NormalRank .
        ex:c a tkg:Statement ; tkg:subject ex:battle ; tkg:property tkg:killed ; tkg:value 3 ;
            tkg:side ex:us ; tkg:statementRank tkg:NormalRank .
        ex:d a tkg:Statement ; tkg:subject ex:battle ; tkg:property tkg:killed ; tkg:value 4 ;
            tkg:side ex:japan ; tkg:statementRank tkg:DeprecatedRank .
        ex:e a tkg:Statement ; tkg:subject ex:battle ; tkg:property tkg:length ;
            tkg:valueText "about 3,800 yards"@en ; tkg:statementRank tkg:NormalRank .
        """, format="turtle")
    best = best_value_triples(data)
    assert values(best, "battle", "killed") == {1, 2}
    assert values(best, "battle", "length") == {"about 3,800 yards"}
    assert len(best) == 3


def test_saved_query_and_triples_agree(graph):
    result = run_query(graph, "best-values")
    index = {name: i for i, name in enumerate(result.variables)}
    rows = {(r[index["subject"]], r[index["property"]], r[index["value"]]) for r in result.rows}
    triples = set(best_value_triples(graph).graph)
    assert rows == triples
    assert len(triples) > 300


def test_files_hold_the_triples_in_their_own_named_graph(graph, tmp_path):
    files = serialize_best_values(graph)
    assert sorted(files) == ["tarawa-kg-best.trig", "tarawa-kg-best.ttl"]
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    quads = list(ox.parse(path=str(tmp_path / "tarawa-kg-best.trig"), format=ox.RdfFormat.TRIG))
    assert {q.graph_name.value for q in quads} == {str(BEST_GRAPH)}
    ttl = Graph().parse(tmp_path / "tarawa-kg-best.ttl", format="turtle")
    assert len(ttl) == len(quads)
    assert (URIRef(ID + "event/battle-of-makin"), URIRef(TKG + "killed"), Literal(752)) in ttl
