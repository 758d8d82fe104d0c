"""The one loader: builds the graph from the ontology and data files."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Iterable

from rdflib import RDF, BNode, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from tarawa_kg.errors import DataError
from tarawa_kg.namespaces import ID, TKG, bind_prefixes
from tarawa_kg.project import Project

_LINE = re.compile(r"at line (\d+)")


_OTHER_SYNTAXES = {".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".trig": "trig",
                   ".nq": "nquads"}
"""Suffixes read in another syntax than Turtle (N-Triples ``.nt`` is read strictly, see below)."""


def parse_file(graph: Graph, path: Path | str) -> Graph:
    """Parse one RDF file into ``graph``: Turtle (and N-Triples), or by its suffix JSON-LD
    (``.jsonld``, ``.json``), RDF/XML (``.rdf``, ``.owl``), TriG or N-Quads (their triples, all graphs merged).

    :param graph: the graph to add the triples to
    :param path: a ``.ttl`` file (or one of the suffixes above)
    :returns: ``graph``
    :raises DataError: the file is missing, unreadable, of an unknown suffix or not valid in its
        syntax; the message names the file and, for a Turtle or N-Triples syntax error, the line
    """
    path = Path(path)
    suffix = path.suffix.lower()
    other = _OTHER_SYNTAXES.get(suffix)
    if other:
        return _parse_other(graph, path, other)
    if suffix not in (".ttl", ".nt"):
        known = ", ".join([".ttl", ".nt", *_OTHER_SYNTAXES])
        raise DataError(str(path), f"unknown RDF file suffix {path.suffix or '(none)'!r}: use one of {known}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(str(path), f"cannot read file: {exc}") from exc
    if suffix == ".nt":
        return _parse_n_triples(graph, path, text)
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        line = getattr(exc, "lines", None)
        line = line + 1 if isinstance(line, int) else None
        if line is None:
            match = _LINE.search(str(exc))
            line = int(match.group(1)) if match else None
        raise DataError(str(path), f"Turtle syntax error: {exc._why}", line) from exc
    except Exception as exc:  # rdflib raises plain exceptions for bad IRIs, literals, prefixes
        match = _LINE.search(str(exc))
        raise DataError(str(path), f"Turtle error: {exc}", int(match.group(1)) if match else None) from exc
    return graph


def _parse_n_triples(graph: Graph, path: Path, text: str) -> Graph:
    """Parse N-Triples strictly (no Turtle prefixes or abbreviations); on an error, name the first
    line that does not parse on its own (N-Triples is one triple per line)."""
    try:
        graph.parse(data=text, format="nt")
    except Exception:  # rdflib's N-Triples parser does not say which line failed: find it
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                try:
                    Graph().parse(data=line, format="nt")
                except Exception:
                    raise DataError(str(path), f"N-Triples syntax error: not one complete triple: "
                                               f"{line.strip()[:120]}", number) from None
        raise DataError(str(path), "N-Triples syntax error") from None
    return graph


def _parse_other(graph: Graph, path: Path, syntax: str) -> Graph:
    """Parse a file in a syntax other than Turtle into ``graph`` (quads lose their graph name)."""
    from rdflib import Dataset

    try:
        if syntax in ("trig", "nquads"):
            dataset = Dataset()
            dataset.parse(path, format=syntax, publicID=path.resolve().as_uri())
            for s, p, o, _g in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
        else:
            graph.parse(path, format=syntax, publicID=path.resolve().as_uri())
    except OSError as exc:
        raise DataError(str(path), f"cannot read file: {exc}") from exc
    except Exception as exc:  # rdflib's parsers raise various exceptions on bad input
        raise DataError(str(path), f"not valid {syntax}: {exc}") from exc
    return graph


def load_files(paths: Iterable[Path | str]) -> Graph:
    """Load Turtle files into one new graph, with the project's prefixes bound.

    :param paths: Turtle files, parsed in the order given
    :returns: an rdflib ``Graph``
    :raises DataError: a file cannot be read or parsed
    """
    graph = Graph()
    bind_prefixes(graph)
    for path in paths:
        parse_file(graph, path)
    return graph


def load_project(project: Project | None = None, extra: Iterable[Path | str] = (),
                 origins: dict[URIRef, list[str]] | None = None) -> Graph:
    """Build the knowledge graph: the ontology, every ``data/*.ttl`` and any ``extra`` files.

    :param project: the checkout (default: :class:`Project` ())
    :param extra: further Turtle files to merge (for example a user's own data to validate)
    :param origins: if given, filled with IRI → the ``extra`` files (as given) where it is a
        subject, to say in which of a user's files a validation result's node is written
    :returns: one rdflib ``Graph`` (about 20,000 triples for the curated data)
    :raises DataError: a file cannot be read or parsed
    """
    project = project or Project()
    graph = load_files(project.graph_files)
    for path in extra:
        # parsed on its own (sharing the prefixes) to know its subjects, then merged
        part = parse_file(Graph(namespace_manager=graph.namespace_manager), path)
        if origins is not None:
            for subject in set(part.subjects()):
                if isinstance(subject, URIRef):
                    origins.setdefault(subject, []).append(str(path))
        graph += part
    return name_citations(graph)


def citation_iri(graph: Graph, citation: BNode) -> URIRef:
    """The IRI of a citation: ``id/reference/`` + 16 hex digits of the SHA-256 of its content.

    The content is the citation's own triples (source, locator, quote, type) in N-Triples form,
    sorted, so the IRI depends on nothing else: equal citations share one IRI, as Wikidata's
    reference nodes do, and the IRI changes only when the citation's text changes.
    """
    lines = sorted(f"{p.n3()} {o.n3()}" for p, o in graph.predicate_objects(citation))
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]
    return ID[f"reference/{digest}"]


def name_citations(graph: Graph) -> Graph:
    """Give every blank-node ``tkg:Citation`` of ``graph`` its IRI (:func:`citation_iri`), in place.

    Data files write citations as blank nodes (``prov:wasDerivedFrom [ a tkg:Citation ; … ]``);
    named, they can be referred to from outside and are the same in every store and export.

    :returns: ``graph``
    """
    renames = {node: citation_iri(graph, node) for node in graph.subjects(RDF.type, TKG.Citation)
               if isinstance(node, BNode)}
    for node, iri in renames.items():
        for p, o in list(graph.predicate_objects(node)):
            graph.remove((node, p, o))
            graph.add((iri, p, o))
        for s, p in list(graph.subject_predicates(node)):
            graph.remove((s, p, node))
            graph.add((s, p, iri))
    return graph


def load_shapes(project: Project | None = None) -> Graph:
    """Load the SHACL shapes of the project (``ontology/shapes.ttl`` and ``ontology/shapes/*.ttl``)."""
    project = project or Project()
    return load_files(project.shape_files)
