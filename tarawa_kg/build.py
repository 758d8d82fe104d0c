"""The main job: load, validate, export to ``dist/`` with a dataset description."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tarawa_kg.annotations import serialize_annotations
from tarawa_kg.bestvalues import FILES, serialize_best_values
from tarawa_kg.describe import DATASET_METADATA, describe_dataset, entity_counts
from tarawa_kg import formats
from tarawa_kg.errors import ExportError
from tarawa_kg.export import (TEMP_MARK, canonical_triples, clean_stale_temporaries, serialize_graph,
                              serialize_triples, write_atomic)
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
    ``.trig``, ``void.ttl``, ``article-annotations.jsonld`` (the article's claims as W3C Web
    Annotations, :mod:`tarawa_kg.annotations`) and the best-value triples ``tarawa-kg-best.ttl``
    and ``.trig`` (:mod:`tarawa_kg.bestvalues`). Nothing is written when the graph does not conform, so a good
    earlier build is never replaced by a bad one. The set is replaced as a whole: every file is
    first written into a staging folder inside ``out_dir``, then all are renamed into place with
    Ctrl-C and SIGTERM held back; the staging folder is removed on every exit, and those of
    killed earlier runs on the next build. Whether ``out_dir`` is writable is checked first.

    :param progress: told which step runs (reading, validating, writing)
    :raises DataError: a file cannot be parsed
    :raises ExportError: ``out_dir`` or an output cannot be written (checked before loading)
    """
    start = time.perf_counter()
    project = project or Project()
    out = Path(out_dir) if out_dir else project.dist_dir
    staging = _staging_folder(out)  # before the long work: an unwritable folder fails at once
    try:
        graph, report = validate_project(project, progress=progress)
        result = BuildResult(triples=len(graph), entities=entity_counts(graph), report=report,
                             lines=[r.line(graph) for r in report.results])
        if report.conforms:
            progress(f"writing {', '.join(BUILD_FORMATS)}, void.ttl, the article annotations and the best values to {out}")
            payloads = {}
            triples = canonical_triples(graph)
            for fmt in BUILD_FORMATS:
                spec = formats.by_name(fmt)
                payloads[BASENAME + spec.suffix] = (spec.media_type, serialize_triples(triples, fmt))
            sizes = {name: (media, len(data)) for name, (media, data) in payloads.items()}
            description = describe_dataset(graph, sizes, project.root / DATASET_METADATA)
            payloads["void.ttl"] = ("text/turtle", serialize_graph(description))
            payloads["article-annotations.jsonld"] = ("application/ld+json", serialize_annotations(graph))
            for name, data in serialize_best_values(graph, project).items():
                payloads[name] = (formats.by_name(FILES[name]).media_type, data)
            for name, (_media, data) in payloads.items():
                write_atomic(staging / name, data, create_parents=False)
            result.files = _swap_in(staging, out, list(payloads))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - start
    return result


def _staging_folder(out: Path) -> Path:
    """A new folder inside ``out`` (created if missing) to write the outputs in; stale ones of
    killed runs are removed first.

    :raises ExportError: ``out`` cannot be created or written
    """
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out}: not a folder; give --out a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        clean_stale_temporaries(out)
        return Path(tempfile.mkdtemp(prefix=f".{BASENAME}-build.{TEMP_MARK}{os.getpid()}-", suffix=".tmp", dir=out))
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the build there: {exc.strerror or exc}") from None


def _swap_in(staging: Path, out: Path, names: list[str]) -> list[Path]:
    """Move the complete set of outputs from ``staging`` into ``out``, with Ctrl-C and SIGTERM held
    back until the last one is in place (then acted on as usual), so that ``out`` never mixes two
    builds.

    :raises ExportError: a rename failed (the files already moved are put back as they were)
    """
    with _signals_held():
        moved: list[tuple[Path, Path | None]] = []
        try:
            for name in names:
                target = out / name
                backup = None
                if target.exists():
                    backup = staging / f"{name}.previous"
                    try:
                        os.link(target, backup)
                    except OSError:  # no hard links on this file system
                        shutil.copy2(target, backup)
                os.replace(staging / name, target)
                moved.append((target, backup))
        except OSError as exc:
            for target, backup in reversed(moved):
                try:
                    if backup:
                        os.replace(backup, target)
                    else:
                        target.unlink()
                except OSError:
                    pass
            raise ExportError(f"{out}: cannot write the build there: {exc.strerror or exc}; "
                              f"the previous files are kept") from None
    return [target for target, _backup in moved]


@contextlib.contextmanager
def _signals_held():
    """Within the block, SIGINT and SIGTERM are only noted; on leaving it, the first one noted is
    handed to the handler that was in place (Ctrl-C then raises ``KeyboardInterrupt``). Python
    handlers, not a signal mask: a signal may be delivered to any thread of the process. Outside
    the main thread, signals are not held."""
    noted: list[int] = []
    previous = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda number, _frame: noted.append(number))
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if noted:
            handler = previous.get(noted[0])
            if callable(handler):
                handler(noted[0], None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(noted[0])
