"""The ``tarawa-kg`` command line: a thin layer over the library.

Exit codes: 0 success, 1 the data does not conform or a check failed, 2 bad usage, unreadable
input or an output that cannot be written (click's own usage errors also exit 2), 130 Ctrl-C,
143 SIGTERM.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tarawa_kg.cli_common import (ENDPOINT_OPTION, FORMAT_CHOICES, QUIET_OPTION, ROOT_OPTION, check_url,
                                   handle_errors)
from tarawa_kg.formats import EXPORT_NAMES, REPORT_FORMATS, suffix_list
from tarawa_kg.project import Project

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tarawa-kg")
def main():
    """tarawa-kg: the sourced knowledge graph of Operation Galvanic (Tarawa and Makin, Nov. 1943)."""


@main.command()
@ROOT_OPTION
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: dist/ in the checkout).")
@QUIET_OPTION
@handle_errors
def build(root, out_dir, quiet):
    """Load the ontology and data, validate with SHACL, write dist/ (Turtle, N-Triples, JSON-LD,
    TriG, VoID/DCAT description, the article's claims as W3C Web Annotations) and print a
    summary."""
    from tarawa_kg.build import build as run_build
    from tarawa_kg.progress import printer

    project = Project(root)
    if not quiet:
        click.echo(f"checkout: {project.root}", err=True)
    result = run_build(project, out_dir, printer(quiet))
    click.echo(f"triples: {result.triples}")
    click.echo("entities per class:")
    for name, count in result.entities.items():
        click.echo(f"  {name:<20} {count:>6}")
    for line in result.lines:
        click.echo(line)
    click.echo(f"validation: {result.report.summary()}")
    for path in result.files:
        click.echo(f"wrote {path}")
    click.echo(f"time: {result.seconds:.1f} s")
    if not result.report.conforms:
        click.echo("error: the graph does not conform to the shapes; nothing was written", err=True)
        sys.exit(1)


@main.command(help="""Validate the project data, plus any extra RDF FILES, against the SHACL shapes.

    FILES: """ + suffix_list() + """ (by the suffix).

    Prints one line per result (severity, focus node, path, value, shape, message, and the FILE
    the node is written in when it is one of FILES) and a summary; exits 1 when there is a violation.""")
@ROOT_OPTION
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the W3C SHACL validation report graph to this file: Turtle or JSON-LD by "
                   f"the suffix ({suffix_list(REPORT_FORMATS)}).")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the report as an HTML page, grouped by shape and severity, each focus "
                   "node linked to its page.")
@click.option("--max-size", "max_mb", type=click.FloatRange(0.001, 1e6), default=20.0, show_default=True,
              metavar="MB", help="Refuse FILES larger than this in total, before reading them.")
@click.option("--allow-remote-context", is_flag=True,
              help="Fetch the remote JSON-LD @context documents FILES name (off: such a file is refused).")
@QUIET_OPTION
@handle_errors
def validate(root, files, report_file, html_file, max_mb, allow_remote_context, quiet):
    from tarawa_kg.progress import printer
    from tarawa_kg.validate import validate_project, write_report

    project = Project(root)
    if report_file is not None:
        write_report(None, report_file, check_only=True, inputs=[*files, *project.graph_files, *project.shape_files])
    if html_file is not None:
        from tarawa_kg.site.report_html import check_html_path

        check_html_path(html_file, [*files, *project.graph_files, *project.shape_files])
    if not quiet:
        click.echo(f"checkout: {project.root}", err=True)
    progress = printer(quiet)
    origins: dict = {}  # node → the user's files it is written in
    graph, report = validate_project(project, files, origins, progress, max_extra_mb=max_mb,
                                     allow_remote_context=allow_remote_context)
    if report_file is not None:
        write_report(report, report_file)
        if not quiet:
            click.echo(f"wrote {report_file}", err=True)
    if html_file is not None:
        from tarawa_kg.site.report_html import write_html_report

        write_html_report(report, graph, html_file)
        if not quiet:
            click.echo(f"wrote {html_file}", err=True)
    for res in report.results:
        where = origins.get(res.focus_node)
        click.echo(res.line(graph) + (f"  (in {', '.join(where)})" if where else ""))
    click.echo(report.summary())
    sys.exit(0 if report.conforms else 1)


@main.command("queries")
@ROOT_OPTION
@click.argument("name", required=False)
@handle_errors
def queries_cmd(root, name):
    """List the saved queries, or show one query's documentation and text."""
    from tarawa_kg.queries import get_query, list_queries
    from tarawa_kg.results import curie

    project = Project(root)
    if name is None:
        for query in list_queries(project):
            params = " ".join(f"[{p.name}]" if not p.required else p.name for p in query.params)
            click.echo(f"{query.name:<32} {query.title}" + (f"  (params: {params})" if params else ""))
        return
    query = get_query(name, project)
    click.echo(f"{query.name}: {query.title}\n\n{query.description}\n")
    for p in query.params:
        kind = f"{p.kind}, a {curie(p.rdf_class)}" if p.rdf_class else p.kind
        click.echo(f"  --param {p.name}=<{kind}>  {'required' if p.required else 'optional'}  {p.doc}")
    click.echo("\n" + query.text)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        if "=" not in item:
            raise click.BadParameter(f"{item!r}: expected NAME=VALUE", param_hint="--param")
        key, value = item.split("=", 1)
        if key.strip() in params:
            raise click.BadParameter(f"parameter {key.strip()!r} given twice", param_hint="--param")
        params[key.strip()] = value
    return params


@main.command()
@ROOT_OPTION
@ENDPOINT_OPTION
@click.argument("name")
@click.option("--param", "-p", "param_values", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter (repeatable). IRIs as full IRIs or CURIEs (place:betio).")
@click.option("--format", "-f", "fmt", type=click.Choice(FORMAT_CHOICES), default="table",
              show_default=True)
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=60.0, show_default=True,
              help="Seconds to wait for a remote endpoint.")
@click.option("--graph", "graph_iri", default=None, metavar="IRI",
              help="With --endpoint: query this named graph as the default graph (e.g. where publish wrote).")
@handle_errors
def query(root, endpoint, name, param_values, fmt, timeout, graph_iri):
    """Run the saved query NAME on the local graph (or on --endpoint) and print its rows."""
    from tarawa_kg.queries import get_query, run_query
    from tarawa_kg.results import format_result

    project = Project(root)
    saved = get_query(name, project)
    params = _parse_params(param_values)
    if graph_iri and not endpoint:
        raise click.UsageError("--graph applies to a remote endpoint: give --endpoint too")
    if endpoint:
        from tarawa_kg.remote import run_remote_query

        check_url(endpoint, "--endpoint")
        result = run_remote_query(endpoint, saved, params, timeout=timeout, default_graph=graph_iri)
    else:
        from tarawa_kg.load import load_project

        result = run_query(load_project(project), saved, params)
    click.echo(format_result(result, fmt), nl=False)


@main.command()
@ROOT_OPTION
@click.option("--format", "-f", "fmt", type=click.Choice([*EXPORT_NAMES, "ttl"]), default=None,
              help="ttl is another name for turtle. Default: the one the --output suffix names, else turtle.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (atomically); '-' or none: standard output.")
@handle_errors
def export(root, fmt, output):
    """Export the graph (ontology + data) deterministically: same input, same bytes.

    The graph is written as loaded, without SHACL validation (quick); `build` validates first and
    writes nothing when the data does not conform."""
    from tarawa_kg.export import check_output, output_format, serialize_graph, write_atomic
    from tarawa_kg.load import load_project

    if output not in (None, "-"):
        check_output(output)  # before the graph is loaded
    data = serialize_graph(load_project(Project(root)), output_format(output, fmt))
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, data, create_parents=False)
        click.echo(f"wrote {output} ({len(data)} bytes)", err=True)


@main.command()
@ROOT_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535))
@click.option("--timeout", "timeout_s", default=30.0, show_default=True, type=click.FloatRange(1, 86400),
              help="Seconds after which a query is cut off (the client gets HTTP 503).")
@click.option("--allow-federation", is_flag=True,
              help="Let queries use SERVICE (the server then fetches the URLs queries name); off by default.")
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Empty folder for the Oxigraph store (default: a temporary folder).")
@click.option("--site/--no-site", "with_site", default=True, show_default=True,
              help="Also serve the web edition, with IRIs that dereference (/id/..., /ontology) and "
                   "the endpoint at /sparql and /query; --no-site: the endpoint and Oxigraph's UI only.")
@click.option("--site-dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Serve this site written by 'tarawa-kg site' (default: build one into a temporary folder).")
@QUIET_OPTION
@handle_errors
def serve(root, host, port, timeout_s, allow_federation, store, with_site, site_dir, quiet):
    """Serve the built graph as a read-only SPARQL 1.1 endpoint (Oxigraph server) and, in front of
    it, the web edition: pages, IRIs that dereference by content negotiation (/id/..., /ontology)
    and the endpoint at /sparql and /query. With --no-site: the endpoint and Oxigraph's query UI."""
    import shutil
    import signal

    from tarawa_kg.progress import printer
    from tarawa_kg.serve import ensure_port_free, prepare_store, serve as start_server

    ensure_port_free(host, port)
    project = Project(root)
    prepared = prepare_store(project, store, printer(quiet))
    if with_site:
        from tarawa_kg.site.server import start_site

        try:
            process = start_site(prepared, project, host, port, timeout_s, site_dir, printer(quiet), quiet,
                                 allow_federation)
        except BaseException:
            if store is None:  # the temporary store is ours to remove
                shutil.rmtree(prepared.location, ignore_errors=True)
            raise
    else:
        process = start_server(prepared, host, port, timeout_s, allow_federation)

    def forward(_signum, _frame):  # SIGTERM: stop the server; the wait below then returns
        process.terminate()

    signal.signal(signal.SIGTERM, forward)
    click.echo(f"serving {prepared.triples} triples (read-only) from {prepared.location}")
    if with_site:
        click.echo(f"web edition: http://{host}:{port}/   IRIs: http://{host}:{port}/id/...   "
                   f"SPARQL endpoint: http://{host}:{port}/sparql (and /query)")
    else:
        click.echo(f"SPARQL endpoint: http://{host}:{port}/query   query UI: http://{host}:{port}/")
    try:
        code = process.wait()
    except KeyboardInterrupt:
        process.terminate()
        code = process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if store is None:  # the temporary store is ours to remove
            shutil.rmtree(prepared.location, ignore_errors=True)
    sys.exit(0 if code in (0, -signal.SIGTERM, -signal.SIGINT) else code)


@main.command()
@ROOT_OPTION
@click.option("--endpoint", "store_url", required=True, metavar="URL",
              help="Graph Store HTTP Protocol endpoint (Oxigraph /store, Virtuoso /sparql-graph-crud-auth).")
@click.option("--graph", "graph_iri", default=None, metavar="IRI",
              help="Named graph to replace (default: the dataset IRI).")
@click.option("--graph-param", default="graph", show_default=True,
              help="Query parameter that names the graph (Virtuoso also accepts graph-uri).")
@click.option("--force", is_flag=True, help="Publish even if the graph does not conform to the shapes.")
@handle_errors
def publish(root, store_url, graph_iri, graph_param, force):
    """Replace one named graph of a SPARQL 1.1 store with the built graph.

    Credentials, if the store needs them, come from the environment only:
    TARAWA_KG_STORE_USER, TARAWA_KG_STORE_PASSWORD and TARAWA_KG_STORE_AUTH (basic or digest)."""
    from tarawa_kg.namespaces import DATASET
    from tarawa_kg.publish import auth_from_env, check_store, publish as send, redact
    from tarawa_kg.serve import NotConforming
    from tarawa_kg.validate import validate_project

    check_url(store_url, "--endpoint", redact(store_url))
    auth = auth_from_env()
    check_store(store_url, graph_iri or str(DATASET), auth, graph_param)  # before the long work
    project = Project(root)
    graph, report = validate_project(project)
    if not report.conforms and not force:
        raise NotConforming(f"the graph does not conform ({report.summary()}); nothing was published "
                            "(use --force to publish anyway)")
    result = send(graph, store_url, graph_iri or str(DATASET), auth=auth, graph_param=graph_param)
    click.echo(f"published {result.triples} triples ({result.bytes} bytes) to graph <{result.graph}> "
               f"in {result.seconds:.1f} s (HTTP {result.status})")


from tarawa_kg.cli_wikidata import wikidata  # noqa: E402

main.add_command(wikidata)

from tarawa_kg.site.cli import site  # noqa: E402

main.add_command(site)


if __name__ == "__main__":  # pragma: no cover
    main()
