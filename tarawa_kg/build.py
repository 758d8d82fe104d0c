"""The main job: load, validate, export to ``dist/`` with a dataset description."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from tarawa_kg.bestvalues import write_best_values
from tarawa_kg.describe import describe_dataset, entity_counts
from tarawa_kg.export import FORMATS, canonical_triples, serialize_graph, serialize_triples, write_atomic
from tarawa_kg.progress import Progress, quiet
from tarawa_kg.project import Project
from tarawa_kg.validate import ValidationReport, validate_project

BASENAME = "tarawa-kg"
BUILD_FORMATS = ("turtle", "nt", "jsonld", "trig")


@dataclass
class BuildResult:
    """What ``build`` did.

    :param triples: triples in the graph (ontology + data)
    :param entities: instances per ``tkg:`` class (local name → count)
    :param report: the SHACL validation report
    :param lines: one line per validation result, as ``tarawa-kg validate`` prints it (CURIEs, the
        entity a citation supports)
    :param files: files written (empty when the graph does not conform)
    :param seconds: wall-clock time of the whole build
    """

    triples: int
    entities: dict[str, int]
    report: ValidationReport
    lines: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def build(project: Project | None = None, out_dir: Path | str | None = None,
          progress: Progress = quiet) -> BuildResult:
    """Load the ontology and data, validate them, and write the exports and the VoID description.

    Outputs (in ``out_dir``, default ``dist/``): ``tarawa-kg.ttl``, ``.nt``, ``.jsonld``,
    ``.trig``, ``void.ttl``, and the best-value triples ``tarawa-kg-best.ttl`` and ``.trig``
    (:mod:`tarawa_kg.bestvalues`). Nothing is written when the graph does not conform, so a good
    earlier build is never replaced by a bad one; each file is written atomically.

    :param progress: told which step runs (reading, validating, writing)
    :raises DataError: a file cannot be parsed
    :raises ExportError: an output cannot be written
    """
    start = time.perf_counter()
    project = project or Project()
    out = Path(out_dir) if out_dir else project.dist_dir
    graph, report = validate_project(project, progress=progress)
    result = BuildResult(triples=len(graph), entities=entity_counts(graph), report=report,
                         lines=[r.line(graph) for r in report.results])
    if report.conforms:
        progress(f"writing {', '.join(BUILD_FORMATS)} and void.ttl to {out}")
        payloads = {}
        triples = canonical_triples(graph)
        for fmt in BUILD_FORMATS:
            _rdflib_fmt, suffix, media_type = FORMATS[fmt]
            payloads[BASENAME + suffix] = (media_type, serialize_triples(triples, fmt))
        sizes = {name: (media, len(data)) for name, (media, data) in payloads.items()}
        payloads["void.ttl"] = ("text/turtle", serialize_graph(describe_dataset(graph, sizes)))
        result.files = [write_atomic(out / name, data) for name, (_m, data) in payloads.items()]
        result.files += write_best_values(graph, out, project)
    result.seconds = time.perf_counter() - start
    return result
