"""Best values: the "truthy" view of the statements, as direct triples.

For every statement property, the value of each preferred statement and, where a fact (one subject
and property with the same qualifiers) has no preferred statement, the values of its normal ones;
deprecated statements never. The selection is the saved query ``queries/best-values.rq``, written
once: :func:`best_value_triples` wraps it as a sub-query of a SPARQL CONSTRUCT run on the
embedded Oxigraph store, so the query a user runs and the triples the build writes cannot drift
apart. The triples are ``subject property value``: e.g. ``unit:betio-garrison tkg:strength 4836``,
as Wikidata's ``wdt:`` triples (qualifiers and units are not carried; the saved query gives them).
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import URIRef

from tarawa_kg.export import canonical_triples, serialize_triples
from tarawa_kg.project import Project
from tarawa_kg.queries import get_query
from tarawa_kg.store import KnowledgeGraph, as_knowledge_graph

QUERY_NAME = "best-values"
BEST_GRAPH = URIRef("https://w3id.org/tarawa-kg/graph/best-values")
"""Name of the named graph holding the best-value triples in ``tarawa-kg-best.trig``."""
FILES = {"tarawa-kg-best.ttl": "turtle", "tarawa-kg-best.trig": "trig"}
"""Files made by :func:`serialize_best_values` (name → export format)."""

_PREFIX = re.compile(r"^\s*PREFIX\s+\S+\s*<[^>]*>\s*$", re.IGNORECASE | re.MULTILINE)


def construct_query(project: Project | None = None) -> str:
    """The CONSTRUCT query: the saved ``best-values`` SELECT (its prefixes, then the SELECT as a
    sub-query) with ``CONSTRUCT { ?subject ?property ?value }`` around it.

    :raises QueryNotFound: ``queries/best-values.rq`` is missing

    >>> query = construct_query()
    >>> query.splitlines()[0], "CONSTRUCT { ?subject ?property ?value }" in query
    ('PREFIX tkg:  <https://w3id.org/tarawa-kg/ontology#>', True)
    """
    text = get_query(QUERY_NAME, project).text
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    prefixes = "\n".join(m.group(0).strip() for m in _PREFIX.finditer(body))
    select = _PREFIX.sub("", body).strip()
    return f"{prefixes}\nCONSTRUCT {{ ?subject ?property ?value }}\nWHERE {{\n{{\n{select}\n}}\n}}\n"


def best_value_triples(graph, project: Project | None = None) -> KnowledgeGraph:
    """The best-value triples of ``graph``, computed by SPARQL CONSTRUCT on its Oxigraph store.

    :param graph: the knowledge graph (:func:`tarawa_kg.load_project`) or an rdflib ``Graph``
    :returns: a new :class:`~tarawa_kg.store.KnowledgeGraph` holding only the direct triples
        (subject, statement property, value), with the graph's prefixes
    :raises QueryNotFound: the saved query is missing
    """
    kg = as_knowledge_graph(graph)
    result = kg.store.query(construct_query(project))
    return KnowledgeGraph((t for t in result), prefixes=getattr(kg, "prefixes", None))


def serialize_best_values(graph, project: Project | None = None) -> dict[str, bytes]:
    """The best-value files, name → bytes: ``tarawa-kg-best.ttl`` (Turtle) and
    ``tarawa-kg-best.trig`` (the same triples in the named graph :data:`BEST_GRAPH`), each
    deterministically ordered. ``build`` writes them with its other outputs, as one set.
    """
    triples = canonical_triples(best_value_triples(graph, project))
    return {name: serialize_triples(triples, fmt, BEST_GRAPH) for name, fmt in FILES.items()}


__all__ = ["BEST_GRAPH", "FILES", "best_value_triples", "construct_query", "serialize_best_values"]
