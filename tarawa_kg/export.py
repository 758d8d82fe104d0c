"""Deterministic serialisation of the graph, written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import hashlib

from rdflib import BNode, Dataset, Graph, URIRef

from tarawa_kg.errors import ExportError
from tarawa_kg.namespaces import DATASET, bind_prefixes

FORMATS = {
    "turtle": ("turtle", ".ttl", "text/turtle"),
    "nt": ("nt", ".nt", "application/n-triples"),
    "jsonld": ("json-ld", ".jsonld", "application/ld+json"),
    "trig": ("trig", ".trig", "application/trig"),
}
FORMATS["ttl"] = FORMATS["turtle"]
"""Export format name → (rdflib format, file suffix, media type); ``ttl`` is another name for turtle."""


def _bnode_labels(graph: Graph) -> dict[BNode, BNode]:
    """Deterministic labels for the blank nodes of ``graph``, from what they say.

    A blank node's label is a hash of its incoming arcs (subject and predicate) and its outgoing
    arcs (predicate and object, blank objects by their own content, recursively). The curated data
    uses blank nodes only for citations and geometries, which hang off one IRI each, so this is
    exact for them; two blank nodes with identical surroundings get one label, which merges true
    duplicates. (``rdflib.compare.to_canonical_graph`` gives the same guarantee for any graph but
    takes about a minute on this one.)
    """
    cache: dict[BNode, str] = {}

    def content(node: BNode, trail: frozenset) -> str:
        if node in cache:
            return cache[node]
        parts = []
        for p, o in graph.predicate_objects(node):
            if isinstance(o, BNode):
                obj = "[cycle]" if o in trail else "[" + content(o, trail | {node}) + "]"
            else:
                obj = o.n3()
            parts.append(p.n3() + " " + obj)
        text = " ; ".join(sorted(parts))
        if not trail:
            cache[node] = text
        return text

    labels = {}
    for node in {t for triple in graph for t in triple if isinstance(t, BNode)}:
        incoming = sorted(("_" if isinstance(s, BNode) else s.n3()) + " " + p.n3()
                          for s, p in graph.subject_predicates(node))
        digest = hashlib.sha256((" | ".join(incoming) + " || " + content(node, frozenset()))
                                .encode("utf-8")).hexdigest()[:24]
        labels[node] = BNode(f"b{digest}")
    return labels


def canonical_graph(graph: Graph) -> Graph:
    """A copy of ``graph`` with blank nodes relabelled deterministically and triples inserted in
    sorted order, so that every serialiser walks it in the same order on every run."""
    labels = _bnode_labels(graph)
    canon = [tuple(labels.get(t, t) for t in triple) for triple in graph]
    out = Graph()
    bind_prefixes(out)
    for triple in sorted(canon, key=lambda t: tuple(term.n3() for term in t)):
        out.add(triple)
    return out


def serialize_graph(graph: Graph, fmt: str = "turtle", graph_name: URIRef = DATASET) -> bytes:
    """Serialise ``graph`` deterministically: same triples, same bytes.

    :param graph: the graph
    :param fmt: one of :data:`FORMATS` (``turtle``, ``nt``, ``jsonld``, ``trig``)
    :param graph_name: the named graph used by the quad format (TriG)
    :returns: UTF-8 bytes
    :raises ExportError: unknown format
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    canon = canonical_graph(graph)
    rdflib_format = FORMATS[fmt][0]
    if fmt == "nt":
        lines = canon.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    if fmt == "trig":
        ds = Dataset()
        bind_prefixes(ds)
        named = ds.graph(graph_name)
        for triple in canon:
            named.add(triple)
        return ds.serialize(format="trig", encoding="utf-8")
    if fmt == "jsonld":
        import json

        from tarawa_kg.namespaces import PREFIXES
        context = {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}
        document = json.loads(canon.serialize(format="json-ld", context=context, encoding="utf-8"))
        if isinstance(document, dict) and isinstance(document.get("@graph"), list):
            # rdflib emits the nodes in hash order: sort them by @id
            document["@graph"].sort(key=lambda node: json.dumps(node, sort_keys=True, ensure_ascii=False))
        return (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return canon.serialize(format=rdflib_format, encoding="utf-8")


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


def export_graph(graph: Graph, fmt: str, path: Path | str) -> Path:
    """Serialise ``graph`` in ``fmt`` and write it atomically to ``path``.

    :returns: the path written
    :raises ExportError: unknown format or unwritable path (nothing is left half-written)
    """
    return write_atomic(path, serialize_graph(graph, fmt))
