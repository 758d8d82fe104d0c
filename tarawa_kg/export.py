"""Deterministic serialisation of the graph, written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import hashlib
import json

import pyoxigraph as ox
from rdflib import URIRef

from tarawa_kg.errors import ExportError
from tarawa_kg.namespaces import DATASET, PREFIXES
from tarawa_kg.store import as_knowledge_graph

FORMATS = {
    "turtle": ("turtle", ".ttl", "text/turtle"),
    "nt": ("nt", ".nt", "application/n-triples"),
    "jsonld": ("json-ld", ".jsonld", "application/ld+json"),
    "trig": ("trig", ".trig", "application/trig"),
}
FORMATS["ttl"] = FORMATS["turtle"]
"""Export format name → (rdflib format, file suffix, media type); ``ttl`` is another name for turtle."""


def _bnode_labels(triples: list) -> dict:
    """Deterministic labels for the blank nodes of ``triples`` (pyoxigraph terms), from what they say.

    A blank node's label is a hash of its incoming arcs (subject and predicate) and its outgoing
    arcs (predicate and object, blank objects by their own content, recursively). The curated data
    uses blank nodes only for geometries (citations are named on load), which hang off one IRI
    each, so this is exact for them; two blank nodes with identical surroundings get one label,
    which merges true duplicates.
    """
    outgoing: dict = {}
    incoming: dict = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            outgoing.setdefault(t.subject, []).append(t)
        if isinstance(t.object, ox.BlankNode):
            incoming.setdefault(t.object, []).append(t)
    cache: dict = {}

    def content(node, trail: frozenset) -> str:
        if node in cache:
            return cache[node]
        parts = []
        for t in outgoing.get(node, ()):
            if isinstance(t.object, ox.BlankNode):
                obj = "[cycle]" if t.object in trail else "[" + content(t.object, trail | {node}) + "]"
            else:
                obj = str(t.object)
            parts.append(str(t.predicate) + " " + obj)
        text = " ; ".join(sorted(parts))
        if not trail:
            cache[node] = text
        return text

    labels = {}
    for node in set(outgoing) | set(incoming):
        arcs = sorted(("_" if isinstance(t.subject, ox.BlankNode) else str(t.subject)) + " " + str(t.predicate)
                      for t in incoming.get(node, ()))
        digest = hashlib.sha256((" | ".join(arcs) + " || " + content(node, frozenset()))
                                .encode("utf-8")).hexdigest()[:24]
        labels[node] = ox.BlankNode(f"b{digest}")
    return labels


def canonical_triples(graph) -> list:
    """The triples of ``graph`` (a :class:`~tarawa_kg.store.KnowledgeGraph` or an rdflib ``Graph``)
    as pyoxigraph triples, blank nodes relabelled deterministically, sorted by their N-Triples
    form: every serialiser then writes the same bytes on every run."""
    triples = list(as_knowledge_graph(graph).oxigraph_triples())
    labels = _bnode_labels(triples)
    if labels:
        triples = [ox.Triple(labels.get(t.subject, t.subject), t.predicate, labels.get(t.object, t.object))
                   for t in triples]
    triples.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return triples


def serialize_graph(graph, fmt: str = "turtle", graph_name: URIRef = DATASET) -> bytes:
    """Serialise ``graph`` deterministically (pyoxigraph's writers): same triples, same bytes.

    :param graph: a :class:`~tarawa_kg.store.KnowledgeGraph` or an rdflib ``Graph``
    :param fmt: one of :data:`FORMATS` (``turtle``, ``nt``, ``jsonld``, ``trig``)
    :param graph_name: the named graph used by the quad format (TriG)
    :returns: UTF-8 bytes: Turtle and TriG with the project's prefixes, N-Triples one sorted line
        per triple, JSON-LD in expanded form (one node object per subject, sorted by ``@id``)
    :raises ExportError: unknown format
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return serialize_triples(canonical_triples(graph), fmt, graph_name)


def serialize_triples(triples: list, fmt: str, graph_name: URIRef = DATASET) -> bytes:
    """Serialise triples already in canonical order (:func:`canonical_triples`) in ``fmt``; see
    :func:`serialize_graph`."""
    prefixes = {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}
    if fmt == "nt":
        lines = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    if fmt == "trig":
        name = ox.NamedNode(str(graph_name))
        quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    if fmt == "jsonld":
        document = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
        return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def write_atomic(path: Path | str, data: bytes, create_parents: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, renamed into place.

    A failure at any point leaves ``path`` as it was (absent, or the previous complete file). An
    existing file keeps its permissions; a new one gets the usual ones (0666 less the umask). A
    symbolic link is followed; a folder, device or pipe is refused, and so is a path ending in a
    separator (``out/``), which names a folder even when it does not exist yet.

    :param create_parents: create missing parent folders (the build's ``dist/``); when false, a
        missing folder is an error, so that a mistyped output path creates nothing
    :raises ExportError: the file cannot be written, ``path`` is not a regular file, or (with
        ``create_parents=False``) its folder does not exist
    """
    text = os.fspath(path)
    if text.endswith(("/", os.sep)):
        raise ExportError(f"{text}: names a folder; give a file path, e.g. {text}tarawa-kg.ttl")
    path = Path(path)
    if str(path) in ("", "."):
        raise ExportError("no output file given")
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        raise ExportError(f"{path}: not a regular file (a folder, device or pipe); choose a file path")
    if path.exists():
        mode = path.stat().st_mode & 0o777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    if not create_parents and not path.parent.is_dir():
        raise ExportError(f"{path}: folder {path.parent} does not exist")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write: {exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise ExportError(f"{path}: cannot write: {exc}") from exc
        raise
    return path


def export_graph(graph, fmt: str, path: Path | str) -> Path:
    """Serialise ``graph`` in ``fmt`` and write it atomically to ``path``.

    :returns: the path written
    :raises ExportError: unknown format or unwritable path (nothing is left half-written)
    """
    return write_atomic(path, serialize_graph(graph, fmt))
