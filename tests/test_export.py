"""Exports are deterministic, round-trip, and never left half-written."""

import subprocess
import sys

import pytest
from rdflib import Dataset, Graph

from tarawa_kg import ExportError, export_graph, serialize_graph
from tarawa_kg.export import write_atomic

FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def canonical_nt(graph):
    return serialize_graph(graph, "nt")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_round_trips(graph, fmt, canonical_nt):
    data = serialize_graph(graph, fmt)
    back = Graph().parse(data=data, format=FORMATS[fmt])
    assert len(back) == len(graph)
    assert serialize_graph(back, "nt") == canonical_nt


def test_trig_puts_the_graph_in_one_named_graph(graph):
    ds = Dataset()
    ds.parse(data=serialize_graph(graph, "trig"), format="trig")
    named = [g for g in ds.graphs() if len(g)]
    assert [str(g.identifier) for g in named] == ["https://w3id.org/tarawa-kg/id/dataset/tarawa-kg"]
    assert len(named[0]) == len(graph)


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_same_input_same_bytes_across_processes(project, tmp_path, fmt):
    """Two separate interpreters (different hash seeds) write identical files."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"g{seed}.out"
        code = ("from tarawa_kg import load_project, export_graph; "
                f"export_graph(load_project(), {fmt!r}, {str(out)!r})")
        subprocess.run([sys.executable, "-c", code], check=True, cwd=project.root,
                       env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"})
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("fmt", ["nt", "jsonld", "trig"])
def test_repeated_serialisation_is_identical(graph, fmt):
    assert serialize_graph(graph, fmt) == serialize_graph(graph, fmt)


def test_blank_node_labels_do_not_depend_on_parse_order(canonical_nt):
    """Blank nodes (geometries) get labels from their content, not from parse order."""
    lines = canonical_nt.decode("utf-8").splitlines()
    shuffled = lines[1::2] + lines[0::2]
    again = Graph().parse(data="\n".join(reversed(shuffled)) + "\n", format="nt")
    assert serialize_graph(again, "nt") == canonical_nt
    assert b"_:b" in canonical_nt


def test_canonical_labels_separate_different_citations():
    data = """
    @prefix tkg: <https://w3id.org/tarawa-kg/ontology#> .
    <http://e/a> <http://www.w3.org/ns/prov#wasDerivedFrom> [ tkg:source <http://e/s> ; tkg:locator "p. 1" ] ,
                                                           [ tkg:source <http://e/s> ; tkg:locator "p. 2" ] .
    <http://e/b> <http://www.w3.org/ns/prov#wasDerivedFrom> [ tkg:source <http://e/s> ; tkg:locator "p. 1" ] .
    """
    g = Graph().parse(data=data, format="turtle")
    nt = serialize_graph(g, "nt").decode("utf-8")
    assert len(nt.splitlines()) == 9
    assert len({line.split()[0] for line in nt.splitlines() if line.startswith("_:")}) == 3


def test_interrupted_export_leaves_previous_file(graph, tmp_path, monkeypatch):
    target = tmp_path / "out.ttl"
    target.write_bytes(b"previous good export\n")

    class Boom(Exception):
        pass

    def explode(*args, **kwargs):
        raise Boom("disk pulled out midway")

    import tarawa_kg.export as export_module
    monkeypatch.setattr(export_module.os, "replace", explode)
    with pytest.raises(Boom):
        export_graph(graph, "turtle", target)
    assert target.read_bytes() == b"previous good export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


def test_write_failure_is_an_export_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write"):
        write_atomic(blocker / "sub" / "out.ttl", b"data")


def test_unknown_format(graph):
    with pytest.raises(ExportError, match="unknown format"):
        serialize_graph(graph, "rdfxml-pretty")


def test_special_files_are_refused(tmp_path):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ExportError, match="not a regular file"):
        write_atomic(fifo, b"data")
    with pytest.raises(ExportError, match="not a regular file"):
        write_atomic(tmp_path, b"data")
    assert fifo.exists() and not fifo.is_file()


def test_a_path_ending_in_a_separator_names_a_folder(tmp_path):
    target = f"{tmp_path}/new-folder/"
    with pytest.raises(ExportError, match="names a folder"):
        write_atomic(target, b"data")
    assert not (tmp_path / "new-folder").exists()


def test_permissions_and_symlinks(tmp_path):
    import os
    import stat

    existing = tmp_path / "old.ttl"
    existing.write_bytes(b"old")
    os.chmod(existing, 0o644)
    write_atomic(existing, b"new")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o644 and existing.read_bytes() == b"new"
    link = tmp_path / "link.ttl"
    link.symlink_to(existing)
    write_atomic(link, b"through the link")
    assert link.is_symlink() and existing.read_bytes() == b"through the link"
    fresh = tmp_path / "fresh.ttl"
    write_atomic(fresh, b"x")
    assert stat.S_IMODE(fresh.stat().st_mode) & 0o044  # readable by others, as files usually are
