"""SHACL: the real data conforms; each bad graph under resources/ yields the result it declares."""

import re

import pytest
from rdflib import BNode, URIRef

from tarawa_kg import load_files, validate_graph
from tarawa_kg.namespaces import SHAPES

from conftest import RESOURCES

BAD_FILES = sorted(RESOURCES.glob("invalid_*.ttl")) + sorted(RESOURCES.glob("warning_*.ttl"))
TEST_NS = "https://w3id.org/tarawa-kg/id/test/"


def expectation(path):
    match = re.match(r"# expect: (Violation|Warning) x:(\S+) (\S+)", path.read_text(encoding="utf-8"))
    assert match, f"{path} lacks its '# expect:' line"
    return match.group(1), URIRef(TEST_NS + match.group(2)), SHAPES[match.group(3)]


@pytest.fixture(scope="module")
def base_files(project):
    data = project.root / "data"
    # wikidata.ttl carries the link status and evidence of the sides' and organisations' QIDs
    return [project.ontology_file, data / "vocabularies.ttl", data / "sides.ttl", data / "sources.ttl",
            data / "wikidata.ttl"]


def test_real_data_conforms(report, graph):
    assert report.conforms, "\n".join(r.line(graph) for r in report.violations)


def test_real_data_has_no_unexpected_warnings(report, graph):
    assert [r.line(graph) for r in report.warnings] == []


def test_base_files_conform(base_files, shapes):
    report = validate_graph(load_files(base_files), shapes)
    assert report.results == []


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.stem for p in BAD_FILES])
def test_bad_graph_is_reported(path, base_files, shapes):
    severity, focus, shape = expectation(path)
    report = validate_graph(load_files([*base_files, path]), shapes)
    found = [(r.severity, r.focus_node, r.source_shape) for r in report.results]
    assert (severity, focus, shape) in found
    assert all(str(r.focus_node).startswith(TEST_NS) or isinstance(r.focus_node, BNode)
               for r in report.results), found
    assert report.conforms is (severity == "Warning")


def test_result_line_names_focus_path_and_shape(base_files, shapes):
    graph = load_files([*base_files, RESOURCES / "invalid_hull_number.ttl"])
    report = validate_graph(graph, shapes)
    lines = [r.line(graph) for r in report.results]
    assert any("Violation:" in line and "x:ship" in line
               and "path=tkg:hullNumber" in line and "ShipShape" in line for line in lines), lines
