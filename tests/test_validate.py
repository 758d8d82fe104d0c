"""SHACL: the real data conforms; each bad graph under resources/ yields the result it declares."""

import re

import pytest
from rdflib import BNode, URIRef

from tarawa_kg import load_files, validate_graph
from tarawa_kg.namespaces import PREFIXES, SHAPES, TKG

from conftest import RESOURCES

BAD_FILES = sorted(RESOURCES.glob("invalid_*.ttl")) + sorted(RESOURCES.glob("warning_*.ttl"))
TEST_NS = "https://w3id.org/tarawa-kg/id/test/"


def expectation(path):
    match = re.match(r"# expect: (Violation|Warning) x:(\S+) (\S+)", path.read_text(encoding="utf-8"))
    assert match, f"{path} lacks its '# expect:' line"
    return match.group(1), URIRef(TEST_NS + match.group(2)), SHAPES[match.group(3)]


def test_real_data_conforms(report, graph):
    assert report.conforms, "\n".join(r.line(graph) for r in report.violations)


def test_real_data_has_no_unexpected_warnings(report, graph):
    assert [r.line(graph) for r in report.warnings] == []


def own_results(report):
    """The results, less the warnings on what wikidata.ttl says of persons, units, ships... defined
    in data files the bad-graph tests do not load (their statements, their link status)."""
    undescribed = (SHAPES.StatementSubjectDescribedRule, SHAPES.UntypedSubjectRule,
                   SHAPES.ReferencedEntityDescribedRule)
    return [r for r in report.results
            if not (r.source_shape in undescribed and not str(r.focus_node).startswith(TEST_NS))]


def test_base_files_conform(base_files, shapes):
    report = validate_graph(load_files(base_files), shapes)
    assert own_results(report) == []
    assert all(r.severity == "Warning" for r in report.results)


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.stem for p in BAD_FILES])
def test_bad_graph_is_reported(path, base_files, shapes):
    severity, focus, shape = expectation(path)
    report = validate_graph(load_files([*base_files, path]), shapes)
    found = [(r.severity, r.focus_node, r.source_shape) for r in own_results(report)]
    assert (severity, focus, shape) in found
    assert all(str(r.focus_node).startswith(TEST_NS) or isinstance(r.focus_node, BNode)
               for r in own_results(report)), found
    assert report.conforms is (severity == "Warning")


def test_result_line_names_focus_path_and_shape(base_files, shapes):
    graph = load_files([*base_files, RESOURCES / "invalid_hull_number.ttl"])
    report = validate_graph(graph, shapes)
    lines = [r.line(graph) for r in report.results]
    assert any("Violation:" in line and "x:ship" in line
               and "path=tkg:hullNumber" in line and "ShipShape" in line for line in lines), lines


def test_single_preferred_value_compares_qualifiers_not_notes(base_files, shapes, tmp_path):
    head = (RESOURCES / "invalid_two_preferred_values.ttl").read_text(encoding="utf-8").split("x:event a")[0]
    cite = 'prov:wasDerivedFrom [ a tkg:Citation ; tkg:source src:tarawa-article-fr ; tkg:locator "test" ]'
    body = f"""@prefix shiptype: <https://w3id.org/tarawa-kg/id/ship-type/> .
x:event a tkg:Battle ; rdfs:label "Test"@en , "Test"@fr ; {cite} .
x:k1 a tkg:Statement ; tkg:subject x:event ; tkg:property tkg:killed ; tkg:value 10 ; tkg:note "one count"@en ;
    tkg:statementRank tkg:PreferredRank ; tkg:rankReason "test"@en ; {cite} .
x:k2 a tkg:Statement ; tkg:subject x:event ; tkg:property tkg:killed ; tkg:value 12 ; tkg:note "another"@en ;
    tkg:statementRank tkg:PreferredRank ; tkg:rankReason "test"@en ; {cite} .
x:s1 a tkg:Statement ; tkg:subject x:event ; tkg:property tkg:shipCount ; tkg:value 3 ; tkg:ofShipType shiptype:battleship ;
    tkg:statementRank tkg:PreferredRank ; tkg:rankReason "test"@en ; {cite} .
x:s2 a tkg:Statement ; tkg:subject x:event ; tkg:property tkg:shipCount ; tkg:value 9 ; tkg:ofShipType shiptype:destroyer ;
    tkg:statementRank tkg:PreferredRank ; tkg:rankReason "test"@en ; {cite} .
"""
    path = tmp_path / "graph.ttl"
    path.write_text(head + body, encoding="utf-8")
    report = validate_graph(load_files([*base_files, path]), shapes)
    flagged = sorted(str(r.focus_node).removeprefix(TEST_NS) for r in report.results
                     if r.source_shape == SHAPES.SinglePreferredValueRule)
    assert flagged == ["k1", "k2"]


def test_breakdown_rule_reports_each_bad_part_and_not_the_good_one(base_files, shapes):
    report = validate_graph(load_files([*base_files, RESOURCES / "invalid_breakdown_larger_than_total.ttl"]), shapes)
    flagged = sorted(str(r.focus_node).removeprefix(TEST_NS) for r in report.results
                     if r.source_shape == SHAPES.BreakdownOfMatchingTotalRule)
    assert flagged == ["other", "part"]


def test_parts_of_sub_events_are_accepted_and_their_sum_checked(base_files, shapes):
    report = validate_graph(load_files([*base_files, RESOURCES / "warning_preferred_parts_exceed_total.ttl"]), shapes)
    shapes_hit = {(str(r.focus_node).removeprefix(TEST_NS), r.source_shape) for r in own_results(report)
                  if r.source_shape != SHAPES.WikidataStatusShape}
    assert shapes_hit == {("total", SHAPES.PreferredTotalCoversPartsRule)}


def test_disputed_fact_without_preferred_flags_only_that_fact(base_files, shapes):
    graph = load_files([*base_files, RESOURCES / "warning_disputed_without_preferred.ttl"])
    report = validate_graph(graph, shapes)
    flagged = sorted(str(r.focus_node).removeprefix(TEST_NS) for r in report.results
                     if r.source_shape == SHAPES.DisputedFactHasPreferredRule)
    assert flagged == ["a", "b"]


def test_citation_of_a_replaced_source_is_flagged(base_files, shapes, tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_text((RESOURCES / "warning_duplicate_source.ttl").read_text(encoding="utf-8") + """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
x:copy dcterms:isReplacedBy x:page .
x:event a tkg:Battle ; rdfs:label "Test"@en , "Test"@fr ;
    prov:wasDerivedFrom [ a tkg:Citation ; tkg:source x:copy ; tkg:locator "test" ] .
""", encoding="utf-8")
    graph = load_files([*base_files, path])
    report = validate_graph(graph, shapes)
    shapes_hit = {r.source_shape for r in own_results(report)}
    assert SHAPES.ReplacedSourceNotCitedRule in shapes_hit
    # once one copy is replaced by the other, the pair is no longer a duplicate
    assert SHAPES.DuplicateSourceRule not in shapes_hit
    flagged = [r for r in report.results if r.source_shape == SHAPES.ReplacedSourceNotCitedRule]
    assert [graph.value(r.focus_node, TKG.source) for r in flagged] == [URIRef(TEST_NS + "copy")]


def test_result_on_a_citation_names_what_it_supports(base_files, shapes, tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_text("""@prefix tkg: <https://w3id.org/tarawa-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix src: <https://w3id.org/tarawa-kg/id/source/> .
@prefix x: <https://w3id.org/tarawa-kg/id/test/> .
x:islet a tkg:Island ; rdfs:label "Test"@en , "Test"@fr ;
    prov:wasDerivedFrom [ a tkg:Citation ; tkg:source src:tarawa-article-fr ] .
""", encoding="utf-8")
    graph = load_files([*base_files, path])
    lines = [r.line(graph) for r in validate_graph(graph, shapes).violations]
    assert any("path=tkg:locator" in line and "(citation of x:islet)" in line
               for line in lines), lines


def test_iri_in_the_wrong_kind_folder_is_a_violation(base_files, shapes):
    graph = load_files([*base_files, RESOURCES / "kind_folder_mismatch.ttl"])
    report = validate_graph(graph, shapes)
    flagged = [(str(r.focus_node), r.value) for r in report.results
               if r.source_shape == SHAPES.IriKindMatchesClassRule]
    assert flagged == [("https://w3id.org/tarawa-kg/id/ship/test-person", TKG.Person)]
    assert report.conforms is False


def test_only_the_command_after_death_is_reported(base_files, shapes):
    graph = load_files([*base_files, RESOURCES / "invalid_command_after_death.ttl"])
    report = validate_graph(graph, shapes)
    flagged = sorted(str(r.focus_node).removeprefix(TEST_NS) for r in report.results
                     if r.source_shape == SHAPES.CommandAfterDeathRule)
    assert flagged == ["command"]
