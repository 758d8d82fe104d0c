"""The embedded engine: the knowledge graph held in one in-process Oxigraph store (pyoxigraph).

Saved queries, the SHACL-SPARQL rules and the exports run on the store. An rdflib view of the
same triples is made on demand, once, for the tools that take an rdflib ``Graph`` (pySHACL's SHACL
Core validation, the Wikidata tools, users' own rdflib code).
"""

from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(term):
    """A pyoxigraph term as the equal rdflib term (``None`` stays ``None``).

    >>> to_rdflib(ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))).toPython()
    5
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"not an RDF term of a graph: {term!r}")


def from_rdflib(term):
    """An rdflib term as the equal pyoxigraph term.

    >>> from_rdflib(URIRef("https://w3id.org/tarawa-kg/id/place/betio"))
    <NamedNode value=https://w3id.org/tarawa-kg/id/place/betio>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _RDF_LANG_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term of a graph: {term!r}")


class KnowledgeGraph:
    """A graph held in an in-memory Oxigraph store, with a read-only rdflib view.

    :param triples: pyoxigraph ``Triple`` objects, or ``Quad`` objects of the default graph
        (duplicates are merged)
    :param prefixes: prefixes the source files declare (name → namespace), bound on the rdflib
        view where they do not clash with the project's own

    Every rdflib read method (``value``, ``subjects``, ``objects``, ``triples``, ``qname``,
    ``namespace_manager``…) is answered by the rdflib view (:attr:`graph`), so code written for an
    rdflib ``Graph`` reads a ``KnowledgeGraph`` unchanged. Change it only through :meth:`extend`.

    >>> kg = KnowledgeGraph([ox.Triple(ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/p"), ox.Literal("x"))])
    >>> len(kg), kg.value(URIRef("http://ex/a"), URIRef("http://ex/p"))
    (1, rdflib.term.Literal('x'))
    """

    def __init__(self, triples: Iterable = (), prefixes: dict[str, str] | None = None):
        self.store = ox.Store()
        self.prefixes = dict(prefixes or {})
        self._graph: Graph | None = None
        self.extend(triples)

    def extend(self, triples: Iterable) -> None:
        """Add triples, or quads of the default graph, to the default graph of the store."""
        self.store.bulk_extend(t if isinstance(t, ox.Quad) else ox.Quad(t.subject, t.predicate, t.object)
                               for t in triples)
        self._graph = None

    def __len__(self) -> int:
        return len(self.store)

    def oxigraph_triples(self) -> Iterator[ox.Triple]:
        """Every triple, as pyoxigraph terms, in the store's order (not sorted)."""
        for quad in self.store:
            yield quad.triple

    def __iter__(self):
        return iter(self.graph)

    def __contains__(self, triple) -> bool:
        return triple in self.graph

    @property
    def graph(self) -> Graph:
        """The same triples as an rdflib ``Graph`` with the project's prefixes (made once, then
        kept until the next :meth:`extend`)."""
        if self._graph is None:
            from tarawa_kg.namespaces import bind_prefixes

            graph = Graph()
            bind_prefixes(graph)
            bound = {str(ns) for _p, ns in graph.namespaces()}
            names = {p for p, _ns in graph.namespaces()}
            for prefix, namespace in sorted(self.prefixes.items()):
                if prefix and prefix not in names and namespace not in bound:
                    graph.bind(prefix, namespace)
            cache: dict = {}

            def conv(term):
                found = cache.get(term)
                if found is None:
                    found = cache[term] = to_rdflib(term)
                return found

            add = graph.add
            for quad in self.store:
                add((conv(quad.subject), conv(quad.predicate), conv(quad.object)))
            self._graph = graph
        return self._graph

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.graph, name)

    def select(self, sparql: str) -> tuple[list[str], list[tuple]]:
        """Run a SPARQL SELECT on the store.

        :returns: the projected variable names and the rows, one rdflib term (or ``None`` when
            unbound) per variable
        :raises SyntaxError: the query does not parse (pyoxigraph's message)
        """
        solutions = self.store.query(sparql)
        names = [v.value for v in solutions.variables]
        rows = [tuple(to_rdflib(solution[i]) for i in range(len(names))) for solution in solutions]
        return names, rows

    def ask(self, sparql: str) -> bool:
        """Run a SPARQL ASK on the store."""
        return bool(self.store.query(sparql))


def as_knowledge_graph(graph) -> KnowledgeGraph:
    """``graph`` itself when it is a :class:`KnowledgeGraph`, else an rdflib ``Graph`` copied into
    a new store (for users who hand the library their own rdflib graph)."""
    if isinstance(graph, KnowledgeGraph):
        return graph
    kg = KnowledgeGraph(ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph)
    kg._graph = graph
    return kg
