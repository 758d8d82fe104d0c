"""Deterministic serialisation of the graph, written atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import hashlib
import json

import pyoxigraph as ox
from rdflib import URIRef

from tarawa_kg import formats
from tarawa_kg.errors import ExportError
from tarawa_kg.namespaces import DATASET, PREFIXES
from tarawa_kg.store import as_knowledge_graph

FORMATS = {name: (f.rdflib, f.suffix, f.media_type)
           for name, f in [(n, formats.by_name(n)) for n in (*formats.EXPORT_NAMES, "ttl")]}
"""Export format name → (rdflib format, file suffix, media type); ``ttl`` is another name for turtle.
Derived from :data:`tarawa_kg.formats.REGISTRY`."""


def _bnode_labels(triples: list) -> dict:
    """Deterministic labels for the blank nodes of ``triples`` (pyoxigraph terms), from what they say.

    A blank node's label is a hash of its incoming arcs (subject and predicate) and its outgoing
    arcs (predicate and object, blank objects by the digest of their own content, recursively,
    without limit of depth). The curated data
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
    acyclic: dict = {}  # node → digest of its content, for nodes whose content reaches no cycle

    def content(root) -> str:
        """``root``'s outgoing arcs as text, a blank object by the digest of its own content, a
        blank object already on the path as ``[cycle]``; iterative, so any depth of nesting."""
        path: list[dict] = []
        on_path: set = set()

        def push(node) -> None:
            path.append({"node": node, "arcs": outgoing.get(node, ()), "at": 0, "parts": [],
                         "cyclic": False, "pending": None})
            on_path.add(node)

        push(root)
        while True:
            frame = path[-1]
            if frame["at"] < len(frame["arcs"]):
                t = frame["arcs"][frame["at"]]
                frame["at"] += 1
                if not isinstance(t.object, ox.BlankNode):
                    frame["parts"].append(f"{t.predicate} {t.object}")
                elif t.object in on_path:
                    frame["parts"].append(f"{t.predicate} [cycle]")
                    for open_frame in path:
                        open_frame["cyclic"] = True
                elif t.object in acyclic:
                    frame["parts"].append(f"{t.predicate} [{acyclic[t.object]}]")
                else:
                    frame["pending"] = t.predicate
                    push(t.object)
                continue
            path.pop()
            on_path.discard(frame["node"])
            text = " ; ".join(sorted(frame["parts"]))
            if not path:
                return text
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
            if not frame["cyclic"]:
                acyclic[frame["node"]] = digest
            parent = path[-1]
            parent["parts"].append(f"{parent['pending']} [{digest}]")

    labels = {}
    for node in set(outgoing) | set(incoming):
        arcs = sorted(("_" if isinstance(t.subject, ox.BlankNode) else str(t.subject)) + " " + str(t.predicate)
                      for t in incoming.get(node, ()))
        digest = hashlib.sha256((" | ".join(arcs) + " || " + content(node))
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
    fmt = formats.ALIASES.get(fmt, fmt)
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


def check_output(path: Path | str, create_parents: bool = False) -> tuple[Path, int]:
    """Check, before any work, that ``path`` can name an output file (see :func:`write_atomic`).

    :returns: the file to write (a symbolic link followed) and the permissions it will get
    :raises ExportError: ``path`` names a folder, device or pipe, ends in a separator, is a
        symbolic-link loop, or (without ``create_parents``) its folder does not exist
    """
    text = os.fspath(path)
    if text.endswith(("/", os.sep)):
        raise ExportError(f"{text}: names a folder; give a file path, e.g. {text}tarawa-kg.ttl")
    path = Path(path)
    if str(path) in ("", "."):
        raise ExportError("no output file given")
    try:
        if path.is_symlink():
            path = path.resolve(strict=False)
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
    except RuntimeError as exc:  # Python < 3.13: a symbolic-link loop
        raise ExportError(f"{text}: cannot write: {exc}") from None
    except OSError as exc:  # ELOOP, EACCES, ENOTDIR …
        raise ExportError(f"{text}: cannot write: {exc.strerror or exc}") from None
    return path, mode


def write_atomic(path: Path | str, data: bytes, create_parents: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, renamed into place.

    A failure at any point leaves ``path`` as it was (absent, or the previous complete file); the
    temporary files that killed earlier runs left in the folder are removed first. An
    existing file keeps its permissions; a new one gets the usual ones (0666 less the umask). A
    symbolic link is followed; a folder, device or pipe is refused, and so is a path ending in a
    separator (``out/``), which names a folder even when it does not exist yet.

    :param create_parents: create missing parent folders (the build's ``dist/``); when false, a
        missing folder is an error, so that a mistyped output path creates nothing
    :raises ExportError: the file cannot be written, ``path`` is not a regular file, or (with
        ``create_parents=False``) its folder does not exist
    """
    path, mode = check_output(path, create_parents)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_temporaries(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{TEMP_MARK}{os.getpid()}-", suffix=".tmp",
                                   dir=path.parent)
    except OSError as exc:  # EACCES, EROFS, ENOTDIR …
        raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None
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


def output_format(path: Path | str | None, fmt: str | None = None) -> str:
    """The export format for ``path``: ``fmt`` when given, else the one its suffix names
    (:func:`tarawa_kg.formats.for_output`), else Turtle.

    >>> output_format("x.nt"), output_format("x.nt", "turtle"), output_format(None), output_format("x.txt")
    ('nt', 'turtle', 'turtle', 'turtle')
    """
    if fmt:
        return fmt
    found = formats.for_output(path) if path not in (None, "-") else None
    return found.name if found else "turtle"


def export_graph(graph, fmt: str | None, path: Path | str) -> Path:
    """Serialise ``graph`` in ``fmt`` (``None``: by the suffix of ``path``, see :func:`output_format`)
    and write it atomically to ``path``.

    :returns: the path written
    :raises ExportError: unknown format or unwritable path (nothing is left half-written)
    """
    return write_atomic(path, serialize_graph(graph, output_format(path, fmt)))


TEMP_MARK = "tkg"
"""Temporary files are named ``.NAME.tkgPID-RANDOM.tmp``: the process id says whether they are stale."""


def clean_stale_temporaries(folder: Path | str) -> list[Path]:
    """Remove the temporary files and folders that earlier, killed runs left in ``folder``: those
    named by :func:`write_atomic` (and ``build``'s staging folder) whose process is gone.

    :returns: what was removed
    """
    import re
    import shutil

    pattern = re.compile(rf"^\..*\.{TEMP_MARK}(\d+)-[^/]*\.tmp$")
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if not match or _process_alive(int(match.group(1))):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
        except OSError:
            pass
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True
