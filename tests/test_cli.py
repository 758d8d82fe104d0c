"""The command line: exit codes 0/1/2, one-line errors, the documented outputs."""

import json
import subprocess
import sys



from conftest import RESOURCES


def test_validate_conforms(run):
    result = run("validate")
    assert result.exit_code == 0
    assert result.output.strip().endswith("conforms: 0 violations, 0 warnings")


def test_validate_extra_file_with_violation_exits_1(run):
    result = run("validate", RESOURCES / "invalid_hull_number.ttl")
    assert result.exit_code == 1
    assert "Violation: x:ship path=tkg:hullNumber" in result.output
    assert "ShipShape" in result.output
    # the result names the user's file its node is written in
    line = next(line for line in result.output.splitlines() if line.startswith("Violation: x:ship"))
    assert line.endswith(f"(in {RESOURCES / 'invalid_hull_number.ttl'})")
    assert result.output.strip().endswith("does not conform: 1 violations, 0 warnings")


def test_validate_malformed_file_exits_2_with_file_and_line(run):
    result = run("validate", RESOURCES / "malformed.ttl")
    assert result.exit_code == 2
    assert f"error: {RESOURCES / 'malformed.ttl'}:7: Turtle syntax error" in result.output


def test_validate_missing_file_exits_2(run, tmp_path):
    result = run("validate", tmp_path / "nope.ttl")
    assert result.exit_code == 2
    assert "cannot read file" in result.output


def test_queries_lists_every_saved_query(run, project):
    result = run("queries")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names == sorted(p.stem for p in project.queries_dir.glob("*.rq"))
    assert len(names) >= 15


def test_queries_shows_one_query(run):
    result = run("queries", "events-at-place")
    assert result.exit_code == 0
    assert "--param place=<IRI, a tkg:Place>  required" in result.output
    assert "SELECT ?event" in result.output


def test_unknown_query_exits_2(run):
    result = run("query", "no-such-query")
    assert result.exit_code == 2
    assert "error: no saved query named 'no-such-query'" in result.output


def test_bad_param_exits_2(run):
    result = run("query", "events-at-place", "--param", "place=place:betio> } { <x")
    assert result.exit_code == 2
    assert "not a valid IRI" in result.output
    result = run("query", "events-at-place", "--param", "noequals")
    assert result.exit_code == 2


def test_query_json_is_sparql_results(run):
    result = run("query", "prisoners", "--param", "event=event:battle-of-makin", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["head"]["vars"][:3] == ["event", "side", "category"]
    values = {b["value"]["value"] for b in data["results"]["bindings"] if "value" in b}
    assert {"3", "101"} <= values


def test_query_csv_and_tsv(run):
    csv_out = run("query", "ships-hit", "--format", "csv").output.splitlines()
    assert csv_out[0] == "ship,shipLabel,hullNumber,side,event,eventType,date,cause"
    tsv_out = run("query", "ships-hit", "--format", "tsv").output.splitlines()
    assert tsv_out[0].split("\t")[:3] == ["?ship", "?shipLabel", "?hullNumber"]
    assert any('"CVE-56"' in line for line in tsv_out)


def test_export_to_stdout_and_file(run, tmp_path):
    out = tmp_path / "g.nt"
    result = run("export", "--format", "nt", "-o", out)
    assert result.exit_code == 0
    stdout = run("export", "--format", "nt")
    assert stdout.stdout_bytes == out.read_bytes()
    folder = run("export", "-o", f"{tmp_path}/dist/")
    assert folder.exit_code == 2 and "names a folder" in folder.stderr
    assert not (tmp_path / "dist").exists()
    missing = run("export", "-o", tmp_path / "no-such-folder" / "g.ttl")
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    assert not (tmp_path / "no-such-folder").exists()


def test_console_script_module_entry_point():
    done = subprocess.run([sys.executable, "-m", "tarawa_kg", "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    assert "build" in done.stdout and "validate" in done.stdout


def test_query_usage_errors_exit_2(run):
    assert run("query", "timeline", "--graph", "urn:x").exit_code == 2
    assert run("query", "timeline", "--endpoint", "not-a-url").exit_code == 2
    twice = run("query", "events-at-place", "-p", "place=place:betio", "-p", "place=place:makin-atoll")
    assert twice.exit_code == 2 and "given twice" in twice.output


def test_serve_refuses_port_zero(run):
    result = run("serve", "--port", "0")
    assert result.exit_code == 2


def test_serve_refuses_a_taken_port_before_building(run):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--port", str(port))
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "serving" not in result.output


def test_readme_python_example_runs(project, capsys):
    import re

    readme = (project.root / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert blocks, "README has no Python example"
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert any(line.startswith("4690 ") for line in printed), printed


def test_misspelt_entity_parameter_is_an_error_not_an_empty_result(run):
    result = run("query", "prisoners", "--param", "event=event:battle-of-tarwa")
    assert result.exit_code == 2
    assert "event:battle-of-tarwa is not in the graph" in result.stderr
    assert run("query", "prisoners", "--param", "event=event:battle-of-tarawa").exit_code == 0


def test_parameter_of_the_wrong_class_is_an_error(run):
    result = run("query", "participants", "--param", "event=side:japan")
    assert result.exit_code == 2
    assert "side:japan is a tkg:Belligerent, not a tkg:Event" in result.stderr


def test_validate_reads_json_ld_by_its_suffix(run, tmp_path):
    from rdflib import Graph

    bad = tmp_path / "bad.jsonld"
    Graph().parse(RESOURCES / "invalid_hull_number.ttl").serialize(bad, format="json-ld")
    result = run("validate", bad)
    assert result.exit_code == 1
    assert "tkg:hullNumber" in result.output and "ShipShape" in result.output
    broken = tmp_path / "broken.jsonld"
    broken.write_text('{"@id": ', encoding="utf-8")
    result = run("validate", broken)
    assert result.exit_code == 2 and "broken.jsonld:1: JSON-LD syntax error" in result.output


def test_export_dash_is_standard_output(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("export", "-f", "nt", "-o", "-").stdout_bytes == run("export", "-f", "nt").stdout_bytes
    assert not (tmp_path / "-").exists()


def test_export_accepts_ttl_as_turtle(run):
    assert run("export", "-f", "ttl").stdout_bytes == run("export", "-f", "turtle").stdout_bytes


def test_validate_reads_the_checkout_it_is_run_in(run, project_copy, monkeypatch):
    bad = (RESOURCES / "invalid_hull_number.ttl").read_text(encoding="utf-8")
    (project_copy.root / "data" / "zz-bad.ttl").write_text(bad, encoding="utf-8")
    monkeypatch.delenv("TARAWA_KG_ROOT", raising=False)
    monkeypatch.chdir(project_copy.root)
    result = run("validate")
    assert result.exit_code == 1
    assert f"checkout: {project_copy.root.resolve()}" in result.output
    assert "Violation: x:ship path=tkg:hullNumber" in result.output


def test_validate_writes_the_w3c_report_and_refuses_files_over_the_limit(run, tmp_path):
    from rdflib import Graph, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    report = tmp_path / "report.ttl"
    result = run("validate", "--quiet", "--report", report, RESOURCES / "invalid_hull_number.ttl")
    assert result.exit_code == 1
    graph = Graph().parse(report)
    (node,) = graph.subjects(sh.conforms, None)
    assert graph.value(node, sh.conforms).toPython() is False
    (res,) = graph.objects(node, sh.result)
    assert str(graph.value(res, sh.focusNode)) == "https://w3id.org/tarawa-kg/id/test/ship"
    assert str(graph.value(res, sh.value)) == "CVE56"
    assert "reading" not in result.output  # --quiet
    bad_suffix = run("validate", "--report", tmp_path / "report.txt")
    assert bad_suffix.exit_code == 2 and "report.txt: the report is written as Turtle or JSON-LD" in bad_suffix.output
    big = tmp_path / "big.ttl"
    big.write_bytes(b" " * 2_000_000)
    refused = run("validate", "--max-size", "1", big)
    assert refused.exit_code == 2
    assert "big.ttl: 2.0 MB of extra files is over the 1 MB limit" in refused.output


def test_build_says_what_it_does_unless_quiet(run, tmp_path):
    said = run("build", "--out", tmp_path / "a")
    assert said.exit_code == 0
    assert "validating" in said.output and "SHACL-SPARQL constraints (Oxigraph)" in said.output
    quiet = run("build", "--quiet", "--out", tmp_path / "b")
    assert quiet.exit_code == 0 and "validating" not in quiet.output


def test_report_never_replaces_a_file_being_validated(run, tmp_path):
    mine = tmp_path / "mine.ttl"
    mine.write_bytes((RESOURCES / "valid_extra_person.ttl").read_bytes())
    before = mine.read_bytes()
    result = run("validate", "--report", mine, mine)
    assert result.exit_code == 2 and "is one of the files being validated" in result.output
    assert mine.read_bytes() == before
    assert run("validate", "--max-size", "nan", mine).exit_code == 2
