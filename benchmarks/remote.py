"""Time to publish the graph and to run every saved query remotely, on Oxigraph and Virtuoso.

Usage: python benchmarks/remote.py   (needs the oxigraph command; Virtuoso via .ci/virtuoso.sh)
Prints one line per engine: publish seconds, all-queries seconds, and the slowest query.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import servers  # noqa: E402

from tarawa_kg import list_queries, load_project, run_query  # noqa: E402
from tarawa_kg.publish import publish  # noqa: E402
from tarawa_kg.remote import run_remote_query  # noqa: E402

GRAPH = "https://w3id.org/tarawa-kg/id/dataset/tarawa-kg"
PARAMS = {"events-at-place": {"place": "place:betio"}, "entity": {"entity": "person:julian-c-smith"},
          "participants": {"event": "event:battle-of-tarawa"}, "sub-events": {"event": "event:battle-of-tarawa"},
          "source-claims": {"source": "src:stockman-1947-battle-for-tarawa"},
          "totals": {"subject": "event:battle-of-makin", "property": "tkg:killed"}}


def main() -> None:
    graph = load_project()
    queries = [q for q in list_queries() if not q.name.startswith("federated")]
    start = time.perf_counter()
    for query in queries:
        run_query(graph, query, PARAMS.get(query.name, {}))
    print(f"local (rdflib): {len(queries)} queries in {time.perf_counter() - start:.2f} s")
    engines = [("oxigraph", servers.start_oxigraph, "graph")]
    if servers.virtuoso_binary():
        engines.append(("virtuoso", servers.start_virtuoso, "graph-uri"))
    for name, starter, param in engines:
        with tempfile.TemporaryDirectory() as tmp:
            server = starter(Path(tmp))
            try:
                result = publish(graph, server.store_url, GRAPH, auth=server.auth, graph_param=param)
                timings = []
                start = time.perf_counter()
                for query in queries:
                    t0 = time.perf_counter()
                    run_remote_query(server.query_url, query, PARAMS.get(query.name, {}), default_graph=GRAPH)
                    timings.append((time.perf_counter() - t0, query.name))
                total = time.perf_counter() - start
                slowest = max(timings)
                print(f"{name}: published {result.triples} triples ({result.bytes} bytes) in {result.seconds:.2f} s; "
                      f"{len(queries)} saved queries in {total:.2f} s (slowest: {slowest[1]} {slowest[0]:.2f} s)")
            finally:
                server.stop()


if __name__ == "__main__":
    main()
