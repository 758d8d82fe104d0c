"""SHACL-SPARQL constraints (``sh:sparql``) evaluated on the embedded Oxigraph store.

pySHACL evaluates a SPARQL constraint once per focus node on rdflib's SPARQL engine, which is the
slow part of validation. Here each constraint runs once for all its focus nodes: a query whose
``WHERE`` group opens with a triple pattern on ``$this`` runs unbound and keeps the solutions of
the focus nodes (the same, since every solution binds ``$this``); any other has the focus nodes
pre-bound through one ``VALUES ?this { … }`` block at the start of its ``WHERE`` group (a blank
focus node, which ``VALUES`` cannot hold, on its own). The results follow the
SHACL 1.0 mapping of solutions to validation results (§ 5.3.2) as pySHACL applies it, and
``tests/test_rules.py`` holds the two against each other on every bad graph, the real data and the
SHACL-SPARQL features below.

Supported: node and property shapes; targets ``sh:targetClass`` (with ``rdfs:subClassOf``),
implicit class targets, ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``,
``sh:SPARQLTarget`` and SPARQL-based target types (SHACL-AF); pre-bound ``$this`` and
``$currentShape`` (of a shape that is an IRI); ``$PATH`` (a property shape's path as a SPARQL property path); ``sh:prefixes``
with ``sh:declare``; ``sh:deactivated`` on shapes and constraints; ``sh:severity``;
``sh:message`` with ``{?var}`` / ``{$var}``; the ``?value``, ``?path`` and ``?failure``
variables. Not supported (refused with a :class:`~tarawa_kg.errors.DataError`): a query that does
not select ``$this``, ASK validators of constraint components and ``$shapesGraph``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from tarawa_kg.errors import DataError
from tarawa_kg.queries import insert_block
from tarawa_kg.store import KnowledgeGraph, from_rdflib, to_rdflib

SH = "http://www.w3.org/ns/shacl#"


def _sh(name: str) -> URIRef:
    return URIRef(SH + name)


_PROJECTS_THIS = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?(\*|[^{]*?[?$]this\b)", re.IGNORECASE)
_BINDS_THIS_FIRST = re.compile(r"\bWHERE\s*\{\s*[?$]this\s", re.IGNORECASE)
_PATH_VAR = re.compile(r"\$PATH\b")
_MESSAGE_VAR = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of one shape, ready to run.

    :param shape: the shape holding ``sh:sparql`` (an IRI, or a blank property shape)
    :param constraint: the constraint node
    :param query: the SELECT query with its ``PREFIX`` lines and ``$PATH`` substituted
    :param messages: the constraint's ``sh:message`` literals (and the shape's own)
    :param severity: ``sh:Violation``, ``sh:Warning`` or ``sh:Info``
    :param path: the property shape's ``sh:path`` (``None`` for a node shape)
    """

    shape: Node
    constraint: Node
    query: str
    messages: tuple[Literal, ...]
    severity: URIRef
    path: Node | None


def _prefix_lines(shapes: Graph, constraint: Node) -> str:
    lines = {}
    for holder in shapes.objects(constraint, _sh("prefixes")):
        for declaration in shapes.objects(holder, _sh("declare")):
            prefix = shapes.value(declaration, _sh("prefix"))
            namespace = shapes.value(declaration, _sh("namespace"))
            if prefix is None or namespace is None:
                raise DataError("shapes", f"sh:declare of {holder} needs one sh:prefix and one sh:namespace")
            lines[str(prefix)] = f"PREFIX {prefix}: <{namespace}>"
    return "".join(line + "\n" for _p, line in sorted(lines.items()))


def sparql_constraints(shapes: Graph) -> list[SparqlConstraint]:
    """Every active ``sh:sparql`` constraint of ``shapes``, sorted by shape and constraint.

    :raises DataError: a constraint has no ``sh:select`` (an ASK-based or JavaScript one), uses
        ``$shapesGraph``, or uses ``$PATH`` in a node shape
    """
    from pyshacl.helper.path_helper import shacl_path_to_sparql_path

    out = []
    for shape, constraint in shapes.subject_objects(_sh("sparql")):
        if _deactivated(shapes, shape) or _deactivated(shapes, constraint):
            continue
        select = shapes.value(constraint, _sh("select"))
        if select is None:
            raise DataError("shapes", f"the SPARQL constraint of {shape} has no sh:select")
        text = str(select)
        if "$shapesGraph" in text:
            raise DataError("shapes", f"the SPARQL constraint of {shape} uses $shapesGraph, which is not supported")
        path = shapes.value(shape, _sh("path"))
        if _PATH_VAR.search(text):
            if path is None:
                raise DataError("shapes", f"the SPARQL constraint of {shape} uses $PATH but the shape has no sh:path")
            text = _PATH_VAR.sub(lambda _m: shacl_path_to_sparql_path(shapes, path), text)
        messages = tuple(m for m in [*shapes.objects(shape, _sh("message")),
                                     *shapes.objects(constraint, _sh("message"))] if isinstance(m, Literal))
        severity = shapes.value(shape, _sh("severity")) or _sh("Violation")
        out.append(SparqlConstraint(shape, constraint, _prefix_lines(shapes, constraint) + text,
                                    messages, severity, path))
    out.sort(key=lambda c: (str(c.shape), str(c.constraint)))
    return out


def _deactivated(shapes: Graph, node: Node) -> bool:
    return any(v.toPython() is True for v in shapes.objects(node, _sh("deactivated")) if isinstance(v, Literal))


# ------------------------------------------------------------------------------------- targets
def focus_nodes(kg: KnowledgeGraph, shapes: Graph, shape: Node) -> set:
    """The focus nodes of ``shape`` in ``kg``, as pyoxigraph terms.

    A property shape without targets of its own takes the focus nodes of the node shapes that
    reach it through ``sh:property``.
    """
    nodes: set = set()
    own = False
    classes = list(shapes.objects(shape, _sh("targetClass")))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in shapes:
        classes.append(shape)
    for cls in classes:
        own = True
        nodes |= _column(kg, f"SELECT DISTINCT ?this WHERE {{ ?this a/<{RDFS.subClassOf}>* {_iri(cls)} }}")
    for node in shapes.objects(shape, _sh("targetNode")):
        own = True
        nodes.add(from_rdflib(node))
    for prop in shapes.objects(shape, _sh("targetSubjectsOf")):
        own = True
        nodes |= _column(kg, f"SELECT DISTINCT ?this WHERE {{ ?this {_iri(prop)} ?o }}")
    for prop in shapes.objects(shape, _sh("targetObjectsOf")):
        own = True
        nodes |= _column(kg, f"SELECT DISTINCT ?this WHERE {{ ?s {_iri(prop)} ?this }}")
    for target in shapes.objects(shape, _sh("target")):
        own = True
        nodes |= _column(kg, _target_query(shapes, target))
    if not own:
        for parent in shapes.subjects(_sh("property"), shape):
            if not _deactivated(shapes, parent):
                nodes |= focus_nodes(kg, shapes, parent)
    return nodes


def _target_query(shapes: Graph, target: Node) -> str:
    """The SELECT of a ``sh:SPARQLTarget`` or of the SPARQL-based target type of ``target``."""
    for holder in [target, *shapes.objects(target, RDF.type)]:
        select = shapes.value(holder, _sh("select"))
        if select is not None:
            return _prefix_lines(shapes, holder) + str(select)
    raise DataError("shapes", f"target {target} is neither a sh:SPARQLTarget nor of a SPARQL-based target type")


def _iri(node) -> str:
    if not isinstance(node, URIRef):
        raise DataError("shapes", f"{node!r} should be an IRI")
    return f"<{node}>"


def _column(kg: KnowledgeGraph, query: str) -> set:
    try:
        return {solution[0] for solution in kg.store.query(query) if solution[0] is not None}
    except SyntaxError as exc:
        raise DataError("shapes", f"SPARQL syntax error in a target: {exc}") from None


# ------------------------------------------------------------------------------------- evaluation
def insert_values(text: str, variables: list[str], rows: Iterable[tuple]) -> str:
    """``text`` with ``VALUES (?v …) { (t …) … }`` placed at the start of its first ``WHERE``
    group; the terms (pyoxigraph) are written in N-Triples syntax.

    :raises ValueError: the query has no ``WHERE {``
    """
    block = ("VALUES (" + " ".join("?" + v for v in variables) + ") {"
             + " ".join("(" + " ".join(str(t) for t in row) + ")" for row in rows) + "}")
    return insert_block(text, block)


def _solutions(kg: KnowledgeGraph, rule: SparqlConstraint, focus: list) -> list[dict]:
    """The solutions of ``rule`` with ``$this`` pre-bound to each focus node: dicts of variable
    name → pyoxigraph term (unbound variables absent).

    A query whose ``WHERE`` group opens with a triple pattern on ``$this`` binds ``$this`` in
    every solution: it runs once unbound, and its solutions for the focus nodes are kept. Other
    queries get IRIs and literals pre-bound all at once through ``VALUES``, and blank nodes (which
    ``VALUES`` cannot hold) one at a time through Oxigraph's substitutions (SPARQL SEP-0007)."""
    query = rule.query
    if "currentShape" in query:
        if not isinstance(rule.shape, URIRef):
            raise DataError("shapes", f"$currentShape in the constraint of a blank shape ({rule.shape})")
        query = insert_values(query, ["currentShape"], [(from_rdflib(rule.shape),)])
    if not _PROJECTS_THIS.search(query):
        raise DataError("shapes", f"the SPARQL constraint of {rule.shape} must select $this")
    if _BINDS_THIS_FIRST.search(query):
        # $this is bound in every solution: the free query, kept to the focus nodes, is the same
        # as pre-binding, and Oxigraph runs it in time linear in the data
        wanted = set(focus)
        return [row for row in _run(kg, rule, query, {}, None) if row.get("this") in wanted]
    batchable = [n for n in focus if not isinstance(n, ox.BlankNode)]
    runs = [(insert_values(query, ["this"], [(n,) for n in batchable]), {}, None)] if batchable else []
    runs += [(query, {ox.Variable("this"): n}, n) for n in focus if isinstance(n, ox.BlankNode)]
    out = []
    for text, substitutions, node in runs:
        out.extend(_run(kg, rule, text, substitutions, node))
    return out


def _run(kg: KnowledgeGraph, rule: SparqlConstraint, query: str, substitutions: dict, node) -> list[dict]:
    """The solutions of one run of ``query``, ``this`` set to ``node`` when it was substituted."""
    try:
        solutions = kg.store.query(query, substitutions=substitutions)
    except SyntaxError as exc:
        raise DataError("shapes", f"SPARQL syntax error in the constraint of {rule.shape}: {exc}") from None
    names = [v.value for v in solutions.variables]
    out = []
    for solution in solutions:
        row = {name: solution[i] for i, name in enumerate(names) if solution[i] is not None}
        if node is not None:
            row["this"] = node
        out.append(row)
    return out


def _message(template: Literal, bound: dict) -> Literal:
    def substitute(match):
        value = bound.get(match.group(1))
        return str(value) if value is not None else match.group(0)

    return Literal(_MESSAGE_VAR.sub(substitute, str(template)), lang=template.language)


def evaluate(kg: KnowledgeGraph, shapes: Graph, report: Graph, report_node: Node) -> int:
    """Evaluate every ``sh:sparql`` constraint of ``shapes`` on ``kg`` and add one
    ``sh:ValidationResult`` per distinct solution to ``report`` (linked from ``report_node`` by
    ``sh:result``), as the SHACL specification maps solutions to results:

    - ``sh:focusNode`` the pre-bound ``$this``; ``sh:value`` ``?value`` if bound, else the focus
      node for a node shape (nothing for a property shape); ``sh:resultPath`` ``?path`` if bound,
      else the property shape's path;
    - ``sh:resultMessage`` each ``sh:message`` with ``{?var}`` replaced by the solution's value;
    - ``sh:sourceShape``, ``sh:sourceConstraint``, ``sh:sourceConstraintComponent``
      (``sh:SPARQLConstraintComponent``) and ``sh:resultSeverity`` (the shape's ``sh:severity``);
    - a solution binding ``?failure`` to true is one result, without the other bindings.

    :returns: the number of results added
    :raises DataError: a constraint cannot be run (see :func:`sparql_constraints`)
    """
    added = 0
    for rule in sparql_constraints(shapes):
        focus = sorted(focus_nodes(kg, shapes, rule.shape), key=str)
        if not focus:
            continue
        seen = set()
        for row in _solutions(kg, rule, focus):
            if "failure" in row:
                row = {"this": row["this"], "failure": row["failure"]}
            key = tuple(sorted((k, str(v)) for k, v in row.items()))
            if key in seen:
                continue
            seen.add(key)
            report.add((report_node, _sh("result"), _add_result(report, rule, row)))
            added += 1
    return added


def _add_result(report: Graph, rule: SparqlConstraint, row: dict) -> BNode:
    bound = {name: to_rdflib(term) for name, term in row.items()}
    result = BNode()
    focus = bound["this"]
    value = bound.get("value", focus if rule.path is None else None)
    path = bound.get("path", rule.path)
    report.add((result, RDF.type, _sh("ValidationResult")))
    report.add((result, _sh("focusNode"), focus))
    if value is not None and "failure" not in bound:
        report.add((result, _sh("value"), value))
    if path is not None and "failure" not in bound:
        report.add((result, _sh("resultPath"), path))
    for message in rule.messages:
        report.add((result, _sh("resultMessage"), _message(message, bound)))
    report.add((result, _sh("resultSeverity"), rule.severity))
    report.add((result, _sh("sourceShape"), rule.shape))
    report.add((result, _sh("sourceConstraint"), rule.constraint))
    report.add((result, _sh("sourceConstraintComponent"), _sh("SPARQLConstraintComponent")))
    return result


def without_sparql_constraints(shapes: Graph) -> Graph:
    """A copy of ``shapes`` for pySHACL's SHACL Core run: without the ``sh:sparql`` constraints
    (evaluated by :func:`evaluate`), and without the targets of shapes that have no other
    constraint (so their focus nodes are not computed twice)."""
    core = Graph()
    for prefix, namespace in shapes.namespaces():
        core.bind(prefix, namespace, override=True)
    sparql_only = {s for s in shapes.subjects(_sh("sparql"))
                   if not any(p != _sh("sparql") and str(p).startswith(SH) and p not in _NON_CONSTRAINTS
                              for p in shapes.predicates(s))}
    for triple in shapes:
        s, p, _o = triple
        if p == _sh("sparql"):
            continue
        if s in sparql_only and p in _TARGETS:
            continue
        core.add(triple)
    return core


_TARGETS = {_sh(n) for n in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")}
_NON_CONSTRAINTS = _TARGETS | {_sh(n) for n in ("severity", "message", "deactivated", "name", "description",
                                                "order", "group")}
