"""``tarawa-kg wikidata``: check the Wikidata links, reconcile, export QuickStatements.

A thin layer over :mod:`tarawa_kg.wikidata`. Exit codes: 0 success, 1 ``check`` found
disagreements, 2 errors (unreachable endpoint, bad ``--accept``, unreadable data: one line, no
traceback).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click
from rdflib import URIRef

from tarawa_kg.cli_common import ROOT_OPTION, handle_errors
from tarawa_kg.project import Project
from tarawa_kg.wikidata_client import WIKIDATA_ENDPOINT

CACHE_DIR_OPTION = click.option(
    "--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    envvar="TARAWA_KG_CACHE", show_envvar=True,
    help="Folder of the query cache (default: ~/.cache/tarawa-kg/wikidata).")
NO_CACHE_OPTION = click.option("--no-cache", is_flag=True,
                               help="Neither read nor write the query cache.")
TIMEOUT_OPTION = click.option("--timeout", type=click.FloatRange(0.1, 3600), default=60.0, show_default=True,
                              help="Seconds to wait for one answer.")
QUIET_OPTION = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")


def _client(endpoint, cache_dir, no_cache, timeout, quiet):
    from tarawa_kg.wikidata_client import WikidataClient

    return WikidataClient(endpoint, cache_dir=cache_dir, use_cache=not no_cache, timeout=timeout,
                          progress=False if quiet else None)


def _curie(iri: str) -> str:
    from tarawa_kg.results import curie

    return curie(URIRef(iri))


def _table(variables: list[str], rows: list[tuple]) -> str:
    """A text table of ``rows`` (IRIs as ``URIRef``, shown as CURIEs) by the shared renderer."""
    from rdflib import Literal

    from tarawa_kg.queries import QueryResult
    from tarawa_kg.results import format_result

    terms = [tuple(v if isinstance(v, URIRef) else Literal(str(v)) for v in row) for row in rows]
    return format_result(QueryResult(variables, terms), "table")


@click.group("wikidata", context_settings={"help_option_names": ["-h", "--help"]})
def wikidata():
    """Links to Wikidata: check them, reconcile entities that await one, export QuickStatements.

    Every command queries a SPARQL endpoint in Wikidata's RDF shape (default: the Wikidata Query
    Service, which needs network access), politely: batched, cached, retried with backoff."""


@wikidata.command()
@ROOT_OPTION
@click.option("--endpoint", metavar="URL", default=WIKIDATA_ENDPOINT, show_default=True)
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@CACHE_DIR_OPTION
@NO_CACHE_OPTION
@TIMEOUT_OPTION
@QUIET_OPTION
@handle_errors
def check(root, endpoint, fmt, cache_dir, no_cache, timeout, quiet):
    """Compare every linked entity with its Wikidata item (label, class, dates, deaths, pennant
    number, missing or redirected item). Exits 1 when something disagrees."""
    from tarawa_kg.load import load_project
    from tarawa_kg.wikidata import check as run_check

    findings = run_check(load_project(Project(root)),
                         client=_client(endpoint, cache_dir, no_cache, timeout, quiet))
    if fmt == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["entity", "qid", "kind", "property", "ours", "theirs", "sources", "message"])
        for f in findings:
            writer.writerow([f.entity, f.qid, f.kind, f.property or "", f.ours or "", f.theirs or "",
                             " ".join(f.sources), f.message])
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(_table(["entity", "qid", "kind", "property", "ours", "Wikidata", "our source"],
                          [(URIRef(f.entity), f.qid, f.kind, f.property or "", f.ours or "", f.theirs or "",
                            " ".join(_curie(s) for s in f.sources)) for f in findings]), nl=False)
    if len(findings) > 1 and all(f.kind == "missing-item" for f in findings):
        click.echo(f"warning: the endpoint knows none of the {len(findings)} linked items; is {endpoint} "
                   "a Wikidata endpoint (or a mirror holding these items)?", err=True)
    sys.exit(1 if findings else 0)


def _parse_accept(values) -> list[tuple[str, str]]:
    from tarawa_kg.errors import ParameterError
    from tarawa_kg.queries import QueryParam, parse_param_value

    out = []
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"{item!r}: expected ENTITY=QID", param_hint="--accept")
        entity, qid = item.split("=", 1)
        try:
            iri = parse_param_value(QueryParam("accept", "IRI", True), entity)
        except ParameterError as exc:
            raise click.BadParameter(str(exc), param_hint="--accept") from None
        if not re.fullmatch(r"Q[1-9][0-9]*", qid.strip()):
            raise click.BadParameter(f"{qid!r} is not a Wikidata item id (Q…)", param_hint="--accept")
        if any(str(iri) == seen for seen, _q in out):
            raise click.BadParameter(f"{entity!r} is given twice", param_hint="--accept")
        out.append((str(iri), qid.strip()))
    return out


@wikidata.command()
@ROOT_OPTION
@click.option("--endpoint", metavar="URL", default=WIKIDATA_ENDPOINT, show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Review file (JSON; default: dist/wikidata-review.json).")
@click.option("--accept", "accepts", multiple=True, metavar="ENTITY=QID",
              help="Link ENTITY (CURIE or IRI) to QID in data/wikidata.ttl (repeatable). The QID "
                   "must be one of the candidates found, unless --force.")
@click.option("--force", is_flag=True, help="Accept a QID that is not among the candidates.")
@CACHE_DIR_OPTION
@NO_CACHE_OPTION
@TIMEOUT_OPTION
@QUIET_OPTION
@handle_errors
def reconcile(root, endpoint, output, accepts, force, cache_dir, no_cache, timeout, quiet):
    """Propose Wikidata items for the entities awaiting reconciliation, write them to a review
    file, and link the ones given with --accept."""
    from tarawa_kg.load import load_project
    from tarawa_kg.wikidata import accept, find_candidate, reconcile as run_reconcile, write_review

    project = Project(root)
    wanted = _parse_accept(accepts)
    graph = load_project(project)
    for entity, _qid in wanted:
        if (URIRef(entity), None, None) not in graph:
            raise click.BadParameter(f"{_curie(entity)}: no such entity in the graph", param_hint="--accept")
    results = run_reconcile(graph, client=_client(endpoint, cache_dir, no_cache, timeout, quiet))
    if not force:  # all or nothing: check every accepted QID before writing any
        for entity, qid in wanted:
            if find_candidate(results, entity, qid) is None:
                raise click.BadParameter(f"{qid} is not among the candidates for {_curie(entity)} "
                                         "(use --force to link it anyway)", param_hint="--accept")
    path = write_review(results, output or project.dist_dir / "wikidata-review.json", endpoint)
    with_candidates = [r for r in results if r.candidates]
    click.echo(f"{len(results)} entities await reconciliation; {len(with_candidates)} have candidates")
    if with_candidates:
        click.echo(_table(["entity", "best", "score", "label", "others"],
                          [(URIRef(r.entity), r.candidates[0].qid, f"{r.candidates[0].score:.2f}",
                            r.candidates[0].label, len(r.candidates) - 1) for r in with_candidates]), nl=False)
    click.echo(f"wrote {path}")
    for entity, qid in wanted:  # one graph for every link: accept adds each new link to it
        done = accept(project, entity, qid, find_candidate(results, entity, qid), force=force, graph=graph)
        click.echo(f"accepted {_curie(done.entity)} = {done.qid} (written to {done.path})")


@wikidata.command()
@ROOT_OPTION
@click.option("--endpoint", metavar="URL", default=None,
              help="Skip what this endpoint (e.g. https://query.wikidata.org/sparql) already has; "
                   "without it, every fact is exported.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
@CACHE_DIR_OPTION
@NO_CACHE_OPTION
@TIMEOUT_OPTION
@QUIET_OPTION
@handle_errors
def quickstatements(root, endpoint, output, cache_dir, no_cache, timeout, quiet):
    """Export the sourced facts of linked entities as QuickStatements v1 (tab-separated); what
    cannot be exported is listed on standard error."""
    from tarawa_kg.export import write_atomic
    from tarawa_kg.load import load_project
    from tarawa_kg.wikidata import quickstatements as export

    graph = load_project(Project(root))
    client = _client(endpoint, cache_dir, no_cache, timeout, quiet) if endpoint else None
    text, skipped = export(graph, endpoint, client=client)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text.encode("utf-8"), create_parents=False)
        click.echo(f"wrote {output} ({len(text.splitlines())} lines)", err=True)
    for item in skipped:
        click.echo(f"skipped: {_curie(item.entity)} {item.property}: {item.reason}", err=True)
