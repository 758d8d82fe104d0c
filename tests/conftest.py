"""Shared fixtures: the real project graph, loaded and validated once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tarawa_kg import Project, load_project, validate_graph
from tarawa_kg.load import load_shapes

RESOURCES = Path(__file__).parent / "resources"


@pytest.fixture(scope="session")
def project() -> Project:
    return Project()


@pytest.fixture(scope="session")
def graph(project):
    return load_project(project)


@pytest.fixture(scope="session")
def shapes(project):
    return load_shapes(project)


@pytest.fixture(scope="session")
def base_files(project):
    """The files every bad or small test graph is loaded with: the ontology, the vocabularies, the
    sides, the sources, and wikidata.ttl (the link status and evidence of the sides' and
    organisations' QIDs)."""
    data = project.root / "data"
    return [project.ontology_file, data / "vocabularies.ttl", data / "sides.ttl", data / "sources.ttl",
            data / "wikidata.ttl"]


@pytest.fixture(scope="session")
def report(graph, shapes):
    return validate_graph(graph, shapes)


@pytest.fixture()
def project_copy(tmp_path, project) -> Project:
    """A writable copy of the checkout's ontology, data and queries."""
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(project.root / folder, tmp_path / folder)
    return Project(tmp_path)


@pytest.fixture()
def run():
    """Invoke the ``tarawa-kg`` command line in-process: ``run("query", "timeline")``."""
    from tarawa_kg.cli import main

    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    return invoke


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory, graph, project):
    """The web edition of the real data (``tarawa-kg site``), built once for the session."""
    from tarawa_kg.site.generate import build_site

    out = tmp_path_factory.mktemp("web") / "site"
    build_site(graph, out, project)
    return out


@pytest.fixture(scope="session")
def oxigraph_store(tmp_path_factory, graph):
    """An Oxigraph server's store folder loaded with the graph (as ``serve`` prepares it)."""
    from tarawa_kg.export import serialize_graph
    from tarawa_kg.oxigraph import load_store
    from tarawa_kg.serve import PreparedStore

    work = tmp_path_factory.mktemp("served")
    (work / "graph.nt").write_bytes(serialize_graph(graph, "nt"))
    load_store(work / "store", work / "graph.nt")
    return PreparedStore(work / "store", len(graph))


@pytest.fixture(scope="session")
def site_server(oxigraph_store, project, site_dir):
    """``serve``'s web front on a free loopback port: the site, content negotiation and the
    SPARQL endpoint of a real Oxigraph server loaded with the graph. Yields its base URL."""
    from tarawa_kg.site.server import free_port, serve_site

    port = free_port()
    process = serve_site(oxigraph_store, site_dir, "127.0.0.1", port, 30, project, quiet=True)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait()
