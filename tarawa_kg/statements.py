"""Reading the project's statements: citations, ``tkg:Statement`` nodes, classes and labels.

The curated data writes a disputable fact as a ``tkg:Statement`` (``tkg:subject``,
``tkg:property``, ``tkg:value``, ``tkg:statementRank``) and cites it, like an entity, with
``prov:wasDerivedFrom [ a tkg:Citation ; tkg:source … ; tkg:locator … ; tkg:quote … ]``
(docs/data-conventions.md). These functions read that shape from an rdflib ``Graph`` or a
:class:`tarawa_kg.store.KnowledgeGraph`; every result is sorted, so callers are deterministic.

>>> from rdflib import Graph
>>> g = Graph().parse(format="turtle", data='''
... @prefix tkg: <https://w3id.org/tarawa-kg/ontology#> .
... @prefix prov: <http://www.w3.org/ns/prov#> .
... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
... <http://e/s> a tkg:Statement ; tkg:subject <http://e/a> ; tkg:property tkg:killed ;
...     prov:wasDerivedFrom [ tkg:source <http://e/src> ; tkg:locator "p. 3" ] .
... <http://e/a> a tkg:Battle ; rdfs:label "A"@en .
... tkg:Battle rdfs:subClassOf tkg:Event .''')
>>> [str(s) for s in statements(g, URIRef("http://e/a"), TKG.killed)]
['http://e/s']
>>> citations(g, URIRef("http://e/s"))[0].locator
'p. 3'
>>> is_a(g, URIRef("http://e/a"), TKG.Event), en_label(g, URIRef("http://e/a"))
(True, 'A')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from tarawa_kg.namespaces import TKG


@dataclass(frozen=True)
class Citation:
    """One ``tkg:Citation``: source IRI, locator and optional quote (a language-tagged literal)."""

    source: str
    locator: str | None
    quote: Literal | None


def citations(graph: Graph, node) -> list[Citation]:
    """The citations of an entity or statement (those with a ``tkg:source``), sorted by source,
    locator and quote."""
    out = []
    for cite in graph.objects(node, PROV.wasDerivedFrom):
        source = graph.value(cite, TKG.source)
        if source is None:
            continue
        locator = graph.value(cite, TKG.locator)
        out.append(Citation(str(source), str(locator) if locator is not None else None,
                            graph.value(cite, TKG.quote)))
    return sorted(out, key=lambda c: (c.source, c.locator or "", str(c.quote or "")))


def cited_sources(cites: Iterable[Citation]) -> tuple[str, ...]:
    """The distinct source IRIs of ``cites``, sorted."""
    return tuple(sorted({c.source for c in cites}))


def statements(graph: Graph, subject, prop: URIRef, rank: URIRef | None = None) -> list[URIRef]:
    """``tkg:Statement`` nodes about ``subject`` with ``tkg:property prop`` (and ``rank``), sorted."""
    out = []
    for st in graph.subjects(TKG.subject, subject):
        if graph.value(st, TKG.property) != prop:
            continue
        if rank is not None and graph.value(st, TKG.statementRank) != rank:
            continue
        out.append(st)
    return sorted(out)


def superclasses(graph: Graph, entity) -> set[URIRef]:
    """The classes of ``entity``: its ``rdf:type`` values and their ``rdfs:subClassOf*``."""
    found: set[URIRef] = set()
    todo = list(graph.objects(entity, RDF.type))
    while todo:
        cls = todo.pop()
        if cls in found:
            continue
        found.add(cls)
        todo.extend(graph.objects(cls, RDFS.subClassOf))
    return found


def is_a(graph: Graph, entity, cls: URIRef) -> bool:
    """Whether ``entity`` is an instance of ``cls``, directly or through ``rdfs:subClassOf``."""
    return cls in superclasses(graph, entity)


def labels(graph: Graph, entity, lang: str | None = None, prop=RDFS.label) -> list[str]:
    """The literal values of ``prop`` (default ``rdfs:label``) of ``entity`` in ``lang`` (any
    language when ``None``), as text, sorted."""
    return sorted(str(o) for o in graph.objects(entity, prop)
                  if isinstance(o, Literal) and (lang is None or o.language == lang))


def en_label(graph: Graph, entity) -> str:
    """The first English label in sorted order, else the last segment of the IRI."""
    found = labels(graph, entity, "en")
    return found[0] if found else str(entity).rsplit("/", 1)[-1]
