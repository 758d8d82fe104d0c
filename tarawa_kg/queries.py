"""Saved SPARQL queries: discovery, documentation, safe parameter binding, local execution.

A saved query is ``queries/<name>.rq``. It starts with a comment block::

    # title: Ships sunk or damaged
    # description: One row per ship hit during the operation, with the event, date and source.
    # param: side  IRI  optional  — restrict to one belligerent

Parameters are bound as RDF terms through an inline ``VALUES`` block placed at the start of the
query's ``WHERE`` group, so the embedded Oxigraph store and a remote SPARQL 1.1 endpoint see the
same query (:func:`bind_query`). Values are serialised as SPARQL terms and the bound query is parsed again to check that
each parameter still binds exactly the term given: a value can never change the query's structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Mapping

from rdflib import Literal, URIRef, Variable
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.plugins.sparql.parserutils import CompValue

from tarawa_kg.errors import ParameterError, QueryNotFound
from tarawa_kg.namespaces import PREFIXES
from tarawa_kg.project import Project
from tarawa_kg.store import from_rdflib

PARAM_KINDS = ("IRI", "string", "integer", "date", "language")
_HEADER = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(IRI|string|integer|date|language)\s+(required|optional)"
                    r"(?:\s+class=(\S+))?\s*(?:[—-]+\s*(.*))?$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass(frozen=True)
class QueryParam:
    """A declared parameter: name (the SPARQL variable without ``?``), kind, required, doc.

    ``rdf_class`` (IRI parameters only, ``class=tkg:Event`` in the header) is the class the value
    must be an instance of (directly or through ``rdfs:subClassOf``); checked by :func:`run_query`.
    """

    name: str
    kind: str
    required: bool
    doc: str = ""
    rdf_class: URIRef | None = None


@dataclass(frozen=True)
class SavedQuery:
    """A query file with its header.

    :param name: file name without ``.rq`` (``ships-hit``)
    :param title: one line
    :param description: what one row is
    :param params: declared parameters
    :param text: the SPARQL text
    :param path: the file
    """

    name: str
    title: str
    description: str
    params: tuple[QueryParam, ...]
    text: str
    path: Path

    @classmethod
    def from_file(cls, path: Path) -> "SavedQuery":
        """Read a ``.rq`` file and its header block.

        :raises ParameterError: a ``# param:`` line is malformed
        """
        text = path.read_text(encoding="utf-8")
        fields: dict[str, list[str]] = {"title": [], "description": [], "param": []}
        for line in text.splitlines():
            if not line.startswith("#"):
                if line.strip():
                    break
                continue
            match = _HEADER.match(line)
            if match:
                fields[match.group(1)].append(match.group(2).strip())
            elif fields["description"] and line.startswith("#  "):
                fields["description"][-1] += " " + line[1:].strip()
        params = []
        for spec in fields["param"]:
            match = _PARAM.match(spec)
            if not match:
                raise ParameterError(f"{path}: malformed '# param:' line: {spec!r}")
            rdf_class = None
            if match.group(4):
                if match.group(2) != "IRI":
                    raise ParameterError(f"{path}: 'class=' needs an IRI parameter and a known prefix: {spec!r}")
                rdf_class = parse_param_value(QueryParam("class", "IRI", True), match.group(4))
            params.append(QueryParam(match.group(1), match.group(2), match.group(3) == "required",
                                     (match.group(5) or "").strip(), rdf_class))
        return cls(name=path.stem, title=(fields["title"] or [path.stem])[0],
                   description=" ".join(fields["description"]), params=tuple(params),
                   text=text, path=path)

    def param(self, name: str) -> QueryParam:
        """The declared parameter ``name``.

        :raises ParameterError: the query has no such parameter
        """
        for p in self.params:
            if p.name == name:
                return p
        declared = ", ".join(p.name for p in self.params) or "none"
        raise ParameterError(f"query {self.name!r} has no parameter {name!r} (declared: {declared})")


def list_queries(project: Project | None = None, folder: Path | None = None) -> list[SavedQuery]:
    """Every saved query of ``queries/`` (not its sub-folders), sorted by name."""
    folder = folder or (project or Project()).queries_dir
    return [SavedQuery.from_file(p) for p in sorted(folder.glob("*.rq"), key=lambda p: p.stem)]


def get_query(name: str, project: Project | None = None, folder: Path | None = None) -> SavedQuery:
    """The saved query ``name``.

    :raises QueryNotFound: there is no ``queries/<name>.rq``
    """
    folder = folder or (project or Project()).queries_dir
    path = folder / f"{name}.rq"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name) or not path.is_file():
        raise QueryNotFound(name, [q.name for q in list_queries(folder=folder)])
    return SavedQuery.from_file(path)


# ------------------------------------------------------------------------- parameter values
def parse_param_value(param: QueryParam, raw: str):
    """Turn a command-line value into an RDF term of the parameter's kind.

    IRIs may be given in full (``https://…`` or ``<https://…>``) or as a CURIE with one of the
    project's prefixes (``place:betio``).

    :returns: an rdflib ``URIRef`` or ``Literal``
    :raises ParameterError: the value is not valid for the kind
    """
    if param.kind == "IRI":
        value = raw.strip()
        if value.startswith("<") and value.endswith(">"):
            value = value[1:-1]
        elif ":" in value and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value):
            prefix, local = value.split(":", 1)
            if prefix not in PREFIXES:
                raise ParameterError(f"parameter {param.name}: unknown prefix {prefix!r} in {raw!r}")
            value = str(PREFIXES[prefix]) + local
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) or _IRI_FORBIDDEN.search(value):
            raise ParameterError(f"parameter {param.name}: {raw!r} is not a valid IRI")
        return URIRef(value)
    if param.kind == "integer":
        try:
            return Literal(int(raw.strip()))
        except ValueError:
            raise ParameterError(f"parameter {param.name}: {raw!r} is not an integer") from None
    if param.kind == "date":
        try:
            date.fromisoformat(raw.strip())
        except ValueError:
            raise ParameterError(f"parameter {param.name}: {raw!r} is not a date (YYYY-MM-DD)") from None
        return Literal(raw.strip(), datatype=XSD.date)
    if param.kind == "language":
        return Literal(language_tag(param.name, raw))
    return Literal(raw)


def language_tag(name: str, raw: str) -> str:
    """A well-formed BCP 47 language tag (RFC 5646, checked by Oxigraph), in lower case as
    ``lang()`` returns it.

    >>> language_tag("lang", "EN"), language_tag("lang", "fr-CA")
    ('en', 'fr-ca')
    >>> language_tag("lang", "f r")
    Traceback (most recent call last):
    ...
    tarawa_kg.errors.ParameterError: parameter lang: 'f r' is not a BCP 47 language tag (e.g. en, fr, en-GB)

    :raises ParameterError: not a well-formed tag
    """
    import pyoxigraph as ox

    try:
        return ox.Literal("", language=raw.strip()).language.lower()
    except ValueError:
        raise ParameterError(f"parameter {name}: {raw!r} is not a BCP 47 language tag "
                             f"(e.g. en, fr, en-GB)") from None


def escape_string(lexical: str) -> str:
    """Escape a lexical form for a double-quoted N-Triples / SPARQL string."""
    return (lexical.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


def sparql_term(term) -> str:
    """SPARQL syntax for an IRI or literal, safe against ``\\u`` escape pre-processing.

    Backslashes are written ``\\u005C\\u005C`` so that an engine that expands ``\\u`` escapes
    before parsing (as the SPARQL grammar prescribes) reads an escaped backslash, and one that does
    not rejects the query instead of reading another value.
    """
    if isinstance(term, URIRef):
        if _IRI_FORBIDDEN.search(str(term)):
            raise ParameterError(f"{str(term)!r} is not a valid IRI")
        return f"<{term}>"
    if isinstance(term, Literal):
        escaped = escape_string(str(term)).replace("\\\\", "\\u005C\\u005C")
        out = f'"{escaped}"'
        if term.language:
            out += f"@{term.language}"
        elif term.datatype and term.datatype != XSD.string:
            out += f"^^{sparql_term(URIRef(term.datatype))}"
        return out
    raise ParameterError(f"cannot bind {term!r}: only IRIs and literals")


def _values_bindings(algebra) -> dict[Variable, set]:
    found: dict[Variable, set] = {}

    def walk(node):
        if isinstance(node, CompValue):
            if node.name == "values":
                for row in node.get("res") or []:
                    for var, val in row.items():
                        found.setdefault(var, set()).add(val)
            for child in node.values():
                walk(child)
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)

    walk(algebra)
    return found


def param_terms(query: SavedQuery, params: Mapping[str, str | object] | None = None) -> dict:
    """The parameters as RDF terms: name → term (strings parsed per the parameter's kind).

    :raises ParameterError: unknown or missing parameter, or an invalid value
    """
    terms = {}
    for name, raw in (params or {}).items():
        spec = query.param(name)
        if isinstance(raw, (URIRef, Literal)):
            if (spec.kind == "IRI") != isinstance(raw, URIRef):
                raise ParameterError(f"parameter {name}: {raw!r} is not of kind {spec.kind}")
            sparql_term(raw)  # an IRI with characters no IRI may hold is refused here
            terms[name] = parse_param_value(spec, str(raw)) if spec.kind == "language" else raw
        else:
            terms[name] = parse_param_value(spec, str(raw))
    missing = [p.name for p in query.params if p.required and p.name not in terms]
    if missing:
        raise ParameterError(f"query {query.name!r} needs parameter(s): {', '.join(missing)}")
    return terms


def bind_query(query: SavedQuery, params: Mapping[str, str | object] | None = None,
               local: bool = False) -> str:
    """The query text with parameters bound.

    :param query: a saved query
    :param params: name → value; a value is a string (parsed per the parameter's kind) or an
        rdflib term. Missing optional parameters are left unbound.
    :param local: for the embedded Oxigraph store, which reads ``\\u`` escapes only inside
        strings (values written in N-Triples form); otherwise for any SPARQL 1.1 endpoint
        (backslashes written so that an engine that expands ``\\u`` escapes first reads the same)
    :returns: SPARQL text with one ``VALUES`` block at the start of the ``WHERE`` group
    :raises ParameterError: unknown or missing parameter, invalid value, or a value that would not
        bind as given
    """
    terms = param_terms(query, params)
    if not terms:
        return query.text
    names = sorted(terms)
    write = (lambda t: str(from_rdflib(t))) if local else sparql_term
    block = ("VALUES (" + " ".join(f"?{n}" for n in names) + ") { ("
             + " ".join(write(terms[n]) for n in names) + ") }")
    try:
        text = insert_block(query.text, block)
    except ValueError:
        raise ParameterError(f"query {query.name!r} has no WHERE {{ … }} to bind parameters in") from None
    if local:
        _check_block(block, names, terms)
        return text
    from rdflib.plugins.sparql import prepareQuery

    try:
        bound = _values_bindings(prepareQuery(text).algebra)
    except Exception as exc:
        raise ParameterError(f"parameter value breaks query {query.name!r}: {exc}") from None
    for name in names:
        if bound.get(Variable(name)) != {terms[name]}:
            raise ParameterError(f"parameter {name}: value {str(terms[name])!r} cannot be bound safely")
    return text


def insert_block(text: str, block: str) -> str:
    """``text`` with ``block`` placed at the start of its first ``WHERE`` group (a ``WHERE`` in a
    comment line is skipped).

    >>> insert_block("SELECT * WHERE { ?s ?p ?o }", "VALUES ?s { <http://e/a> }").splitlines()
    ['SELECT * WHERE {', '  VALUES ?s { <http://e/a> }', ' ?s ?p ?o }']

    :raises ValueError: the query has no ``WHERE {``
    """
    for candidate in _WHERE.finditer(text):
        line_start = text.rfind("\n", 0, candidate.start()) + 1
        if not text[line_start:candidate.start()].lstrip().startswith("#"):
            return text[:candidate.end()] + "\n  " + block + "\n" + text[candidate.end():]
    raise ValueError("the query has no WHERE { … }")


def _check_block(block: str, names: list[str], terms: dict) -> None:
    """Check with Oxigraph's own parser that ``block`` alone binds exactly ``terms``: a complete
    ``VALUES`` clause of one row, so that placed in a query it cannot change its structure."""
    import pyoxigraph as ox

    try:
        rows = [[solution[n] for n in names] for solution in ox.Store().query(f"SELECT * WHERE {{ {block} }}")]
    except SyntaxError:
        rows = []
    if rows != [[from_rdflib(terms[n]) for n in names]]:
        raise ParameterError(f"parameter value(s) {', '.join(names)} cannot be bound safely")


# ------------------------------------------------------------------------- results
@dataclass
class QueryResult:
    """Rows of a SELECT query.

    :param variables: the projected variable names, in order
    :param rows: one tuple per row, one rdflib term (or ``None`` when unbound) per variable
    """

    variables: list[str]
    rows: list[tuple] = field(default_factory=list)

    def as_dicts(self) -> list[dict[str, object]]:
        """Rows as ``{variable: term}`` dicts, unbound variables left out."""
        return [{v: t for v, t in zip(self.variables, row) if t is not None} for row in self.rows]

    def column(self, name: str) -> list:
        """The values of one column, as Python values (``int``, ``str``, ``date``…; IRIs as ``str``)."""
        i = self.variables.index(name)
        return [to_python(row[i]) for row in self.rows]


def to_python(term):
    """An rdflib term as a plain Python value (``None`` for unbound, IRIs as ``str``)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return value if not isinstance(value, Literal) else str(value)
    return str(term)


def _check_class(kg, spec: QueryParam, term: URIRef, raw) -> None:
    """Raise :class:`ParameterError` unless ``term`` is an instance of ``spec.rdf_class`` in ``kg``
    (directly or through ``rdfs:subClassOf``)."""
    if kg.ask(f"ASK {{ {sparql_term(term)} a/<{RDFS.subClassOf}>* {sparql_term(spec.rdf_class)} }}"):
        return
    _names, rows = kg.select(f"SELECT DISTINCT ?c WHERE {{ {sparql_term(term)} a ?c }} ORDER BY ?c")
    classes = [row[0] for row in rows]
    qname = kg.graph.namespace_manager.normalizeUri
    found = "a " + ", ".join(qname(c) for c in classes) if classes else "of no class"
    raise ParameterError(f"parameter {spec.name}: {raw} is {found}, not a {qname(spec.rdf_class)}")


def run_query(graph, query: SavedQuery | str, params: Mapping[str, object] | None = None,
              project: Project | None = None) -> QueryResult:
    """Run a saved query on the local graph, on the embedded Oxigraph store.

    Parameters are bound as RDF terms in a ``VALUES`` block checked by Oxigraph's parser
    (:func:`bind_query` with ``local=True``).

    :param graph: the knowledge graph (from :func:`tarawa_kg.load_project`), or an rdflib
        ``Graph`` (copied into a store first)
    :param query: a :class:`SavedQuery` or its name
    :param params: parameter values (see :func:`bind_query`)
    :returns: a :class:`QueryResult`
    :raises QueryNotFound: unknown query name
    :raises ParameterError: bad parameters, an IRI parameter naming nothing in ``graph`` (a
        misspelt entity would otherwise give an empty result), or one naming a thing of the wrong
        class (``event=side:japan``)
    """
    from tarawa_kg.store import as_knowledge_graph

    kg = as_knowledge_graph(graph)
    if isinstance(query, str):
        query = get_query(query, project)
    terms = param_terms(query, params)
    for name, term in terms.items():
        spec = query.param(name)
        if spec.kind != "IRI":
            continue
        iri = sparql_term(term)  # checked by param_terms: no character that could leave the <…>
        if not kg.ask(f"ASK {{ {{ {iri} ?p ?o }} UNION {{ ?s ?p {iri} }} }}"):
            raise ParameterError(f"parameter {name}: {params[name]} is not in the graph (misspelt?)")
        if spec.rdf_class:
            _check_class(kg, spec, term, params[name])
    variables, rows = kg.select(bind_query(query, terms, local=True))
    return QueryResult(variables, rows)
