"""The ``tarawa-kg site`` command: a thin layer over :func:`tarawa_kg.site.generate.build_site`."""

from __future__ import annotations

from pathlib import Path

import click

from tarawa_kg.cli_common import QUIET_OPTION, ROOT_OPTION, handle_errors


@click.command("site")
@ROOT_OPTION
@click.option("--output", "-o", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The site's folder, replaced whole: new, empty, or a site written before "
                   "(default: dist/site/ in the checkout).")
@QUIET_OPTION
@handle_errors
def site(root, out_dir, quiet):
    """Write the web edition: a page per entity at its IRI path (with Turtle, JSON-LD and
    N-Triples beside it), sources, the article's fact-check, timeline, map, order of battle,
    disputed facts, ontology and shapes documentation, and a query page.

    The graph is written as loaded, like `export` (run `build` or `validate` to check it)."""
    from tarawa_kg.load import load_project
    from tarawa_kg.progress import printer
    from tarawa_kg.project import Project
    from tarawa_kg.site.generate import build_site, check_site_folder

    project = Project(root)
    progress = printer(quiet)
    out = out_dir or project.dist_dir / "site"
    check_site_folder(out)  # before the long work
    result = build_site(load_project(project, progress=progress), out, project, progress)
    click.echo(f"wrote {result.pages} pages ({result.files} files) into {result.out} "
               f"in {result.seconds:.1f} s")
