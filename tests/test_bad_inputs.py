"""Hostile inputs (tests/resources/bad/, expectations in its expected.toml) through ``validate`` and
``build``, and the hardening of the outputs: one clear line, the documented exit code, never a
Python traceback, never a half-written or mixed output, no temporary files left behind."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import tomllib
import types
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import click
import pytest

from tarawa_kg import Project
from tarawa_kg.errors import EndpointError, ExportError

BAD = Path(__file__).parent / "resources" / "bad"
EXPECTED = tomllib.loads((BAD / "expected.toml").read_text(encoding="utf-8"))
REFUSED = sorted(name for name, case in EXPECTED.items() if case["exit"] != 0)
ACCEPTED = sorted(name for name, case in EXPECTED.items() if case["exit"] == 0)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """Every case as a file: the stored ones as they are, the generated ones written once."""
    folder = tmp_path_factory.mktemp("generated")
    files = {}
    for name, case in EXPECTED.items():
        if "generate" in case:
            g = case["generate"]
            (folder / name).write_text(g["head"] + g["body"] * g["repeat"] + g["tail"], encoding="utf-8")
            files[name] = folder / name
        else:
            files[name] = BAD / name
    return files


def lines(output: str, kind: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"{kind}: ")]


def assert_clean(result, case: dict, file: Path) -> None:
    """The exit code, each expected error and warning line, no traceback."""
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == case["exit"], result.output
    errors = lines(result.output, "error")
    expected = [e.format(file=file) for e in case.get("errors", [])]
    assert len(errors) == len(expected), result.output
    for line, text in zip(errors, expected):
        assert text in line, (line, text)
    warnings = lines(result.output, "warning")
    for text in case.get("warnings", []):
        assert any(text.format(file=file) in w for w in warnings), (text, result.output)


def test_every_file_has_its_expectation():
    stored = {p.name for p in BAD.iterdir() if p.name != "expected.toml"}
    generated = {name for name, case in EXPECTED.items() if "generate" in case}
    assert stored == set(EXPECTED) - generated


@pytest.mark.parametrize("name", REFUSED)
def test_validate_refuses_with_one_line_per_fault(run, corpus, name):
    case = EXPECTED[name]
    result = run("validate", "-q", *case.get("args", []), corpus[name])
    assert_clean(result, case, corpus[name])


def test_validate_reads_the_acceptable_ones_and_warns(run, corpus):
    files = [corpus[name] for name in ACCEPTED]
    result = run("validate", "-q", *files)
    assert_clean(result, {"exit": 0}, files[0])
    assert result.output.splitlines()[-1] == "conforms: 0 violations, 0 warnings"
    for name in ACCEPTED:
        assert_clean(result, EXPECTED[name], corpus[name])


@pytest.fixture()
def built_copy(project_copy, tmp_path):
    """A copy of the checkout and a previous good dist/ of it (stand-in content)."""
    dist = tmp_path / "dist"
    dist.mkdir()
    for name in ("tarawa-kg.ttl", "tarawa-kg.nt", "tarawa-kg.jsonld", "tarawa-kg.trig", "void.ttl"):
        (dist / name).write_text(f"previous {name}\n")
    return project_copy, dist


BUILT_REFUSED = [n for n in REFUSED if n.endswith(".ttl") and EXPECTED[n].get("build", True)]


def test_build_refuses_bad_data_and_keeps_the_previous_output(run, built_copy, corpus):
    project, dist = built_copy
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    for name in BUILT_REFUSED:
        target = project.root / "data" / name
        shutil.copyfile(corpus[name], target)
        for command in (["build", "-q", "--root", project.root, "--out", dist],
                        ["export", "--root", project.root, "-o", dist / "x.ttl"],
                        ["query", "--root", project.root, "timeline"]):
            assert_clean(run(*command), EXPECTED[name], target)
        target.unlink()
        assert {p.name: p.read_bytes() for p in dist.iterdir()} == before, name


def test_build_reads_the_acceptable_ones_and_replaces_the_output(run, built_copy, corpus):
    project, dist = built_copy
    names = [n for n in ACCEPTED if n.endswith(".ttl")]
    for name in names:
        shutil.copyfile(corpus[name], project.root / "data" / name)
    result = run("build", "-q", "--root", project.root, "--out", dist)
    assert_clean(result, {"exit": 0}, dist)
    for name in names:
        assert_clean(result, EXPECTED[name], project.root / "data" / name)
    assert sorted(p.name for p in dist.iterdir()) == [
        "article-annotations.jsonld", "tarawa-kg-best.trig", "tarawa-kg-best.ttl", "tarawa-kg.jsonld",
        "tarawa-kg.nt", "tarawa-kg.trig", "tarawa-kg.ttl", "void.ttl"]  # no staging folder left
    assert "<https://example.org/huge>" in (dist / "tarawa-kg.nt").read_text(encoding="utf-8")


# ----------------------------------------------------------------- the set of outputs as a whole
SWAPPED = ["a.ttl", "b.nt", "void.ttl"]


@pytest.fixture()
def swap(tmp_path):
    """An output folder with old files, and a staging folder inside it with the new ones."""
    out = tmp_path / "out"
    staging = out / ".stage"
    staging.mkdir(parents=True)
    for name in SWAPPED:
        (out / name).write_text("old " + name)
        (staging / name).write_text("new " + name)
    return staging, out


def test_outputs_are_swapped_in_together_despite_ctrl_c(swap, monkeypatch):
    from tarawa_kg import build as build_module

    staging, out = swap
    real_replace = os.replace
    calls = []

    def replace_then_interrupt(src, dst):
        real_replace(src, dst)
        if not calls:
            os.kill(os.getpid(), signal.SIGINT)  # held back until every file is in place
        calls.append(dst)

    monkeypatch.setattr(build_module.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        build_module._swap_in(staging, out, SWAPPED)
    assert [(out / n).read_text() for n in SWAPPED] == ["new " + n for n in SWAPPED]


def test_a_failed_swap_puts_the_previous_outputs_back(swap, monkeypatch):
    from tarawa_kg import build as build_module

    staging, out = swap
    real_replace = os.replace

    def fail_on_void(src, dst):
        if Path(dst).name == "void.ttl" and Path(src).parent == staging and not str(src).endswith(".previous"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(build_module.os, "replace", fail_on_void)
    with pytest.raises(ExportError, match="No space left on device; the previous files are kept"):
        build_module._swap_in(staging, out, SWAPPED)
    assert [(out / n).read_text() for n in SWAPPED] == ["old " + n for n in SWAPPED]


def dead_pid() -> str:
    """The id of a process that has ended."""
    return subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()


def test_stale_temporaries_of_dead_runs_are_removed(tmp_path):
    from tarawa_kg.export import clean_stale_temporaries

    dead = dead_pid()
    stale_file = tmp_path / f".tarawa-kg.ttl.tkg{dead}-x1.tmp"
    stale_dir = tmp_path / f".tarawa-kg-build.tkg{dead}-x2.tmp"
    ours = tmp_path / f".tarawa-kg.nt.tkg{os.getpid()}-x3.tmp"
    other = tmp_path / ".someone-else.tmp"
    stale_file.write_text("")
    stale_dir.mkdir()
    (stale_dir / "tarawa-kg.ttl").write_text("")
    ours.write_text("")
    other.write_text("")
    assert sorted(clean_stale_temporaries(tmp_path)) == sorted([stale_file, stale_dir])
    assert ours.exists() and other.exists()


def test_sigterm_unwinds_like_ctrl_c(tmp_path):
    """SIGTERM raises inside the command, so its ``finally`` clauses clean up; exit code 143."""
    from click.testing import CliRunner

    from tarawa_kg.cli_common import handle_errors

    debris = tmp_path / "partial.tmp"

    @click.command()
    @handle_errors
    def work():
        debris.write_text("")
        try:
            os.kill(os.getpid(), signal.SIGTERM)
        finally:
            debris.unlink()

    before = signal.getsignal(signal.SIGTERM)
    result = CliRunner().invoke(work, [], catch_exceptions=False)
    assert result.exit_code == 143 and result.output == "error: terminated\n"
    assert not debris.exists()
    assert signal.getsignal(signal.SIGTERM) == before


def test_an_interrupted_serve_leaves_no_store(tmp_path, monkeypatch, graph):
    from tarawa_kg import serve as serve_module

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    conforming = types.SimpleNamespace(conforms=True)
    monkeypatch.setattr(serve_module, "validate_project", lambda project, progress: (graph, conforming))

    def interrupted(store, data_file):
        (store / "half-loaded").write_text("")
        raise KeyboardInterrupt

    monkeypatch.setattr(serve_module, "load_store", interrupted)
    with pytest.raises(KeyboardInterrupt):
        serve_module.prepare_store(Project())
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- outputs
def test_a_full_standard_output_is_one_line_and_exit_2():
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "tarawa_kg", "queries"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == "error: cannot write to standard output: No space left on device\n"


def test_export_onto_a_symbolic_link_loop_is_one_line(tmp_path):
    from tarawa_kg.export import write_atomic

    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(ExportError, match=f"^{tmp_path / 'a'}: cannot write"):
        write_atomic(tmp_path / "a", b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_export_follows_the_output_suffix(run, tmp_path):
    result = run("export", "-o", tmp_path / "graph.nt")
    assert result.exit_code == 0
    first = (tmp_path / "graph.nt").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("<https://w3id.org/tarawa-kg/") and first.endswith(" .")
    run("export", "-o", tmp_path / "graph.jsonld")
    assert isinstance(json.loads((tmp_path / "graph.jsonld").read_text(encoding="utf-8")), list)


def test_an_unwritable_output_fails_before_loading(run, tmp_path):
    (tmp_path / "file").write_text("")
    result = run("build", "-q", "--out", tmp_path / "file" / "dist")
    assert result.exit_code == 2
    assert result.output == f"error: {tmp_path / 'file' / 'dist'}: cannot write the build there: Not a directory\n"
    result = run("export", "-o", tmp_path / "missing" / "x.nt")
    assert result.output == f"error: {tmp_path / 'missing' / 'x.nt'}: folder {tmp_path / 'missing'} does not exist\n"
    assert "triples" not in result.output  # nothing was loaded


def test_publish_to_an_unreachable_store_fails_before_loading(run):
    result = run("publish", "--endpoint", "http://127.0.0.1:9/store")
    assert result.exit_code == 2
    assert result.output == "error: http://127.0.0.1:9/store: cannot reach the store (ConnectionError); nothing was published\n"


# --------------------------------------------------------------------------- query input
@pytest.mark.parametrize("url", ["http://[::1", "http://", "ftp://example.org/sparql", "http://host:port/q"])
def test_a_malformed_endpoint_url_is_a_usage_error(run, url):
    result = run("query", "timeline", "--endpoint", url)
    assert result.exit_code == 2 and "is not an http(s) URL" in result.output
    assert "Traceback" not in result.output


def test_language_parameters_are_bcp47_tags(run):
    result = run("query", "quotations", "--param", "lang=f r")
    assert result.exit_code == 2
    assert result.output == "error: parameter lang: 'f r' is not a BCP 47 language tag (e.g. en, fr, en-GB)\n"
    upper = run("query", "quotations", "--param", "lang=EN", "--format", "csv")
    lower = run("query", "quotations", "--param", "lang=en", "--format", "csv")
    assert upper.exit_code == 0 and upper.output == lower.output and len(lower.output.splitlines()) > 1


@contextlib.contextmanager
def answering(body: bytes, content_type: str):
    """A local HTTP server answering every GET with HTTP 200, ``body`` and ``content_type``;
    yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_query_endpoint_recognises_a_result_cut_short(run):
    """HTTP 200 and a body cut short, as a streaming server sends when its time limit cancels a
    query after the first bytes went out."""
    from tarawa_kg.remote import select

    cut = b'{"head":{"vars":["n"]},"results":{"bindings":[The SPARQL operation has been cancelled'
    with answering(cut, "application/sparql-results+json") as url:
        with pytest.raises(EndpointError, match="not complete SPARQL JSON results.*cancelled"):
            select(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=10)
        result = run("query", "timeline", "--endpoint", url)
        assert result.exit_code == 2 and "not complete SPARQL JSON results" in result.output


def test_the_readme_lists_the_accepted_files_of_the_registry():
    from tarawa_kg.formats import REGISTRY

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Input files", 1)[1].split("###", 1)[0]
    for spec in REGISTRY:
        assert spec.label in section and all(f"`{s}`" in section for s in spec.suffixes), spec.name


def test_a_real_process_prints_the_ill_typed_literals_and_nothing_else():
    """In a process of its own, so that what rdflib's loggers would print reaches the real stderr."""
    file = BAD / "ill-typed.ttl"
    done = subprocess.run([sys.executable, "-m", "tarawa_kg", "validate", "-q", str(file)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == ["error: " + e.format(file=file) for e in EXPECTED["ill-typed.ttl"]["errors"]]


def test_rdflib_logs_no_traceback_for_an_ill_typed_literal(caplog):
    import tarawa_kg.load  # noqa: F401 - installs the filter
    from rdflib import Literal
    from rdflib.namespace import XSD

    with caplog.at_level("DEBUG"):
        assert Literal("twelve", datatype=XSD.integer).ill_typed
    assert caplog.records == []


def test_a_remote_context_is_fetched_when_allowed(tmp_path):
    from tarawa_kg.errors import DataError
    from tarawa_kg.load import read_file

    context = json.dumps({"@context": {"name": "http://schema.org/name"}}).encode()
    with answering(context, "application/ld+json") as url:
        file = tmp_path / "remote.jsonld"
        file.write_text(json.dumps({"@context": url, "@id": "https://example.org/x", "name": "Betio"}))
        with pytest.raises(DataError, match=f"@context <{url}> is a remote document"):
            read_file(file)
        (quad,) = read_file(file, allow_remote_context=True)
        assert (quad.predicate.value, quad.object.value) == ("http://schema.org/name", "Betio")


def test_an_export_removes_what_a_killed_export_left(run, tmp_path):
    dead = dead_pid()
    left = tmp_path / f".graph.ttl.tkg{dead}-abc.tmp"
    left.write_text("")
    assert run("export", "-o", tmp_path / "graph.ttl").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


def test_validate_refuses_a_file_that_may_never_end(run, tmp_path):
    """A device has no size to check against --max-size; /dev/zero read whole fills the memory."""
    endless = tmp_path / "zero.ttl"
    endless.symlink_to("/dev/zero")
    result = run("validate", endless)
    assert result.exit_code == 2
    assert "not a regular file (a device, pipe or socket)" in result.output
    assert "Traceback" not in result.output
