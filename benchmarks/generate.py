"""Synthetic tarawa-kg checkouts: the real data repeated N times, still valid, for benchmarks.

``generate(copies=N, out=DIR)`` writes a complete checkout at ``DIR``::

    DIR/ontology/          copied unchanged from the source checkout
    DIR/queries/           copied unchanged
    DIR/data/<name>.ttl    copy 1: the real data/<name>.ttl, byte for byte
    DIR/data/<name>-copy-<k>.ttl   copy k = 2..N of the same file, rewritten (Turtle)

so that the project's own commands run on it unchanged (``tarawa-kg build --root DIR``,
``tarawa-kg validate --root DIR``, ``tarawa-kg query timeline --root DIR``). The generated data
conforms to the SHACL shapes exactly as the real data does (0 violations, 0 warnings): each copy
is a separate, self-consistent replica of the curated graph that shares only the vocabulary.

What each copy ``k >= 2`` rewrites (the files are parsed with pyoxigraph, terms are mapped, the
triples are serialised again: no text substitution on Turtle):

* **Entity IRIs.** Every IRI under ``https://w3id.org/tarawa-kg/id/`` that a data file defines
  (gives an ``rdf:type``) becomes ``<IRI>-copy-<k>``: it stays in its kind folder, so
  ``…/id/person/julian-c-smith`` becomes ``…/id/person/julian-c-smith-copy-2`` and
  ``…/id/statement/x`` stays a statement. This covers persons, units, ships, equipment, places,
  events, statements, quotations, organisations and sources.
* **Shared vocabulary is not copied.** Everything defined in ``data/vocabularies.ttl`` (ranks,
  echelons, ship types, weapon roles, mounts, personnel categories and their concept schemes),
  every ``skos:Concept`` / ``skos:ConceptScheme``, the two belligerents (``tkg:Belligerent``:
  ``side:united-states`` and ``side:japan``, which saved queries such as ``us-forces`` and
  ``garrison-strength`` name literally), and any ``id/`` IRI that the ontology describes keep their
  IRI in every copy. The triples *about* them (their labels, citations, Wikidata status and the
  ``tkg:wikidataItem`` statements whose ``tkg:subject`` they are) are written once, in copy 1:
  copies 2..N only refer to them. The organisations of ``data/sides.ttl`` (US Navy, *Time*…)
  are ordinary entities and are copied.
* **Wikidata QIDs.** ``wd:Q<n>`` becomes ``wd:Q<n + k * 1,000,000,000>`` (a QID of copy 1 stays as
  is) in IRIs *and* wherever ``Q<n>`` appears as a token inside a literal (the evidence quotes,
  rank reasons, locators and notes of ``data/wikidata.ttl`` write the QID in their text), so every
  link, its evidence statement and its quoted evidence agree within a copy and differ between
  copies. The two QIDs of the shared belligerents (Q30, Q188712) are not shifted.
* **Source URLs.** ``schema:url`` (what ``tkgsh:DuplicateSourceRule`` compares) gets a query
  parameter ``tarawa-kg-copy=<k>`` before any fragment: ``https://tracesdeguerre.com/?p=1195``
  becomes ``https://tracesdeguerre.com/?p=1195&tarawa-kg-copy=2``.
* **Blank nodes** (citations, geometries) stay blank nodes, relabelled deterministically
  (``c<k>f<file>b<i>``). Labels and every other literal are kept as they are.

So copy ``k`` has exactly the triples of the real data minus the shared ones, and the data files
of an ``N``-copy checkout hold ``N × data − (N − 1) × shared`` distinct triples (19,977 per further
copy with the current data: 50 copies make about 1 M triples). When the project loads them,
equal citations merge within each copy as they do in the real data, never across copies (a
copy's citations name its own sources). The output is deterministic: the same source and ``N``
give the same bytes.

Command line::

    python benchmarks/generate.py --copies 50 --out /tmp/tarawa-50      # about 1 M triples
    python benchmarks/generate.py --copies 2 --out /tmp/tarawa-2 --force # replace an earlier one

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     result = generate(2, Path(tmp) / "kg")
...     result.copies, result.triples == 2 * result.model.data_triples - result.model.shared_triples
(2, True)
>>> copy_iri("https://w3id.org/tarawa-kg/id/person/julian-c-smith", 2)
'https://w3id.org/tarawa-kg/id/person/julian-c-smith-copy-2'
>>> copy_qid_iri("http://www.wikidata.org/entity/Q250309", 3)
'http://www.wikidata.org/entity/Q3000250309'
>>> copy_url("https://tracesdeguerre.com/?p=1195#top", 2)
'https://tracesdeguerre.com/?p=1195&tarawa-kg-copy=2#top'
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

ID = "https://w3id.org/tarawa-kg/id/"
TKG = "https://w3id.org/tarawa-kg/ontology#"
WD = "http://www.wikidata.org/entity/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TKG_SUBJECT = ox.NamedNode(TKG + "subject")
SCHEMA_URL = ox.NamedNode("https://schema.org/url")

SHARED_FILES = ("vocabularies.ttl",)
"""Data files whose every defined IRI is shared vocabulary (never copied)."""
SHARED_CLASSES = (TKG + "Belligerent", SKOS + "Concept", SKOS + "ConceptScheme")
"""Classes whose instances, in any data file, are shared vocabulary."""
QID_STEP = 1_000_000_000
"""Copy ``k`` adds ``k * QID_STEP`` to every (non-shared) QID number."""
URL_PARAM = "tarawa-kg-copy"
"""The query parameter added to the ``schema:url`` of a copied source."""

DEFAULT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout this script lives in: the default source of the real data."""

PREFIXES = {
    "tkg": TKG, "id": ID,
    "person": ID + "person/", "unit": ID + "unit/", "ship": ID + "ship/", "equip": ID + "equipment/",
    "place": ID + "place/", "event": ID + "event/", "src": ID + "source/", "stmt": ID + "statement/",
    "quote": ID + "quotation/", "organization": ID + "organization/", "side": ID + "side/",
    "rank": ID + "rank/", "echelon": ID + "echelon/", "shiptype": ID + "ship-type/",
    "role": ID + "weapon-role/", "mount": ID + "mount/", "pcat": ID + "personnel-category/",
    "qudt": "http://qudt.org/vocab/unit/", "wd": WD,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#", "skos": SKOS,
    "prov": "http://www.w3.org/ns/prov#", "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/", "geo": "http://www.opengis.net/ont/geosparql#",
}
"""Prefixes of the written Turtle (those of the curated data files)."""

_QID_IRI = re.compile(r"^http://www\.wikidata\.org/entity/Q([1-9][0-9]*)$")
_QID_TOKEN = re.compile(r"(?<![A-Za-z0-9_])Q([1-9][0-9]*)(?![0-9])")


class GenerateError(Exception):
    """The source is not a tarawa-kg checkout, the output folder is not usable, or the data
    cannot be copied safely (a copy IRI would collide with an existing one)."""


# ------------------------------------------------------------------------------- term mappings
def copy_iri(iri: str, k: int) -> str:
    """The IRI of copy ``k`` of an entity IRI: ``<iri>-copy-<k>`` (same kind folder)."""
    return f"{iri}-copy-{k}"


def copy_qid_number(number: int, k: int) -> int:
    """The QID number of copy ``k``: ``number + k * QID_STEP`` (copy 1 keeps ``number``)."""
    return number if k == 1 else number + k * QID_STEP


def copy_qid_iri(iri: str, k: int) -> str:
    """The Wikidata item IRI of copy ``k`` (an IRI that is not an item IRI is returned unchanged)."""
    match = _QID_IRI.match(iri)
    return f"{WD}Q{copy_qid_number(int(match.group(1)), k)}" if match else iri


def copy_url(url: str, k: int) -> str:
    """The source URL of copy ``k``: ``tarawa-kg-copy=<k>`` added to its query, before any fragment."""
    if k == 1:
        return url
    base, hash_, fragment = url.partition("#")
    return f"{base}{'&' if '?' in base else '?'}{URL_PARAM}={k}{hash_}{fragment}"


def copy_text(text: str, k: int, keep: frozenset[int] = frozenset()) -> str:
    """``text`` with every ``Q<n>`` token (a QID written in a quote or note) shifted for copy ``k``,
    except the QID numbers in ``keep`` (those of shared entities)."""
    def shift(match: re.Match) -> str:
        number = int(match.group(1))
        return match.group(0) if number in keep else f"Q{copy_qid_number(number, k)}"
    return _QID_TOKEN.sub(shift, text)


# ------------------------------------------------------------------------------- the source data
@dataclass
class SourceFile:
    """One real data file: its path, its triples in document order, and which of them are shared
    (written in copy 1 only)."""

    path: Path
    triples: list[ox.Triple]
    shared: list[bool] = field(default_factory=list)

    @property
    def copied(self) -> list[ox.Triple]:
        """The triples that every copy repeats (all but the shared ones)."""
        return [t for t, s in zip(self.triples, self.shared) if not s]


@dataclass
class DataModel:
    """The real data analysed for copying: files, the IRIs copied, the IRIs and QIDs shared.

    :param root: the source checkout
    :param files: ``data/*.ttl``, sorted by name
    :param copied_iris: the ``id/`` IRIs that get a new IRI in every copy
    :param shared_iris: the ``id/`` IRIs shared by every copy (vocabulary, belligerents,
        statements about them, IRIs the ontology describes)
    :param shared_qids: QID numbers of shared entities (never shifted)
    """

    root: Path
    files: list[SourceFile]
    copied_iris: frozenset[str]
    shared_iris: frozenset[str]
    shared_qids: frozenset[int]

    @property
    def data_triples(self) -> int:
        """Distinct triples of the real data, all files together (each file's blank nodes are its
        own: pyoxigraph gives every parsed blank node a fresh label)."""
        return len({t for f in self.files for t in f.triples})

    @property
    def shared_triples(self) -> int:
        """Distinct triples written in copy 1 only (those about shared vocabulary)."""
        return len({t for f in self.files for t, s in zip(f.triples, f.shared) if s})

    @property
    def triples_per_copy(self) -> int:
        """Distinct triples of each copy ``k >= 2``."""
        return self.data_triples - self.shared_triples

    def copy_triples(self, source: SourceFile, k: int, file_index: int | None = None) -> list[ox.Triple]:
        """The triples of copy ``k`` of one data file, in document order.

        Copy 1 gives the file's own IRIs, QIDs and URLs (blank nodes relabelled, shared triples
        included); copy ``k >= 2`` gives the non-shared triples, rewritten as the module docstring
        says. Blank nodes are labelled ``c<k>f<file_index>b<i>``, unique across files and copies.
        """
        if file_index is None:
            file_index = self.files.index(source)
        triples = source.triples if k == 1 else source.copied
        terms: dict = {}
        blank_count = [0]
        keep = self.shared_qids
        copied = self.copied_iris

        def term(node):
            new = terms.get(node)
            if new is not None:
                return new
            if isinstance(node, ox.NamedNode):
                iri = node.value
                if k != 1 and iri in copied:
                    new = ox.NamedNode(copy_iri(iri, k))
                elif k != 1 and iri.startswith(WD):
                    match = _QID_IRI.match(iri)
                    new = node if not match or int(match.group(1)) in keep else ox.NamedNode(copy_qid_iri(iri, k))
                else:
                    new = node
            elif isinstance(node, ox.BlankNode):
                new = ox.BlankNode(f"c{k}f{file_index}b{blank_count[0]}")
                blank_count[0] += 1
            elif isinstance(node, ox.Literal) and k != 1 and _QID_TOKEN.search(node.value):
                text = copy_text(node.value, k, keep)
                new = (ox.Literal(text, language=node.language) if node.language
                       else ox.Literal(text, datatype=node.datatype))
            else:
                new = node
            terms[node] = new
            return new

        out = []
        for t in triples:
            o = t.object
            if k != 1 and t.predicate == SCHEMA_URL and isinstance(o, ox.NamedNode):
                new_o = ox.NamedNode(copy_url(o.value, k))
            else:
                new_o = term(o)
            out.append(ox.Triple(term(t.subject), t.predicate, new_o))
        return out

    def iter_copies(self, copies: Iterable[int]) -> Iterator[ox.Triple]:
        """Every triple of the given copies, file after file (for one big file of many copies)."""
        for k in copies:
            for index, source in enumerate(self.files):
                yield from self.copy_triples(source, k, index)


def _parse(path: Path) -> list[ox.Triple]:
    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()))
    except (SyntaxError, ValueError, OSError) as exc:
        raise GenerateError(f"{path}: cannot be parsed: {exc}") from exc


def analyse(root: Path | str = DEFAULT_ROOT) -> DataModel:
    """Parse a checkout's ``data/*.ttl`` (and its ontology) and decide what each copy rewrites.

    :param root: a tarawa-kg checkout (``ontology/tarawa.ttl`` and ``data/`` present)
    :returns: the :class:`DataModel`
    :raises GenerateError: not a checkout, no data file, or a file that does not parse
    """
    root = Path(root)
    ontology = root / "ontology" / "tarawa.ttl"
    paths = sorted((root / "data").glob("*.ttl"))
    if not ontology.is_file() or not paths:
        raise GenerateError(f"{root}: not a tarawa-kg checkout (needs ontology/tarawa.ttl and data/*.ttl)")
    files = [SourceFile(p, _parse(p)) for p in paths]

    # the ontology's own id/ IRIs (if any) are not the data's to copy
    in_ontology = {t.subject.value for t in _parse(ontology)
                   if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(ID)}
    defined: set[str] = set()
    shared: set[str] = set(in_ontology)
    for source in files:
        vocabulary_file = source.path.name in SHARED_FILES
        for t in source.triples:
            if t.predicate == RDF_TYPE and isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(ID):
                defined.add(t.subject.value)
                if vocabulary_file or t.object.value in SHARED_CLASSES:
                    shared.add(t.subject.value)
    # statements about a shared thing (the belligerents' tkg:wikidataItem evidence) are shared too
    about = [(t.subject.value, t.object.value) for f in files for t in f.triples
             if t.predicate == TKG_SUBJECT and isinstance(t.subject, ox.NamedNode)
             and isinstance(t.object, ox.NamedNode)]
    grown = True
    while grown:
        new = {s for s, o in about if o in shared and s not in shared}
        shared |= new
        grown = bool(new)

    # a triple is shared when its subject is shared, or is a blank node hanging off a shared subject
    owner: dict[ox.BlankNode, object] = {}
    for source in files:
        for t in source.triples:
            if isinstance(t.object, ox.BlankNode):
                owner.setdefault(t.object, t.subject)

    def root_of(node):
        seen = set()
        while isinstance(node, ox.BlankNode) and node in owner and node not in seen:
            seen.add(node)
            node = owner[node]
        return node

    shared_qids: set[int] = set()
    for source in files:
        for t in source.triples:
            top = root_of(t.subject)
            is_shared = isinstance(top, ox.NamedNode) and top.value in shared
            source.shared.append(is_shared)
            if is_shared and isinstance(t.object, ox.NamedNode):
                match = _QID_IRI.match(t.object.value)
                if match:
                    shared_qids.add(int(match.group(1)))

    copied = frozenset(defined - shared)
    suffix = re.compile(r"-copy-[0-9]+$")
    clashes = sorted(i for i in defined if suffix.search(i))
    if clashes:
        raise GenerateError(f"the data already has IRIs ending in -copy-<k>, copies would collide: {clashes[:3]}")
    return DataModel(root, files, copied, frozenset(shared & (defined | in_ontology)), frozenset(shared_qids))


# ------------------------------------------------------------------------------- writing
@dataclass
class GeneratedCheckout:
    """What :func:`generate` wrote.

    :param root: the new checkout
    :param copies: ``N``
    :param files: the data files written (copy 1's included), sorted
    :param triples: distinct data triples over all copies (``N × data − (N − 1) × shared``)
    :param seconds: wall time
    :param model: the analysed source data
    """

    root: Path
    copies: int
    files: list[Path]
    triples: int
    seconds: float
    model: DataModel


def _prepare_out(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise GenerateError(f"{out}: exists and is not a folder")
    if out.is_dir():
        ours = [out / name for name in ("ontology", "queries", "data")]
        others = [p for p in out.iterdir() if p not in ours and p.name != "dist"]
        if any(p.exists() for p in ours) or others:
            if not overwrite or others:
                raise GenerateError(f"{out}: not empty; give an empty or new folder"
                                    + ("" if others else " (or --force to replace its ontology/, queries/, data/)"))
            for p in ours:
                shutil.rmtree(p, ignore_errors=True)
            shutil.rmtree(out / "dist", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def generate(copies: int, out: Path | str, source: Path | str = DEFAULT_ROOT, overwrite: bool = False,
             model: DataModel | None = None) -> GeneratedCheckout:
    """Write a tarawa-kg checkout at ``out`` whose data is the real data repeated ``copies`` times.

    :param copies: ``N >= 1``; copy 1 is the real data unchanged
    :param out: a new or empty folder (with ``overwrite``: one that :func:`generate` wrote before;
        its ``ontology/``, ``queries/``, ``data/`` and ``dist/`` are replaced, nothing else is touched)
    :param source: the checkout whose ontology, queries and data are used (default: this one)
    :param overwrite: allow replacing an earlier generated checkout at ``out``
    :param model: the analysed source (default: :func:`analyse` of ``source``)
    :returns: a :class:`GeneratedCheckout`
    :raises GenerateError: ``copies < 1``, ``source`` is not a checkout, or ``out`` is not usable
    :raises ValueError: (from pyoxigraph) a rewritten term is not valid RDF
    """
    start = time.perf_counter()
    if copies < 1:
        raise GenerateError(f"copies must be at least 1, not {copies}")
    source, out = Path(source), Path(out)
    model = model or analyse(source)
    _prepare_out(out, overwrite)
    for folder in ("ontology", "queries"):
        shutil.copytree(source / folder, out / folder)
    data = out / "data"
    data.mkdir()
    written = []
    for index, src in enumerate(model.files):
        target = data / src.path.name
        shutil.copyfile(src.path, target)  # copy 1: the real file, byte for byte
        written.append(target)
        if all(src.shared):
            continue  # vocabulary only: nothing to repeat
        for k in range(2, copies + 1):
            target = data / f"{src.path.stem}-copy-{k}.ttl"
            header = (f"# Copy {k} of data/{src.path.name}, written by benchmarks/generate.py "
                      f"(synthetic data for benchmarks).\n")
            target.write_bytes(header.encode("utf-8") + to_turtle(model.copy_triples(src, k, index)))
            written.append(target)
    triples = model.data_triples + (copies - 1) * model.triples_per_copy
    return GeneratedCheckout(out, copies, sorted(written), triples, time.perf_counter() - start, model)


def to_turtle(triples: list[ox.Triple]) -> bytes:
    """Turtle for ``triples``: the :data:`PREFIXES` in their order, then the triples grouped by
    subject (subjects in order of first appearance, each subject's triples in their order).

    The prefix lines are written here rather than by pyoxigraph so that their order never depends
    on the serialiser's internals.
    """
    groups: dict = {}
    for t in triples:
        groups.setdefault(t.subject, []).append(t)
    body = ox.serialize([t for group in groups.values() for t in group], format=ox.RdfFormat.TURTLE,
                        prefixes=PREFIXES)
    lines = body.split(b"\n")
    skip = 0
    while skip < len(lines) and lines[skip].startswith(b"@prefix "):
        skip += 1
    head = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items()).encode("utf-8")
    return head + b"\n".join(lines[skip:])


def write_ntriples(path: Path | str, copies: Iterable[int], model: DataModel | None = None) -> int:
    """Write the given copies of the data as one N-Triples file (e.g. a big extra file to validate).

    :returns: the number of triples written
    """
    model = model or analyse()
    count = 0

    def counted():
        nonlocal count
        for t in model.iter_copies(copies):
            count += 1
            yield t

    with open(path, "wb") as handle:
        ox.serialize(counted(), handle, ox.RdfFormat.N_TRIPLES)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Writes OUT/ontology, OUT/queries and OUT/data; "
                                            "then run e.g. tarawa-kg validate --root OUT.")
    parser.add_argument("--copies", "-n", type=int, required=True, help="how many copies of the data (>= 1)")
    parser.add_argument("--out", "-o", type=Path, required=True, help="a new or empty folder")
    parser.add_argument("--source", type=Path, default=DEFAULT_ROOT,
                        help=f"the checkout to copy (default: {DEFAULT_ROOT})")
    parser.add_argument("--force", action="store_true",
                        help="replace the ontology/, queries/, data/ of an earlier generated checkout at OUT")
    args = parser.parse_args(argv)
    try:
        result = generate(args.copies, args.out, args.source, overwrite=args.force)
    except GenerateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    m = result.model
    print(f"wrote {result.root}: {result.copies} copies, {len(result.files)} data files, "
          f"{result.triples} data triples ({m.data_triples} real, {m.shared_triples} shared, "
          f"{m.triples_per_copy} per further copy) in {result.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
