"""``validate --html FILE``: the SHACL validation report as an HTML page, grouped by shape and
severity, each result linking to its focus node's page."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rdflib import BNode, URIRef

from tarawa_kg.errors import ExportError
from tarawa_kg.namespaces import SHAPES
from tarawa_kg.site.data import curie
from tarawa_kg.site.paths import ID_BASE
from tarawa_kg.site.render import render

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def check_html_path(path: Path | str, inputs=()) -> None:
    """Refuse, before any work, an HTML report path that is not ``.html``/``.htm``, whose folder
    is missing, or that is one of the files being validated.

    :raises ExportError: one of these
    """
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ExportError(f"{path}: the HTML report's name must end in .html")
    if not path.parent.is_dir():
        raise ExportError(f"{path}: folder {path.parent} does not exist")
    if path.exists() and any(Path(i).exists() and path.samefile(i) for i in inputs):
        raise ExportError(f"{path}: is one of the files being validated; write the report elsewhere")


def _node(node, graph) -> dict:
    if node is None:
        return {"text": "–", "href": None}
    if isinstance(node, URIRef):
        iri = str(node)
        if iri.startswith(str(SHAPES)):
            return {"text": "tkgsh:" + iri[len(str(SHAPES)):],
                    "href": iri}
        # an entity's IRI dereferences to its page; a citation (ref:) links to what it supports
        return {"text": curie(iri), "href": iri if iri.startswith(ID_BASE) else None}
    if isinstance(node, BNode):
        return {"text": "[blank node]", "href": None}
    return {"text": str(node), "href": None}


def report_page(report, graph) -> bytes:
    """The HTML page of a :class:`~tarawa_kg.validate.ValidationReport` on ``graph``: one section
    per shape (Violations first), the results by severity, focus nodes linked to their IRIs
    (which dereference to their pages)."""
    groups: dict = defaultdict(lambda: defaultdict(list))
    for res in report.results:
        shape = _node(res.source_shape, graph)["text"] if res.source_shape is not None else "(no shape)"
        owners = sorted(_node(s, graph)["text"] for s in graph.subjects(
            URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), res.focus_node)) if graph is not None else []
        groups[shape][res.severity].append({
            "focus": _node(res.focus_node, graph), "owners": owners, "path": _node(res.result_path, graph),
            "value": _node(res.value, graph), "message": res.message})
    shapes = []
    for shape in sorted(groups, key=lambda s: (min(SEVERITY_ORDER.get(k, 3) for k in groups[s]), s)):
        severities = [{"name": sev, "results": sorted(groups[shape][sev], key=lambda r: (r["focus"]["text"], r["path"]["text"], r["value"]["text"]))}
                      for sev in sorted(groups[shape], key=lambda k: SEVERITY_ORDER.get(k, 3))]
        shapes.append({"name": shape, "anchor": shape.split(":")[-1],
                       "href": str(SHAPES) + shape.split(":")[-1] if shape.startswith("tkgsh:") else None,
                       "severities": severities})
    return render("report.html", title="Validation report", root="https://w3id.org/tarawa-kg/",
                  summary=report.summary(), conforms=report.conforms, shapes=shapes)


def write_html_report(report, graph, path: Path | str) -> Path:
    """Write :func:`report_page` to ``path`` atomically."""
    from tarawa_kg.export import write_atomic

    return write_atomic(path, report_page(report, graph), create_parents=False)
