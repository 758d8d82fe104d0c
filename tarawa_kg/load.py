"""The one loader: builds the knowledge graph from the ontology and data files into the embedded
Oxigraph store (:class:`~tarawa_kg.store.KnowledgeGraph`)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from tarawa_kg.errors import DataError
from tarawa_kg.namespaces import ID, TKG
from tarawa_kg.progress import Progress, quiet
from tarawa_kg.project import Project
from tarawa_kg.store import KnowledgeGraph, as_knowledge_graph, to_rdflib

SYNTAXES = {
    ".ttl": (ox.RdfFormat.TURTLE, "Turtle"),
    ".nt": (ox.RdfFormat.N_TRIPLES, "N-Triples"),
    ".jsonld": (ox.RdfFormat.JSON_LD, "JSON-LD"),
    ".json": (ox.RdfFormat.JSON_LD, "JSON-LD"),
    ".rdf": (ox.RdfFormat.RDF_XML, "RDF/XML"),
    ".owl": (ox.RdfFormat.RDF_XML, "RDF/XML"),
    ".trig": (ox.RdfFormat.TRIG, "TriG"),
    ".nq": (ox.RdfFormat.N_QUADS, "N-Quads"),
}
"""File suffix → (pyoxigraph format, name of the syntax). Quad formats lose their graph names."""

_BOM = b"\xef\xbb\xbf"
_DEFAULT = ox.DefaultGraph()
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_CITATION = ox.NamedNode(str(TKG.Citation))


def read_file(path: Path | str, prefixes: dict[str, str] | None = None) -> list[ox.Quad]:
    """Parse one RDF file: its triples (the graph names of TriG and N-Quads dropped).

    The syntax is chosen by the suffix (:data:`SYNTAXES`); N-Triples is read strictly (no Turtle
    prefixes or abbreviations). Relative IRIs are resolved against the file's own ``file:`` IRI.

    :param path: a ``.ttl``, ``.nt``, ``.jsonld``/``.json``, ``.rdf``/``.owl``, ``.trig`` or ``.nq`` file
    :param prefixes: if given, filled with the prefixes the file declares (name → namespace)
    :returns: pyoxigraph ``Quad`` objects of the default graph, in the file's order
    :raises DataError: the file is missing, unreadable, of an unknown suffix or not valid in its
        syntax; the message names the file and, for a syntax error, the line where it starts
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SYNTAXES:
        raise DataError(str(path), f"unknown RDF file suffix {path.suffix or '(none)'!r}: use one of "
                                   f"{', '.join(SYNTAXES)}")
    fmt, name = SYNTAXES[suffix]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        parser = ox.parse(input=data, format=fmt, base_iri=path.resolve().as_uri())
        quads = list(parser)
        if prefixes is not None:
            prefixes.update(parser.prefixes)
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            quads = [q if q.graph_name == _DEFAULT else ox.Quad(q.subject, q.predicate, q.object) for q in quads]
        return quads
    except SyntaxError as exc:
        why = exc.msg if isinstance(exc.msg, str) else str(exc)
        line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
        raise DataError(str(path), f"{name} syntax error: {_short_reason(why)}", line) from None
    except (ValueError, OSError) as exc:
        raise DataError(str(path), f"not valid {name}: {exc}") from None


def _short_reason(message: str) -> str:
    """pyoxigraph's message without its own "Parser error at line L column C:" prefix."""
    head, sep, tail = message.partition(": ")
    return tail if sep and head.startswith("Parser error") else message


def parse_file(graph, path: Path | str):
    """Parse one RDF file into ``graph`` (a :class:`KnowledgeGraph` or an rdflib ``Graph``).

    :returns: ``graph``
    :raises DataError: see :func:`read_file`
    """
    prefixes: dict[str, str] = {}
    triples = read_file(path, prefixes)
    if isinstance(graph, KnowledgeGraph):
        graph.prefixes.update(prefixes)
        graph.extend(triples)
    else:
        for t in triples:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def load_files(paths: Iterable[Path | str]) -> KnowledgeGraph:
    """Load RDF files into one new knowledge graph.

    :param paths: files, parsed in the order given (suffixes as in :data:`SYNTAXES`)
    :returns: a :class:`KnowledgeGraph`
    :raises DataError: a file cannot be read or parsed
    """
    triples: list = []
    prefixes: dict[str, str] = {}
    for path in paths:
        triples.extend(read_file(path, prefixes))
    return KnowledgeGraph(triples, prefixes)


MAX_EXTRA_MB = 20.0
"""Default limit on the total size of the extra files :func:`load_project` reads (MB): above
about 200,000 triples, SHACL Core validation by pySHACL takes minutes and gigabytes
(``benchmarks/engine.py`` measures it)."""


def load_project(project: Project | None = None, extra: Iterable[Path | str] = (),
                 origins: dict[URIRef, list[str]] | None = None,
                 progress: Progress = quiet, max_extra_mb: float | None = MAX_EXTRA_MB) -> KnowledgeGraph:
    """Build the knowledge graph: the ontology, every ``data/*.ttl`` and any ``extra`` files.

    :param project: the checkout (default: :class:`Project` ())
    :param extra: further RDF files to merge (for example a user's own data to validate)
    :param origins: if given, filled with IRI → the ``extra`` files (as given) where it is a
        subject, to say in which of a user's files a validation result's node is written
    :param progress: told what is being read
    :param max_extra_mb: refuse ``extra`` files larger than this in total (MB), before reading
        anything; ``None`` for no limit
    :returns: a :class:`KnowledgeGraph` (about 21,000 triples for the curated data), citations named
    :raises DataError: a file cannot be read or parsed, or the ``extra`` files are over the limit
    """
    project = project or Project()
    extra = list(extra)
    _check_size(extra, max_extra_mb)
    triples: list = []
    prefixes: dict[str, str] = {}
    files = project.graph_files
    progress(f"reading {len(files)} files of {project.root}")
    for path in files:
        triples.extend(read_file(path, prefixes))
    for path in extra:
        progress(f"reading {path} ({_size(path)})")
        part = read_file(path, prefixes)
        if origins is not None:
            for subject in {t.subject for t in part if isinstance(t.subject, ox.NamedNode)}:
                origins.setdefault(URIRef(subject.value), []).append(str(path))
        triples.extend(part)
    progress(f"loading {len(triples):,} triples into the store")
    return KnowledgeGraph(_named_citations(triples), prefixes)


def _check_size(paths: list, max_mb: float | None) -> None:
    """Raise :class:`DataError` naming the largest file when ``paths`` are over ``max_mb`` in total."""
    if max_mb is None:
        return
    if not max_mb > 0:  # also refuses NaN
        raise DataError("--max-size", f"{max_mb!r} is not a positive number of MB")
    if not paths:
        return
    sizes = {}
    for path in paths:
        try:
            sizes[str(path)] = Path(path).stat().st_size / 1e6
        except OSError:
            sizes[str(path)] = 0.0  # read_file names the problem
    total = sum(sizes.values())
    if total > max_mb:
        largest = max(sizes, key=sizes.get)
        raise DataError(largest, f"{total:.1f} MB of extra files is over the {max_mb:g} MB limit "
                                 f"(SHACL Core validation of more takes minutes and gigabytes); "
                                 f"raise it with --max-size")


def _size(path: Path | str) -> str:
    try:
        return f"{Path(path).stat().st_size / 1e6:.1f} MB"
    except OSError:
        return "unreadable"


def citation_iri(graph, citation) -> URIRef:
    """The IRI of a citation: ``id/reference/`` + 16 hex digits of the SHA-256 of its content.

    The content is the citation's own triples (source, locator, quote, type) in N-Triples form,
    sorted, so the IRI depends on nothing else: equal citations share one IRI, as Wikidata's
    reference nodes do, and the IRI changes only when the citation's text changes.

    :param graph: an rdflib ``Graph`` (or a :class:`KnowledgeGraph`)
    :param citation: the citation's blank node (rdflib)
    """
    return _citation_iri([(p, o) for p, o in graph.predicate_objects(citation)])


def _citation_iri(pairs) -> URIRef:
    lines = sorted(f"{p.n3()} {o.n3()}" for p, o in pairs)
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]
    return ID[f"reference/{digest}"]


def _named_citations(triples: list) -> list:
    """``triples`` with every blank-node ``tkg:Citation`` replaced by its IRI (:func:`citation_iri`)."""
    citations = {t.subject for t in triples
                 if t.predicate == _RDF_TYPE and t.object == _CITATION and isinstance(t.subject, ox.BlankNode)}
    if not citations:
        return triples
    content: dict[ox.BlankNode, list] = {c: [] for c in citations}
    for t in triples:
        if t.subject in content:
            content[t.subject].append((to_rdflib(t.predicate), to_rdflib(t.object)))
    names = {c: ox.NamedNode(str(_citation_iri(pairs))) for c, pairs in content.items()}
    return [ox.Quad(names.get(t.subject, t.subject), t.predicate, names.get(t.object, t.object))
            if t.subject in names or t.object in names else t for t in triples]


def name_citations(graph):
    """Give every blank-node ``tkg:Citation`` of ``graph`` its IRI (:func:`citation_iri`).

    Data files write citations as blank nodes (``prov:wasDerivedFrom [ a tkg:Citation ; … ]``);
    named, they can be referred to from outside and are the same in every store and export.

    :param graph: a :class:`KnowledgeGraph` or an rdflib ``Graph``
    :returns: a :class:`KnowledgeGraph` with the citations named
    """
    kg = as_knowledge_graph(graph)
    return KnowledgeGraph(_named_citations(list(kg.oxigraph_triples())), kg.prefixes)


def load_shapes(project: Project | None = None) -> Graph:
    """Load the SHACL shapes of the project (``ontology/shapes.ttl`` and ``ontology/shapes/*.ttl``).

    :returns: an rdflib ``Graph`` (pySHACL's input)
    :raises DataError: a shapes file cannot be read or parsed
    """
    project = project or Project()
    graph = Graph()
    from tarawa_kg.namespaces import bind_prefixes

    bind_prefixes(graph)
    for path in project.shape_files:
        parse_file(graph, path)
    return graph
