"""How fast, and in how much memory, the library and the command line run: one table.

Usage (from the checkout, with the project's environment)::

    .venv/bin/python benchmarks/engine.py                     # real data, 10x and 50x copies
    .venv/bin/python benchmarks/engine.py --copies 2 --timeout 60
    .venv/bin/python benchmarks/engine.py --only real --skip-old
    .venv/bin/python benchmarks/engine.py --only 50,query     # the saved queries on 50 copies

It measures, on the real data and on synthetic checkouts of ``N`` copies of it
(``benchmarks/generate.py``: ``--copies 10,50`` by default, about 200 k and 1 M triples), the wall
time in seconds and the peak resident memory (RSS, MB) of:

* the library, through its public API: ``load`` (``tarawa_kg.load_project``), ``validate``
  (``validate_graph(graph, load_shapes(project))``), each export (``serialize_graph(graph, fmt)``
  for turtle, nt, jsonld, trig) and each saved query (``run_query(graph, name, params)``; required
  parameters get an example that exists in the data, read from the query's ``# param:`` header);
  the time is that of the call alone, the memory the peak of the whole process (so it includes
  the loaded graph the call needs);
* raw pyoxigraph: ``Store().bulk_load(path=…)`` of the same files, for comparison with ``load``;
* the command line, as whole processes (start-up included): ``tarawa-kg validate`` of the data
  plus a 3-triple extra file, ``tarawa-kg build`` (to a temporary folder), ``tarawa-kg query
  timeline``, and ``tarawa-kg serve`` time-to-listen (until ``GET /query?query=ASK{}`` answers;
  the memory is that of the ``tarawa-kg`` process, not of the Oxigraph server it starts);
* the old path, rdflib and pySHACL without the library (column "old"): ``Graph().parse`` of the
  same files, ``pyshacl.validate(g, shacl_graph=shapes, inference="none", advanced=True,
  allow_warnings=True)`` and ``g.query(text)`` of each saved query; on the real data only unless
  ``--old-on-all``, not at all with ``--skip-old``;
* ``tarawa-kg validate --root <real checkout> big.ttl`` with a ~50 MB extra file (N-Triples of
  about 25 copies, written outside ``data/``): time, memory, exit code and first error line.

Every step runs in a fresh child process, so its peak memory is its own (``os.wait4`` gives the
child's ``ru_maxrss``). A step that exceeds ``--timeout`` seconds is stopped and shown as
``> N s (stopped)``. The machine (CPUs, model, RAM) and the versions of Python, pyoxigraph, rdflib
and pySHACL are printed above the table. The saved query that needs the live Wikidata endpoint
(``SERVICE``) is not run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

EXPORT_FORMATS = ("turtle", "nt", "jsonld", "trig")
GROUPS = ("load", "bulk", "validate", "export", "query", "cli", "old", "big")
"""Step groups that ``--only`` can name (besides datasets)."""

PREFIXES = {
    "tkg": "https://w3id.org/tarawa-kg/ontology#", "person": "https://w3id.org/tarawa-kg/id/person/",
    "unit": "https://w3id.org/tarawa-kg/id/unit/", "ship": "https://w3id.org/tarawa-kg/id/ship/",
    "equip": "https://w3id.org/tarawa-kg/id/equipment/", "place": "https://w3id.org/tarawa-kg/id/place/",
    "event": "https://w3id.org/tarawa-kg/id/event/", "src": "https://w3id.org/tarawa-kg/id/source/",
    "stmt": "https://w3id.org/tarawa-kg/id/statement/", "side": "https://w3id.org/tarawa-kg/id/side/",
    "organization": "https://w3id.org/tarawa-kg/id/organization/", "quote": "https://w3id.org/tarawa-kg/id/quotation/",
    "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
}
"""CURIE prefixes of the example parameters (for the old path, which binds terms itself)."""

EXAMPLES = {
    "tkg:Event": "event:battle-of-tarawa", "tkg:Place": "place:betio", "tkg:Source": "src:tarawa-article-fr",
    "tkg:MilitaryUnit": "unit:task-force-53", "tkg:Belligerent": "side:united-states",
    "tkg:Person": "person:julian-c-smith", "tkg:Ship": "ship:uss-maryland-bb-46", "owl:Class": "tkg:Ship",
}
"""An entity of the data per parameter class, for required parameters whose doc gives no example."""
KIND_EXAMPLES = {"IRI": "event:battle-of-tarawa", "string": "en", "integer": "1", "date": "1943-11-20"}

SMALL_FILE = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/tarawa-kg/id/person/julian-c-smith> skos:altLabel "Julian Smith"@en , "J. C. Smith"@en ,
    "le général Smith"@fr .
"""
"""The 3-triple extra file of the ``cli validate + 3 triples`` step: valid, no new result."""

_PARAM = re.compile(r"^#\s*param\s*:\s*(\w+)\s+(IRI|string|integer|date)\s+(required|optional)"
                    r"(?:\s+class=(\S+))?\s*(?:[—-]+\s*(.*))?$")
_EG = re.compile(r"e\.g\.\s+([a-z]+:[A-Za-z0-9_.-]*[A-Za-z0-9_])")


# ============================================================================== child side
def _old_graph(root: Path):
    from rdflib import Graph

    graph = Graph()
    for path in [root / "ontology" / "tarawa.ttl", *sorted((root / "data").glob("*.ttl"))]:
        graph.parse(path, format="turtle")
    return graph


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else curie


def run_step(step: str, root: Path, params: dict) -> dict:
    """Run one measured step in this (child) process; returns ``{"seconds": …, "info": …}``."""
    if step == "bulk":
        import pyoxigraph as ox

        start = time.perf_counter()
        store = ox.Store()
        for path in [root / "ontology" / "tarawa.ttl", *sorted((root / "data").glob("*.ttl"))]:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        return {"seconds": time.perf_counter() - start, "info": f"{len(store)} triples"}

    if step.startswith("old-"):
        if step == "old-load":
            start = time.perf_counter()
            graph = _old_graph(root)
            return {"seconds": time.perf_counter() - start, "info": f"{len(graph)} triples"}
        graph = _old_graph(root)
        if step == "old-validate":
            from pyshacl import validate
            from rdflib import Graph

            shapes = Graph()
            for path in [root / "ontology" / "shapes.ttl", *sorted((root / "ontology" / "shapes").glob("*.ttl"))]:
                shapes.parse(path, format="turtle")
            start = time.perf_counter()
            conforms, _report, _text = validate(graph, shacl_graph=shapes, inference="none", advanced=True,
                                                allow_warnings=True)
            return {"seconds": time.perf_counter() - start, "info": f"conforms={conforms}"}
        if step.startswith("old-query:"):
            from rdflib import Literal, URIRef

            from rdflib.namespace import XSD

            name = step.split(":", 1)[1]
            text = (root / "queries" / f"{name}.rq").read_text(encoding="utf-8")
            kinds = {m.group(1): m.group(2) for m in map(_PARAM.match, text.splitlines()) if m}
            as_term = {"IRI": lambda v: URIRef(_expand(v)), "integer": lambda v: Literal(int(v)),
                       "date": lambda v: Literal(v, datatype=XSD.date), "string": Literal}
            bindings = {k: as_term[kinds.get(k, "string")](v) for k, v in params.items()}
            start = time.perf_counter()
            rows = len(list(graph.query(text, initBindings=bindings)))
            return {"seconds": time.perf_counter() - start, "info": f"{rows} rows"}
        raise SystemExit(f"unknown step {step!r}")

    from tarawa_kg import Project, load_project

    project = Project(root)
    if step == "load":
        start = time.perf_counter()
        graph = load_project(project)
        return {"seconds": time.perf_counter() - start, "info": f"{len(graph)} triples", "triples": len(graph)}
    graph = load_project(project)
    if step == "validate":
        from tarawa_kg import validate_graph
        from tarawa_kg.load import load_shapes

        start = time.perf_counter()
        report = validate_graph(graph, load_shapes(project))
        return {"seconds": time.perf_counter() - start, "info": report.summary()}
    if step.startswith("export:"):
        from tarawa_kg.export import serialize_graph

        start = time.perf_counter()
        data = serialize_graph(graph, step.split(":", 1)[1])
        return {"seconds": time.perf_counter() - start, "info": f"{len(data) / 1e6:.1f} MB"}
    if step.startswith("query:"):
        from tarawa_kg import run_query

        start = time.perf_counter()
        result = run_query(graph, step.split(":", 1)[1], params, project=project)
        return {"seconds": time.perf_counter() - start, "info": f"{len(result.rows)} rows"}
    raise SystemExit(f"unknown step {step!r}")


def child_main(step: str, root: Path, params_json: str) -> int:
    try:
        outcome = run_step(step, root, json.loads(params_json or "{}"))
    except Exception:  # the parent shows the last line of the traceback
        traceback.print_exc()
        return 1
    print(json.dumps(outcome))
    return 0


# ============================================================================== parent side
@dataclass
class Measure:
    """One step's outcome.

    :param seconds: the step's own time (library steps) or the whole process's (CLI steps)
    :param mb: peak RSS of the child process, MB
    :param status: ``ok``, ``timeout`` or ``failed``
    :param info: what the step reported (triples, rows, validation summary) or the error line
    """

    seconds: float | None = None
    mb: float | None = None
    status: str = "ok"
    info: str = ""
    exit_code: int | None = None
    timeout: float = 0.0
    error: str = ""

    def cell(self) -> str:
        if self.status == "timeout":
            return f"> {self.timeout:g} s (stopped)" + (f" · {self.mb:.0f} MB" if self.mb else "")
        if self.status == "failed":
            return f"failed: {self.info[:60]}"
        if self.status == "skipped":
            return self.info
        return f"{_secs(self.seconds)} · {self.mb:.0f} MB"


def _secs(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def _first_error_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("checkout: ")]
    return lines[0] if lines else ""


def _last_error_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


class Child:
    """A child process in its own process group, reaped with ``os.wait4`` for its own rusage."""

    tmpdir: Path | None = None
    """``TMPDIR`` of the children: what a stopped child leaves behind is removed with it."""

    def __init__(self, argv: list[str]):
        import subprocess

        self.out = tempfile.TemporaryFile()
        self.err = tempfile.TemporaryFile()
        env = dict(os.environ, TMPDIR=str(self.tmpdir)) if self.tmpdir else None
        self.start = time.perf_counter()
        self.process = subprocess.Popen(argv, stdout=self.out, stderr=self.err, stdin=subprocess.DEVNULL,
                                        env=env, start_new_session=True)
        self.timed_out = False

    def stop(self, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def wait(self, timeout: float) -> tuple[int, float, float]:
        """Wait for the end (killing the group after ``timeout`` s): exit code, wall seconds, peak MB."""
        def expire():
            self.timed_out = True
            self.stop()
        timer = threading.Timer(timeout, expire)
        timer.start()
        try:
            _pid, status, usage = os.wait4(self.process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - self.start
        self.process.returncode = os.waitstatus_to_exitcode(status)
        self.stop()  # whatever the process left running in its group
        return self.process.returncode, seconds, usage.ru_maxrss / 1024

    def output(self) -> tuple[str, str]:
        self.out.seek(0)
        self.err.seek(0)
        return (self.out.read().decode("utf-8", "replace"), self.err.read().decode("utf-8", "replace"))


def measure_step(step: str, root: Path, params: dict, timeout: float) -> Measure:
    """Run ``--step STEP`` in a child Python and collect its own timing and peak memory."""
    child = Child([sys.executable, str(Path(__file__).resolve()), "--step", step, "--root", str(root),
                   "--params", json.dumps(params)])
    code, _wall, mb = child.wait(timeout)
    out, err = child.output()
    if child.timed_out:
        return Measure(mb=mb, status="timeout", timeout=timeout)
    if code != 0:
        return Measure(mb=mb, status="failed", info=_last_error_line(err) or f"exit {code}", exit_code=code)
    outcome = json.loads(out.strip().splitlines()[-1])
    return Measure(outcome["seconds"], mb, info=outcome.get("info", ""), exit_code=0)


def measure_cli(argv: list[str], timeout: float, expect: tuple[int, ...] = (0,)) -> Measure:
    """Run a whole ``tarawa-kg`` process: wall time from start to exit, peak memory, exit code."""
    child = Child(argv)
    code, seconds, mb = child.wait(timeout)
    out, err = child.output()
    if child.timed_out:
        return Measure(mb=mb, status="timeout", timeout=timeout, exit_code=code)
    error = _first_error_line(err)
    info = error if code not in expect else _last_error_line(out)
    return Measure(seconds, mb, status="ok" if code in expect else "failed", info=info, exit_code=code,
                   error=error)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_serve(tarawa_kg: str, root: Path, timeout: float) -> Measure:
    """Start ``tarawa-kg serve`` on a free loopback port; time until ``GET /query?query=ASK{}``
    answers; then stop it (SIGTERM, which it forwards to the Oxigraph server)."""
    port = free_port()
    child = Child([tarawa_kg, "serve", "--root", str(root), "--host", "127.0.0.1", "--port", str(port)])
    url = f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"
    listening = None
    deadline = child.start + timeout
    while time.perf_counter() < deadline and child.process.poll() is None:
        try:
            with urllib.request.urlopen(urllib.request.Request(
                    url, headers={"Accept": "application/sparql-results+json"}), timeout=2) as response:
                if response.status == 200:
                    listening = time.perf_counter() - child.start
                    break
        except OSError:  # refused (not listening yet), reset, or HTTP error
            time.sleep(0.05)
    if child.process.poll() is None:
        try:
            os.kill(child.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    code, _seconds, mb = child.wait(15)  # SIGTERM: it stops the server and removes its store
    _out, err = child.output()
    if listening is not None:
        return Measure(listening, mb, info=f"port {port}", exit_code=code)
    if time.perf_counter() >= deadline:
        return Measure(mb=mb, status="timeout", timeout=timeout, exit_code=code)
    return Measure(mb=mb, status="failed", info=_first_error_line(err) or f"exit {code}", exit_code=code)


# ------------------------------------------------------------------------------ what to run
@dataclass
class Query:
    name: str
    params: dict[str, str]
    skip: str = ""


def saved_queries(root: Path) -> list[Query]:
    """Every ``queries/*.rq``, with an example value for each required parameter (the header's own
    ``e.g.`` if it gives one, else an entity of the parameter's class)."""
    out = []
    for path in sorted((root / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        params = {}
        for line in text.splitlines():
            match = _PARAM.match(line)
            if match and match.group(3) == "required":
                name, kind, cls, doc = match.group(1), match.group(2), match.group(4), match.group(5) or ""
                example = _EG.search(doc)
                params[name] = (example.group(1) if example and kind == "IRI"
                                else EXAMPLES.get(cls or "", KIND_EXAMPLES[kind]))
        skip = "skipped (SERVICE)" if re.search(r"\bSERVICE\b", text) else ""
        out.append(Query(path.stem, params, skip))
    return out


@dataclass
class Dataset:
    label: str
    root: Path
    copies: int = 1
    triples: int | None = None
    results: dict[str, Measure] = field(default_factory=dict)
    old: dict[str, Measure] = field(default_factory=dict)


def parse_only(values: str | None, copies: list[int]) -> tuple[set[str] | None, set[str] | None]:
    """``--only real,10,query`` → (datasets, step groups); ``None`` means all."""
    if not values:
        return None, None
    datasets, groups = set(), set()
    for item in (v.strip().lower() for v in values.split(",") if v.strip()):
        if item == "real" or re.fullmatch(r"[0-9]+x?", item):
            datasets.add(item.rstrip("x"))
        elif item in GROUPS:
            groups.add(item)
        else:
            raise SystemExit(f"--only: {item!r} is neither a dataset (real, {', '.join(map(str, copies))}) "
                             f"nor a step group ({', '.join(GROUPS)})")
    return datasets or None, groups or None


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or "?"
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass

    def version(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"
    return (f"machine: {os.cpu_count()} CPUs, {model}, {ram} RAM, {platform.system()} {platform.release()}\n"
            f"python {platform.python_version()}, pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')}, "
            f"pyshacl {version('pyshacl')}, tarawa-kg {version('tarawa-kg')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="See the module docstring for what each row measures.")
    parser.add_argument("--copies", default="10,50",
                        help="comma-separated copy counts of the generated data sets (default 10,50; '' for none)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per step before it is stopped (300)")
    parser.add_argument("--big-timeout", type=float, default=300.0,
                        help="seconds for 'tarawa-kg validate' of the big file (300)")
    parser.add_argument("--big-mb", type=float, default=50.0, help="size of the big extra file, MB (50)")
    parser.add_argument("--skip-old", action="store_true", help="do not run the old rdflib/pySHACL path")
    parser.add_argument("--old-on-all", action="store_true",
                        help="run the old path on the generated data too (default: real data only)")
    parser.add_argument("--only", default=None, metavar="ITEMS",
                        help="comma-separated datasets (real, 10, 50…) and/or step groups "
                             f"({', '.join(GROUPS)}) to run; e.g. --only real or --only 50,query")
    parser.add_argument("--root", type=Path, default=REPO, help="the real checkout (default: this one)")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="generate the data sets and the big file in DIR and keep them")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        return child_main(args.step, args.root, args.params)

    from rich.console import Console
    from rich.table import Table

    import generate

    console = Console(stderr=True)
    copies = [int(c) for c in args.copies.split(",") if c.strip()]
    only_sets, only_groups = parse_only(args.only, copies)

    def wanted(group: str) -> bool:
        return only_groups is None or group in only_groups

    tarawa_kg = str(Path(sys.executable).parent / "tarawa-kg")
    if not Path(tarawa_kg).is_file():
        tarawa_kg = shutil.which("tarawa-kg") or tarawa_kg
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tarawa-kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    Child.tmpdir = work / "tmp"
    Child.tmpdir.mkdir(exist_ok=True)
    root = args.root.resolve()
    queries = saved_queries(root)
    small = work / "extra-3-triples.ttl"
    small.write_text(SMALL_FILE, encoding="utf-8")

    datasets = []
    if only_sets is None or "real" in only_sets:
        datasets.append(Dataset("real", root))
    model = None
    for n in copies:
        if only_sets is not None and str(n) not in only_sets:
            continue
        model = model or generate.analyse(root)
        with console.status(f"generating {n} copies…"):
            result = generate.generate(n, work / f"copies-{n}", root, overwrite=True, model=model)
        console.log(f"generated {n} copies ({result.triples} data triples) in {result.seconds:.1f} s")
        datasets.append(Dataset(f"{n}×", result.root, n))

    # rows: (key, label, group); the old path has a row's equivalent when the key is in old_steps
    rows: list[tuple[str, str, str]] = [("load", "load (load_project)", "load"),
                                        ("bulk", "pyoxigraph bulk_load (same files)", "bulk"),
                                        ("validate", "validate (validate_graph)", "validate")]
    rows += [(f"export:{f}", f"export {f}", "export") for f in EXPORT_FORMATS]
    rows += [(f"query:{q.name}", f"query {q.name}" + (" " + " ".join(f"{k}={v}" for k, v in q.params.items())
                                                       if q.params else ""), "query") for q in queries]
    rows += [("cli:validate", "cli validate + 3-triple file", "cli"), ("cli:build", "cli build", "cli"),
             ("cli:timeline", "cli query timeline", "cli"), ("cli:serve", "cli serve (time to listen)", "cli")]
    old_steps = {"load": "old-load", "validate": "old-validate"}
    old_steps.update({f"query:{q.name}": f"old-query:{q.name}" for q in queries})
    by_name = {q.name: q for q in queries}

    for data in datasets:
        run_old = not args.skip_old and (data.label == "real" or args.old_on_all)
        for key, label, group in rows:
            old_wanted = run_old and key in old_steps and (wanted(group) or wanted("old"))
            if not wanted(group) and not old_wanted:
                continue
            query = by_name.get(key.split(":", 1)[1]) if key.startswith("query:") else None
            if wanted(group):
                console.log(f"{data.label}: {label}")
                if query and query.skip:
                    data.results[key] = Measure(status="skipped", info=query.skip)
                elif key == "cli:validate":
                    data.results[key] = measure_cli([tarawa_kg, "validate", "--root", str(data.root), str(small)],
                                                    args.timeout)
                elif key == "cli:build":
                    with tempfile.TemporaryDirectory(dir=work) as out:
                        data.results[key] = measure_cli([tarawa_kg, "build", "--root", str(data.root), "--out", out],
                                                        args.timeout)
                elif key == "cli:timeline":
                    data.results[key] = measure_cli([tarawa_kg, "query", "timeline", "--root", str(data.root)],
                                                    args.timeout)
                elif key == "cli:serve":
                    data.results[key] = measure_serve(tarawa_kg, data.root, args.timeout)
                else:
                    data.results[key] = measure_step(key, data.root, query.params if query else {}, args.timeout)
                if key == "load" and data.results[key].status == "ok":
                    data.triples = int(data.results[key].info.split()[0])
            if old_wanted and not (query and query.skip):
                console.log(f"{data.label}: old {label}")
                data.old[key] = measure_step(old_steps[key], data.root, query.params if query else {}, args.timeout)

    big = None
    if wanted("big") and (only_sets is None or "real" in only_sets):
        model = model or generate.analyse(root)
        big_file = work / "big.ttl"  # N-Triples content: valid Turtle, read as Turtle by its suffix
        with console.status("writing the big extra file…"):
            sample = work / "one-copy.nt"
            generate.write_ntriples(sample, [2], model)
            n_big = max(1, round(args.big_mb * 1e6 / sample.stat().st_size))
            sample.unlink()
            count = generate.write_ntriples(big_file, range(2, 2 + n_big), model)
        size = big_file.stat().st_size / 1e6
        console.log(f"big.ttl: {size:.0f} MB, {n_big} copies, {count} triples; running tarawa-kg validate")
        big = (size, n_big, count, measure_cli([tarawa_kg, "validate", "--root", str(root), str(big_file)],
                                              args.big_timeout, expect=(0, 1)))

    # ------------------------------------------------------------------ the table
    print(machine())
    table = Table(title="tarawa-kg engine: wall seconds · peak RSS (MB) per step, each in a fresh process",
                  title_justify="left", show_lines=False)
    table.add_column("step")
    columns = []
    for data in datasets:
        triples = f"{data.triples:,} triples" if data.triples else ""
        if data.results or (big is not None and data.label == "real"):
            table.add_column(f"{data.label}\n{triples}", justify="right")
            columns.append((data, False))
        if data.old:
            table.add_column(f"{data.label} old\n(rdflib, pySHACL)", justify="right")
            columns.append((data, True))
    for key, label, _group in rows:
        cells = []
        for data, old in columns:
            measure = (data.old if old else data.results).get(key)
            cells.append(measure.cell() if measure else "—")
        if any(c != "—" for c in cells):
            table.add_row(label, *cells)
    if big is not None:
        size, n_big, count, measure = big
        cells = []
        for data, old in columns:
            cells.append(f"{measure.cell()} · exit {measure.exit_code}" if data.label == "real" and not old else "—")
        if not columns:
            table.add_column("real", justify="right")
            cells = [f"{measure.cell()} · exit {measure.exit_code}"]
        table.add_row(f"cli validate + big.ttl ({size:.0f} MB, {n_big} copies)", *cells)
    Console(width=max(160, shutil.get_terminal_size().columns)).print(table)
    notes = ["library rows: the call's own time; memory: the child's peak, including the graph it loaded first. "
             "cli rows: the whole process, start-up included; serve: until GET /query?query=ASK{} answers "
             "(memory of the tarawa-kg process only)."]
    if big is not None:
        size, n_big, count, measure = big
        outcome = (f"stopped after {measure.timeout:g} s" if measure.status == "timeout" else
                   f"exit {measure.exit_code}; first error line (after 'checkout: …'): "
                   f"{measure.error or '(none)'}" + (f"; summary: {measure.info}" if measure.exit_code in (0, 1) else ""))
        notes.append(f"big.ttl: {size:.1f} MB of N-Triples, {count:,} triples (copies 2..{n_big + 1}); "
                     f"tarawa-kg validate --root {root} big.ttl: {outcome}")
    skipped = [q.name for q in queries if q.skip]
    if skipped and wanted("query"):
        notes.append(f"not run: {', '.join(skipped)} (SERVICE: needs the live Wikidata endpoint)")
    failed = [(d.label, k, m.info) for d in datasets for k, m in [*d.results.items(), *d.old.items()]
              if m.status == "failed"]
    for label, key, info in failed:
        notes.append(f"failed: {label} {key}: {info}")
    for note in notes:
        print(note)
    shutil.rmtree(Child.tmpdir, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
