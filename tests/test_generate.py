"""The synthetic data generator (benchmarks/generate.py): copies are exact, disjoint and valid."""

from __future__ import annotations

import doctest
import re
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from tarawa_kg import Project, load_project, validate_graph
from tarawa_kg.load import load_shapes

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import generate as gen  # noqa: E402

N = 3
ID = "https://w3id.org/tarawa-kg/id/"
TKG = "https://w3id.org/tarawa-kg/ontology#"
WD = "http://www.wikidata.org/entity/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SCHEMA_URL = ox.NamedNode("https://schema.org/url")
WAS_DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
_COPY = re.compile(r"-copy-([0-9]+)\.ttl$")


def parse(path: Path) -> list[ox.Triple]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))


def copy_of(path: Path) -> int:
    """1 for data/<name>.ttl, k for data/<name>-copy-<k>.ttl."""
    match = _COPY.search(path.name)
    return int(match.group(1)) if match else 1


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    return gen.generate(N, tmp_path_factory.mktemp("generated") / "kg")


@pytest.fixture(scope="module")
def copies(checkout) -> dict[int, list[ox.Triple]]:
    """The generated data triples, by copy."""
    out: dict[int, list[ox.Triple]] = {}
    for path in sorted((checkout.root / "data").glob("*.ttl")):
        out.setdefault(copy_of(path), []).extend(parse(path))
    return out


@pytest.fixture(scope="module")
def real() -> dict[str, list[ox.Triple]]:
    """The real data triples, by file name."""
    return {p.name: parse(p) for p in sorted((REPO / "data").glob("*.ttl"))}


def shared_triples(real) -> set[ox.Triple]:
    """The triples that only copy 1 carries, described by the data's layout: all of
    vocabularies.ttl, and whatever is said of the two belligerents (side:…) and of the statements
    about them (their tkg:wikidataItem evidence), with those nodes' citations."""
    triples = [t for ts in real.values() for t in ts]
    shared = {t.subject for t in real["vocabularies.ttl"]}
    shared |= {t.subject for t in triples if t.predicate == RDF_TYPE and t.object.value == TKG + "Belligerent"}
    shared |= {t.subject for t in triples if t.predicate.value == TKG + "subject" and t.object in shared}
    citations = {t.object for t in triples if t.predicate == WAS_DERIVED_FROM and t.subject in shared
                 and isinstance(t.object, ox.BlankNode)}
    return {t for t in triples if t.subject in shared or t.subject in citations}


def kind_folder(iri: str) -> str:
    """``person`` for ``…/id/person/julian-c-smith``."""
    return iri[len(ID):].split("/")[0]


def entity_iris(triples) -> set[str]:
    """IRIs under id/ that the triples define (give an rdf:type)."""
    return {t.subject.value for t in triples
            if t.predicate == RDF_TYPE and isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(ID)}


def qids(triples) -> set[str]:
    """Every QID, as an IRI or written in a literal."""
    found = set()
    for t in triples:
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(WD):
                found.add(term.value[len(WD):])
            elif isinstance(term, ox.Literal):
                found |= set(re.findall(r"(?<![A-Za-z0-9_])Q[1-9][0-9]*(?![0-9])", term.value))
    return found


def urls(triples) -> set[str]:
    return {t.object.value for t in triples if t.predicate == SCHEMA_URL}


# ------------------------------------------------------------------------------- layout
def test_copy_1_is_the_real_data_byte_for_byte(checkout):
    for path in sorted((REPO / "data").glob("*.ttl")):
        assert (checkout.root / "data" / path.name).read_bytes() == path.read_bytes(), path.name


def test_ontology_and_queries_are_copied_unchanged(checkout):
    for folder in ("ontology", "queries"):
        mine = sorted(p.relative_to(REPO / folder) for p in (REPO / folder).rglob("*") if p.is_file())
        theirs = sorted(p.relative_to(checkout.root / folder) for p in (checkout.root / folder).rglob("*") if p.is_file())
        assert mine == theirs
        for rel in mine:
            assert (checkout.root / folder / rel).read_bytes() == (REPO / folder / rel).read_bytes()


def test_every_real_file_is_repeated_except_the_vocabulary(checkout):
    names = {p.name for p in (checkout.root / "data").glob("*.ttl")}
    real_files = sorted((REPO / "data").glob("*.ttl"))
    for path in real_files:
        for k in range(2, N + 1):
            assert (f"{path.stem}-copy-{k}.ttl" in names) == (path.name != "vocabularies.ttl")
    assert len(names) == len(real_files) + (len(real_files) - 1) * (N - 1)
    assert sorted(checkout.files) == sorted((checkout.root / "data").glob("*.ttl"))


# ------------------------------------------------------------------------------- counts
def test_triple_count_is_n_times_the_data_less_the_shared_repeats(checkout, copies, real):
    store = ox.Store()
    for path in (checkout.root / "data").glob("*.ttl"):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    data = len({t for ts in real.values() for t in ts})
    shared = len(shared_triples(real))
    assert len(real["vocabularies.ttl"]) < shared < len(real["vocabularies.ttl"]) + 100
    expected = N * data - (N - 1) * shared
    assert len(store) == expected == checkout.triples
    for k in range(2, N + 1):
        assert len(set(copies[k])) == data - shared
    # what the generator reports agrees with this independent count
    assert (checkout.model.data_triples, checkout.model.shared_triples) == (data, shared)


def test_each_copy_is_the_real_data_with_terms_renamed(copies, real):
    """Copy 2 has, triple for triple, the real data's non-shared triples: same predicates, same
    number of triples per predicate, same literals once QIDs are put back."""
    from collections import Counter

    shared = shared_triples(real)
    kept = [t for ts in real.values() for t in ts if t not in shared]
    assert Counter(t.predicate.value for t in copies[2]) == Counter(t.predicate.value for t in kept)

    def back(term):
        if isinstance(term, ox.Literal):
            return re.sub(r"Q2(0+)([1-9][0-9]*)", lambda m: f"Q{int(m.group(0)[1:]) - 2 * gen.QID_STEP}", term.value)
        return None
    assert (Counter(back(t.object) for t in copies[2] if isinstance(t.object, ox.Literal))
            == Counter(t.object.value for t in kept if isinstance(t.object, ox.Literal)))


# ------------------------------------------------------------------------------- IRIs, QIDs, URLs
def test_every_copy_iri_is_in_the_same_kind_folder_as_its_original(copies, real):
    originals = entity_iris(t for ts in real.values() for t in ts)
    shared = {t.subject.value for t in shared_triples(real) if isinstance(t.subject, ox.NamedNode)}
    for k in range(2, N + 1):
        iris = {term.value for t in copies[k] for term in (t.subject, t.object)
                if isinstance(term, ox.NamedNode) and term.value.startswith(ID)}
        renamed = {i for i in iris if i not in shared}
        assert renamed, "copy has no IRIs of its own"
        for iri in renamed:
            assert iri.endswith(f"-copy-{k}"), iri
            original = iri[: -len(f"-copy-{k}")]
            assert original in originals, iri
            assert kind_folder(iri) == kind_folder(original)
            assert iri[len(ID):].count("/") == original[len(ID):].count("/")
        # every non-shared entity of the real data has its copy
        assert entity_iris(copies[k]) == {gen.copy_iri(i, k) for i in originals - shared}
        # the shared vocabulary is referred to, never redefined
        assert iris & shared
        assert not entity_iris(copies[k]) & shared


def test_no_entity_qid_or_source_url_of_copy_2_is_one_of_copy_1(copies):
    for other in range(2, N + 1):
        for k in range(1, other):
            assert not entity_iris(copies[other]) & entity_iris(copies[k])
            assert not qids(copies[other]) & qids(copies[k])
            assert not urls(copies[other]) & urls(copies[k])
    assert len(urls(copies[2])) == len(urls(copies[1])) > 250
    assert len(qids(copies[2])) > 25  # the linked QIDs and those named in notes and quotes


def test_qids_and_urls_are_rewritten_consistently(copies):
    assert {f"Q{int(q[1:]) + 2 * gen.QID_STEP}" for q in qids(copies[1])} >= qids(copies[2])
    assert "Q2000250309" in qids(copies[2])  # Battle of Tarawa: link, evidence statement and quote
    assert gen.copy_url("https://tracesdeguerre.com/?p=1195", 2) in urls(copies[2])
    assert gen.copy_url("https://en.wikipedia.org/wiki/Battle_of_Tarawa", 3) == \
        "https://en.wikipedia.org/wiki/Battle_of_Tarawa?tarawa-kg-copy=3"
    # the shared belligerents keep their QIDs, and their links are not repeated
    q30 = [t for t in copies[1] if isinstance(t.object, ox.NamedNode) and t.object.value == WD + "Q30"]
    assert len(q30) == 2
    assert not [t for t in copies[2] if isinstance(t.object, ox.NamedNode) and t.object.value.endswith("Q30")]


def test_citations_stay_blank_nodes(copies, real):
    def blank_citations(triples):
        return {t.subject for t in triples if t.predicate == RDF_TYPE and t.object.value == TKG + "Citation"
                and isinstance(t.subject, ox.BlankNode)}
    real_citations = blank_citations(t for ts in real.values() for t in ts)
    shared = blank_citations(shared_triples(real))
    assert len(blank_citations(copies[2])) == len(real_citations) - len(shared) > 1000


# ------------------------------------------------------------------------------- determinism, errors
def test_same_copies_same_bytes(checkout, tmp_path):
    again = gen.generate(N, tmp_path / "again")
    first = sorted(p.relative_to(checkout.root) for p in checkout.root.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again.root) for p in again.root.rglob("*") if p.is_file())
    assert first == second
    for rel in first:
        assert (checkout.root / rel).read_bytes() == (again.root / rel).read_bytes(), rel


def test_one_copy_is_the_real_checkout(tmp_path):
    result = gen.generate(1, tmp_path / "one")
    assert sorted(p.name for p in (result.root / "data").iterdir()) == sorted(p.name for p in (REPO / "data").glob("*.ttl"))
    assert result.triples == result.model.data_triples


def test_refuses_bad_arguments(tmp_path):
    with pytest.raises(gen.GenerateError, match="at least 1"):
        gen.generate(0, tmp_path / "zero")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    with pytest.raises(gen.GenerateError, match="not empty"):
        gen.generate(2, tmp_path / "full", overwrite=True)
    assert (tmp_path / "full" / "notes.txt").read_text() == "mine"
    with pytest.raises(gen.GenerateError, match="not a tarawa-kg checkout"):
        gen.generate(2, tmp_path / "out", source=tmp_path / "full")


def test_force_replaces_an_earlier_checkout(tmp_path):
    gen.generate(3, tmp_path / "kg")
    with pytest.raises(gen.GenerateError, match="--force"):
        gen.generate(2, tmp_path / "kg")
    gen.generate(2, tmp_path / "kg", overwrite=True)
    assert not list((tmp_path / "kg" / "data").glob("*-copy-3.ttl"))
    assert len(list((tmp_path / "kg" / "data").glob("*-copy-2.ttl"))) == 12


def test_command_line(tmp_path, capsys):
    assert gen.main(["--copies", "2", "--out", str(tmp_path / "kg")]) == 0
    assert "2 copies" in capsys.readouterr().out
    assert gen.main(["--copies", "2", "--out", str(tmp_path / "kg")]) == 2
    assert "not empty" in capsys.readouterr().err


def test_write_ntriples_of_several_copies(tmp_path):
    model = gen.analyse(REPO)
    count = gen.write_ntriples(tmp_path / "big.nt", [2, 3], model)
    assert count == 2 * len([t for f in model.files for t in f.copied])
    assert len(parse(tmp_path / "big.nt")) == count


def test_docstring_examples():
    assert doctest.testmod(gen).failed == 0


# ------------------------------------------------------------------------------- validity
def test_the_generated_checkout_validates_without_any_result(checkout):
    project = Project(checkout.root)
    report = validate_graph(load_project(project), load_shapes(project))
    assert report.conforms
    assert report.results == []
