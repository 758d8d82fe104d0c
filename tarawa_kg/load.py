"""The one loader: builds the knowledge graph from the ontology and data files into the embedded
Oxigraph store (:class:`~tarawa_kg.store.KnowledgeGraph`)."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import stat
import warnings
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from tarawa_kg import formats
from tarawa_kg.errors import DataError, DataErrors, DataWarning
from tarawa_kg.namespaces import ID, TKG
from tarawa_kg.progress import Progress, quiet
from tarawa_kg.project import Project
from tarawa_kg.store import KnowledgeGraph, as_knowledge_graph, to_rdflib

_BOM = b"\xef\xbb\xbf"
_DEFAULT = ox.DefaultGraph()
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_CITATION = ox.NamedNode(str(TKG.Citation))
_XSD = "http://www.w3.org/2001/XMLSchema#"
CHECKED_DATATYPES = ("integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time",
                     "gYear", "gYearMonth", "gMonth", "gDay", "gMonthDay", "duration",
                     "yearMonthDuration", "dayTimeDuration")
"""XSD datatypes whose literals are checked on load (Oxigraph's casts): an ill-typed one such as
``"twelve"^^xsd:integer`` or ``"1943-13-45"^^xsd:date`` is an error."""
INTEGER_RANGES = {
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None), "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1), "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1),
    "short": (-2**15, 2**15 - 1), "byte": (-2**7, 2**7 - 1), "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 2**8 - 1),
}
"""The XSD types derived from ``xsd:integer`` and their bounds (XML Schema 1.1 Part 2 § 3.4), also
checked on load: an Oxigraph store keeps their values as plain ``xsd:integer``, so that a
``"-1"^^xsd:nonNegativeInteger`` could no longer be told from a valid number after loading."""
_INTEGER_LEXICAL = re.compile(r"[+-]?[0-9]+")


class _QuietIllTypedLiterals(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal it meets; :func:`read_file` reports them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Failed to convert Literal lexical form" not in str(record.msg)


logging.getLogger("rdflib.term").addFilter(_QuietIllTypedLiterals())


def read_file(path: Path | str, prefixes: dict[str, str] | None = None,
              allow_remote_context: bool = False) -> list[ox.Quad]:
    """Parse one RDF file: its triples (the graph names of TriG and N-Quads dropped).

    The syntax is chosen by the suffix (:data:`tarawa_kg.formats.REGISTRY`); N-Triples is read
    strictly (no Turtle prefixes or abbreviations); a UTF-8 byte-order mark is skipped. Relative
    IRIs are resolved against the file's own ``file:`` IRI. RDF/XML entity declarations are
    refused (no entity expansion); a JSON-LD ``@context`` given as a URL is fetched only when
    ``allow_remote_context`` is set. Literals of the :data:`CHECKED_DATATYPES` must be valid
    for their datatype. Warned about (:class:`~tarawa_kg.errors.DataWarning`): a file without
    triples, relative IRIs resolved against the file's location, triples in named graphs.

    >>> import tempfile, warnings
    >>> bad = Path(tempfile.mkdtemp()) / "bad.ttl"
    >>> _ = bad.write_text('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\\n'
    ...                    '<http://e/a> <http://e/p> "twelve"^^xsd:integer .\\n')
    >>> try:
    ...     read_file(bad)
    ... except DataError as exc:
    ...     print(str(exc).replace(str(bad), "bad.ttl"))
    bad.ttl:2: ill-typed literal "twelve"^^xsd:integer (not a valid xsd:integer)

    :param path: a file with one of the suffixes of :func:`tarawa_kg.formats.suffix_list`
    :param prefixes: if given, filled with the prefixes the file declares (name → namespace)
    :param allow_remote_context: fetch remote JSON-LD contexts (network access)
    :returns: pyoxigraph ``Quad`` objects of the default graph, in the file's order
    :raises DataError: the file is missing, unreadable, of an unknown suffix or not valid in its
        syntax; the message names the file and, for a syntax error, the line where it starts.
        Ill-typed literals raise one :class:`~tarawa_kg.errors.DataErrors` with a line for each
    """
    path = Path(path)
    spec = formats.by_suffix(path)
    if spec is None:
        raise DataError(str(path), f"unknown RDF file suffix {path.suffix or '(none)'!r}: use one of "
                                   f"{formats.suffix_list()}")
    fmt, name = spec.rdf_format, spec.label
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    if fmt == ox.RdfFormat.RDF_XML:
        _refuse_xml_entities(path, data)
    if fmt == ox.RdfFormat.JSON_LD:
        data = _remote_contexts(path, data, allow_remote_context)
    base = path.resolve().as_uri()
    try:
        parser = ox.parse(input=data, format=fmt, base_iri=base)
        quads = list(parser)
        if prefixes is not None:
            prefixes.update(parser.prefixes)
    except SyntaxError as exc:
        why = exc.msg if isinstance(exc.msg, str) else str(exc)
        line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
        raise DataError(str(path), f"{name} syntax error: {_short_reason(why)}", line) from None
    except (ValueError, OSError, RecursionError) as exc:
        raise DataError(str(path), f"not valid {name}: {exc}") from None
    _check_literals(path, data, quads)
    _warn_about(path, quads, base)
    if spec.quads:
        quads = [q if q.graph_name == _DEFAULT else ox.Quad(q.subject, q.predicate, q.object) for q in quads]
    return quads


def _line_of(data: bytes, needle: bytes) -> int | None:
    """1-based line of the first occurrence of ``needle`` in ``data``, or ``None``."""
    at = data.find(needle)
    return data.count(b"\n", 0, at) + 1 if at >= 0 else None


def _refuse_xml_entities(path: Path, data: bytes) -> None:
    """Raise :class:`DataError` when RDF/XML ``data`` declares entities (no entity expansion:
    "billion laughs") or names an external DTD; other XML errors are left to the RDF/XML parser."""
    import defusedxml.ElementTree as safe_xml
    from defusedxml import DefusedXmlException

    try:
        safe_xml.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        name = getattr(exc, "name", None)
        external = getattr(exc, "sysid", None) or getattr(exc, "pubid", None)
        what = (f"the XML entity {name!r}" + (f" ({external})" if external else "")) if name else "an external reference"
        raise DataError(str(path), f"RDF/XML declaring {what} is refused: entity expansion and external "
                                   f"references are off", _line_of(data, b"<!ENTITY")) from None
    except Exception:  # not well-formed: the RDF/XML parser says where
        return


def _remote_contexts(path: Path, data: bytes, allow: bool) -> bytes:
    """JSON-LD ``data`` with every ``@context`` given as a URL replaced by the fetched context
    (only when ``allow``); otherwise a :class:`DataError` naming the URL. JSON nested too deep
    for Python's decoder is refused too (the JSON-LD parser would crash on it)."""
    try:
        document = json.loads(data)
    except ValueError:
        return data  # the JSON-LD parser says where (it fetches nothing in any case)
    except RecursionError:  # Oxigraph's JSON-LD parser would overflow its stack on it
        raise DataError(str(path), "JSON nested deeper than about 1,000 levels is refused") from None
    urls: list[str] = []

    def visit(node, fetched: dict | None):
        if isinstance(node, list):
            return [visit(n, fetched) for n in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "@context":
                value = [value] if not isinstance(value, list) else value
                replaced = []
                for item in value:
                    if isinstance(item, str):
                        urls.append(item)
                        replaced.append(fetched[item] if fetched is not None else item)
                    else:
                        replaced.append(visit(item, fetched))
                out[key] = replaced
            else:
                out[key] = visit(value, fetched)
        return out

    try:
        visit(document, None)
    except RecursionError:
        raise DataError(str(path), "JSON nested deeper than about 1,000 levels is refused") from None
    if not urls:
        return data
    if not allow:
        raise DataError(str(path), f"the JSON-LD @context <{urls[0]}> is a remote document; it is not "
                                   f"fetched unless you allow it (--allow-remote-context), or put the "
                                   f"context in the file", _line_of(data, b'"@context"'))
    fetched = {url: _fetch_context(path, url) for url in dict.fromkeys(urls)}
    return json.dumps(visit(document, fetched)).encode("utf-8")


def _fetch_context(path: Path, url: str):
    """The ``@context`` of the JSON-LD document at ``url`` (10 s limit).

    :raises DataError: it cannot be fetched or is not a JSON-LD context
    """
    import requests

    if not url.startswith(("http://", "https://")):
        raise DataError(str(path), f"the JSON-LD @context <{url}> is not an http(s) URL")
    try:
        response = requests.get(url, headers={"Accept": "application/ld+json, application/json"}, timeout=10)
        response.raise_for_status()
        return response.json()["@context"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise DataError(str(path), f"cannot fetch the JSON-LD @context <{url}>: {exc}") from None


def _check_literals(path: Path, data: bytes, quads: list) -> None:
    """Raise :class:`DataErrors` with one line per ill-typed literal of the :data:`CHECKED_DATATYPES`."""
    checked = {ox.NamedNode(_XSD + name) for name in CHECKED_DATATYPES}
    ranges = {ox.NamedNode(_XSD + name): bounds for name, bounds in INTEGER_RANGES.items()}
    literals = list(dict.fromkeys(q.object for q in quads if isinstance(q.object, ox.Literal)
                                  and (q.object.datatype in checked or q.object.datatype in ranges)))
    if not literals:
        return
    bad = [lit for lit in literals if lit.datatype in ranges and not _in_range(lit.value, *ranges[lit.datatype])]
    store = ox.Store()
    value = ox.NamedNode("urn:tarawa-kg:value")
    store.extend(ox.Quad(ox.NamedNode(f"urn:tarawa-kg:{i}"), value, lit)
                 for i, lit in enumerate(literals) if lit.datatype in checked)
    cast = "?lex"
    for name in CHECKED_DATATYPES:
        cast = f"IF(?dt = xsd:{name}, xsd:{name}(?lex), {cast})"
    bad += [row["o"] for row in store.query(
        f"PREFIX xsd: <{_XSD}> SELECT ?o WHERE {{ ?s <{value.value}> ?o BIND(DATATYPE(?o) AS ?dt) "
        f"BIND(STR(?o) AS ?lex) BIND({cast} AS ?v) FILTER(!BOUND(?v)) }}")]
    if bad:
        errors = []
        found = []
        for lit in bad:
            quoted = _quoted(lit)
            # the literal as Turtle and N-Triples write it, else its text anywhere (JSON-LD, RDF/XML)
            line = _line_of(data, quoted + b"^^") or _line_of(data, quoted) or _line_of(data, lit.value.encode("utf-8"))
            kind = "xsd:" + lit.datatype.value[len(_XSD):]
            found.append((line or 0, DataError(str(path), f'ill-typed literal {quoted.decode("utf-8")}^^{kind} '
                                                          f"(not a valid {kind})", line)))
        raise DataErrors([error for _line, error in sorted(found, key=lambda pair: (pair[0], str(pair[1])))])


def _in_range(lexical: str, low: int | None, high: int | None) -> bool:
    """Whether ``lexical`` is an integer literal within ``low``..``high`` (``None``: unbounded)."""
    if not _INTEGER_LEXICAL.fullmatch(lexical):
        return False
    number = int(lexical)
    return (low is None or number >= low) and (high is None or number <= high)


def _quoted(lit: ox.Literal) -> bytes:
    return json.dumps(lit.value, ensure_ascii=False).encode("utf-8")


def _warn_about(path: Path, quads: list, base: str) -> None:
    """Warn (:class:`DataWarning`) about what a file contributes that may not be meant."""
    if not quads:
        warnings.warn(DataWarning(f"{path}: contains no triples"), stacklevel=3)
        return
    folder = base.rsplit("/", 1)[0] + "/"
    relative = sorted({t.value for q in quads for t in (q.subject, q.predicate, q.object)
                       if isinstance(t, ox.NamedNode) and t.value.startswith(folder)})
    if relative:
        warnings.warn(DataWarning(f"{path}: {len(relative)} relative IRI(s) resolved against the file's own "
                                  f"location {folder} (no @base), e.g. <{relative[0]}>; declare @base or "
                                  f"write full IRIs"), stacklevel=3)
    graphs = sorted({q.graph_name.value for q in quads if q.graph_name != _DEFAULT})
    if graphs:
        count = sum(1 for q in quads if q.graph_name != _DEFAULT)
        warnings.warn(DataWarning(f"{path}: {count} triple(s) in named graph(s) {', '.join(f'<{g}>' for g in graphs)} "
                                  f"are read into the one graph (graph names are dropped)"), stacklevel=3)


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

    :param paths: files, parsed in the order given (suffixes as in :mod:`tarawa_kg.formats`)
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
                 progress: Progress = quiet, max_extra_mb: float | None = MAX_EXTRA_MB,
                 allow_remote_context: bool = False) -> KnowledgeGraph:
    """Build the knowledge graph: the ontology, every ``data/*.ttl`` and any ``extra`` files.

    :param project: the checkout (default: :class:`Project` ())
    :param extra: further RDF files to merge (for example a user's own data to validate)
    :param origins: if given, filled with IRI → the ``extra`` files (as given) where it is a
        subject, to say in which of a user's files a validation result's node is written
    :param progress: told what is being read
    :param max_extra_mb: refuse ``extra`` files larger than this in total (MB), before reading
        anything; ``None`` for no limit
    :param allow_remote_context: fetch the remote JSON-LD contexts ``extra`` files name
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
        part = read_file(path, prefixes, allow_remote_context)
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
            info = Path(path).stat()
        except OSError:
            sizes[str(path)] = 0.0  # read_file names the problem
            continue
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):  # a folder: read_file says so
            raise DataError(str(path), "not a regular file (a device, pipe or socket): its size cannot be "
                                       "checked against --max-size, and it may never end")
        sizes[str(path)] = info.st_size / 1e6
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
