"""SHACL validation of the graph with pySHACL, and a readable report of the results."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF
from rdflib.term import Node

from tarawa_kg.errors import DataError
from tarawa_kg.formats import REGISTRY, REPORT_FORMATS
from tarawa_kg.namespaces import SHAPES
from tarawa_kg.progress import Progress, quiet
from tarawa_kg.store import as_knowledge_graph

SH = Namespace("http://www.w3.org/ns/shacl#")
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result.

    :param focus_node: the node that failed (IRI or blank node)
    :param result_path: the property path checked, or ``None`` for node-level and SPARQL rules
    :param value: the offending value, when the shape reports one
    :param message: the shape's message (English)
    :param severity: ``"Violation"``, ``"Warning"`` or ``"Info"``
    :param source_shape: the shape that produced the result
    """

    focus_node: Node
    result_path: Node | None
    value: Node | None
    message: str
    severity: str
    source_shape: Node | None

    def line(self, graph: Graph | None = None) -> str:
        """One line for a terminal: severity, focus node, path, message, shape (CURIEs where known)."""
        def show(node):
            if node is None:
                return "-"
            if isinstance(node, URIRef) and node.startswith(str(SHAPES)):
                return "tkgsh:" + node[len(str(SHAPES)):]
            if graph is not None and isinstance(node, URIRef):
                try:
                    return graph.namespace_manager.normalizeUri(node)
                except Exception:  # pragma: no cover - rdflib refuses some IRIs
                    return node.n3()
            return node.n3() if hasattr(node, "n3") else str(node)

        focus = show(self.focus_node)
        if graph is not None and self.focus_node is not None:
            # a citation (ref:…): say which entity or statement it supports
            owners = sorted(show(s) for s in graph.subjects(PROV.wasDerivedFrom, self.focus_node))
            if owners:
                focus += f" (citation of {', '.join(owners)})"
        return (f"{self.severity}: {focus} path={show(self.result_path)}"
                f" value={show(self.value)} shape={show(self.source_shape)}: {self.message}")


@dataclass
class ValidationReport:
    """The outcome of validating a graph.

    :param conforms: ``True`` when there is no result of severity Violation (warnings allowed)
    :param results: every result, violations first, then sorted by focus node and message
    :param graph: the W3C SHACL validation report (``sh:ValidationReport``) as an rdflib graph
    """

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    graph: Graph | None = None

    @property
    def violations(self) -> list[ValidationResult]:
        """Results of severity Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        """Results of severity Warning."""
        return [r for r in self.results if r.severity == "Warning"]

    def summary(self) -> str:
        """``"conforms: 0 violations, 3 warnings"`` or ``"does not conform: ..."``."""
        state = "conforms" if self.conforms else "does not conform"
        return f"{state}: {len(self.violations)} violations, {len(self.warnings)} warnings"


def _shape_name(shapes: Graph, shape: Node | None) -> Node | None:
    """The named node shape a (blank) property shape belongs to, for readable reports."""
    if shape is None or not isinstance(shape, BNode):
        return shape
    for owner in shapes.subjects(SH.property, shape):
        return owner
    for owner in shapes.subjects(SH.sparql, shape):
        return owner
    return shape


def _results(report_graph: Graph, shapes: Graph) -> list[ValidationResult]:
    out = []
    for res in report_graph.subjects(RDF.type, SH.ValidationResult):
        severity = report_graph.value(res, SH.resultSeverity)
        severity_name = str(severity).rsplit("#", 1)[-1] if severity else "Violation"
        messages = sorted(str(m) for m in report_graph.objects(res, SH.resultMessage))
        out.append(ValidationResult(
            focus_node=report_graph.value(res, SH.focusNode),
            result_path=report_graph.value(res, SH.resultPath),
            value=report_graph.value(res, SH.value),
            message="; ".join(messages) or "(no message)",
            severity=severity_name,
            source_shape=_shape_name(shapes, report_graph.value(res, SH.sourceShape)),
        ))
    out.sort(key=lambda r: (_SEVERITY_ORDER.get(r.severity, 3), str(r.focus_node), r.message,
                            str(r.result_path), str(r.value)))
    return out


def validate_graph(data, shapes: Graph, progress: Progress = quiet) -> ValidationReport:
    """Validate ``data`` against ``shapes``: SHACL Core by pySHACL, SHACL-SPARQL constraints on the
    embedded Oxigraph store (:mod:`tarawa_kg.rules`), in one W3C SHACL validation report.

    The data graph is expected to contain the ontology already (class hierarchy for
    ``sh:targetClass``); no inference is run.

    :param data: the knowledge graph (a :class:`~tarawa_kg.store.KnowledgeGraph`, or an rdflib
        ``Graph``, copied into a store first)
    :param shapes: the shapes graph
    :param progress: told which step runs
    :returns: a :class:`ValidationReport` (its ``graph`` is the report graph); ``conforms``
        ignores warnings and infos
    :raises DataError: the shapes graph is not valid SHACL, or a SPARQL constraint cannot be run
    """
    from pyshacl import validate  # heavy import, only when validating

    from tarawa_kg.rules import evaluate, without_sparql_constraints

    kg = as_knowledge_graph(data)
    progress(f"validating {len(kg):,} triples: SHACL Core (pySHACL)")
    _conforms, report_graph, text = validate(
        kg.graph, shacl_graph=without_sparql_constraints(shapes), inference="none", advanced=True,
        abort_on_first=False, allow_warnings=True, inplace=True,
    )
    if not isinstance(report_graph, Graph):  # pySHACL reports a broken shapes graph this way
        raise DataError("shapes", f"the SHACL shapes cannot be used: {text}")
    report_node = report_graph.value(None, RDF.type, SH.ValidationReport)
    progress("validating: SHACL-SPARQL constraints (Oxigraph)")
    evaluate(kg, shapes, report_graph, report_node)
    results = _results(report_graph, shapes)
    conforms = not any(r.severity == "Violation" for r in results)
    report_graph.set((report_node, SH.conforms, Literal(conforms)))
    return ValidationReport(conforms=conforms, results=results, graph=report_graph)


def validate_project(project=None, extra=(), origins: dict | None = None, progress: Progress = quiet,
                     **load_options):
    """Load the checkout (and any ``extra`` files) with :func:`~tarawa_kg.load.load_project` and
    validate it against its own shapes: the first step of ``build``, ``validate``, ``serve`` and
    ``publish``.

    :param load_options: passed on to :func:`~tarawa_kg.load.load_project` (``max_extra_mb``)
    :returns: ``(graph, report)``: the :class:`~tarawa_kg.store.KnowledgeGraph` and its
        :class:`ValidationReport`
    :raises DataError: a file cannot be read or parsed, or the shapes cannot be used
    """
    from tarawa_kg.load import load_project, load_shapes
    from tarawa_kg.project import Project

    project = project or Project()
    graph = load_project(project, extra=extra, origins=origins, progress=progress, **load_options)
    return graph, validate_graph(graph, load_shapes(project), progress)


REPORT_SYNTAXES = {suffix: f.rdflib for f in REGISTRY if f.name in REPORT_FORMATS for suffix in f.suffixes}
"""Suffixes of ``validate --report`` files → rdflib serialisation (from :mod:`tarawa_kg.formats`)."""


def write_report(report: ValidationReport | None, path: Path | str, check_only: bool = False,
                 inputs: list | None = None) -> None:
    """Write the report graph (``sh:ValidationReport``) to ``path``, atomically, in Turtle or
    JSON-LD by the suffix (:data:`REPORT_SYNTAXES`).

    :param check_only: only check the suffix and the folder (before any work is done)
    :param inputs: files the report must not replace (the data and shapes read, the user's files)
    :raises ExportError: unknown suffix, missing folder, ``path`` is one of ``inputs``, or the
        file cannot be written
    """
    from tarawa_kg.errors import ExportError
    from tarawa_kg.export import write_atomic

    path = Path(path)
    syntax = REPORT_SYNTAXES.get(path.suffix.lower())
    if syntax is None:
        raise ExportError(f"{path}: the report is written as Turtle or JSON-LD: use one of "
                          f"{', '.join(REPORT_SYNTAXES)}")
    if not path.parent.is_dir():
        raise ExportError(f"{path}: folder {path.parent} does not exist")
    if path.exists() and any(Path(i).exists() and path.samefile(i) for i in inputs or ()):
        raise ExportError(f"{path}: is one of the files being validated; write the report elsewhere")
    if check_only or report is None or report.graph is None:
        return
    graph = report.graph
    graph.bind("sh", SH)
    graph.bind("tkgsh", SHAPES)
    write_atomic(path, graph.serialize(format=syntax, encoding="utf-8"), create_parents=False)
