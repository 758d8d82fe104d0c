"""The article's fact-check layer as W3C Web Annotations (``dist/article-annotations.jsonld``).

One ``oa:Annotation`` per claim of the source article (a statement whose citation of
``src:tarawa-article-fr`` gives ``tkg:paragraph``, see ``docs/data-conventions.md``), motivated by
``oa:assessing``. Its target is the article's web page (the source's ``schema:url``) narrowed by a
``oa:TextQuoteSelector`` whose ``exact`` is the claim's French words (``tkg:statedAs``); the
project keeps no prefix or suffix, because the article is not ours to republish and each claim's
words are chosen to occur once in it (``docs/decisions.md``). The bodies: the verdict as text
(English and French, purpose ``assessing``), the verdict concept (``classifying``), the statement
that records the claim (``linking``) and, for a wrong claim, the statement that corrects it
(``editing``).

The annotations are built by one SPARQL ``CONSTRUCT`` on the store (:data:`ANNOTATIONS_QUERY`),
serialised as N-Triples by pyoxigraph, read as JSON-LD and framed and compacted by PyLD with the terms of the W3C
Web Annotation context (:data:`ANNO_CONTEXT`, written out here so that nothing is fetched).
Every node has an IRI (``…/id/annotation/article-p<paragraph>-<statement slug>`` and fragments
of it), so the output is the same bytes for the same graph.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from tarawa_kg.errors import ExportError
from tarawa_kg.store import as_knowledge_graph

ANNO_CONTEXT_IRI = "http://www.w3.org/ns/anno.jsonld"
"""Where the W3C publishes the Web Annotation JSON-LD context."""

ANNO_CONTEXT = {
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "id": {"@type": "@id", "@id": "@id"},
    "type": {"@type": "@id", "@id": "@type"},
    "Annotation": "oa:Annotation",
    "TextualBody": "oa:TextualBody",
    "SpecificResource": "oa:SpecificResource",
    "TextQuoteSelector": "oa:TextQuoteSelector",
    "assessing": "oa:assessing",
    "classifying": "oa:classifying",
    "editing": "oa:editing",
    "linking": "oa:linking",
    "body": {"@type": "@id", "@id": "oa:hasBody"},
    "target": {"@type": "@id", "@id": "oa:hasTarget"},
    "source": {"@type": "@id", "@id": "oa:hasSource"},
    "selector": {"@type": "@id", "@id": "oa:hasSelector"},
    "motivation": {"@type": "@vocab", "@id": "oa:motivatedBy"},
    "purpose": {"@type": "@vocab", "@id": "oa:hasPurpose"},
    "value": "rdf:value",
    "exact": "oa:exact",
}
"""The terms of the W3C Web Annotation context (``http://www.w3.org/ns/anno.jsonld``, W3C
Recommendation of 23 February 2017) that the annotations use, with the same definitions, written
out so that building never fetches it. A client that reads ``anno.jsonld`` reads the same RDF."""

ANNOTATIONS_QUERY = """
PREFIX tkg:    <https://w3id.org/tarawa-kg/ontology#>
PREFIX prov:   <http://www.w3.org/ns/prov#>
PREFIX oa:     <http://www.w3.org/ns/oa#>
PREFIX rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs:   <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX src:    <https://w3id.org/tarawa-kg/id/source/>
CONSTRUCT {
  ?annotation a oa:Annotation ; oa:motivatedBy oa:assessing ;
      oa:hasBody ?label , ?verdictBody , ?statementBody , ?correctionBody ;
      oa:hasTarget ?target .
  ?target a oa:SpecificResource ; oa:hasSource ?page ; oa:hasSelector ?selector .
  ?selector a oa:TextQuoteSelector ; oa:exact ?words .
  ?label a oa:TextualBody ; oa:hasPurpose oa:assessing ; rdf:value ?verdictLabel .
  ?verdictBody a oa:SpecificResource ; oa:hasPurpose oa:classifying ; oa:hasSource ?verdict .
  ?statementBody a oa:SpecificResource ; oa:hasPurpose oa:linking ; oa:hasSource ?statement .
  ?correctionBody a oa:SpecificResource ; oa:hasPurpose oa:editing ; oa:hasSource ?correction .
}
WHERE {
  src:tarawa-article-fr schema:url ?page .
  ?statement a tkg:Statement ; prov:wasDerivedFrom ?citation ; tkg:verdict ?verdict ; tkg:statedAs ?exact .
  FILTER (LANG(?exact) = "fr")
  BIND (STR(?exact) AS ?words)
  ?citation tkg:source src:tarawa-article-fr ; tkg:paragraph ?paragraph .
  ?verdict rdfs:label ?verdictLabel .
  BIND (STR(?paragraph) AS ?n)
  BIND (IRI(CONCAT("https://w3id.org/tarawa-kg/id/annotation/article-p",
                   SUBSTR("000", 1, 3 - STRLEN(?n)), ?n, "-",
                   REPLACE(STR(?statement), "^.*/", ""))) AS ?annotation)
  BIND (IRI(CONCAT(STR(?annotation), "#target")) AS ?target)
  BIND (IRI(CONCAT(STR(?annotation), "#selector")) AS ?selector)
  BIND (IRI(CONCAT(STR(?annotation), "#verdict-text")) AS ?label)
  BIND (IRI(CONCAT(STR(?annotation), "#verdict")) AS ?verdictBody)
  BIND (IRI(CONCAT(STR(?annotation), "#statement")) AS ?statementBody)
  OPTIONAL { ?statement tkg:correctedBy ?correction }
  # unbound (no correction body) when the claim has no correction
  BIND (IRI(CONCAT(STR(?annotation), "#correction-", REPLACE(STR(?correction), "^.*/", ""))) AS ?correctionBody)
}
"""
"""The annotations as RDF (Web Annotation Vocabulary), from the claims in the store."""


def _no_fetch(url, options=None):
    raise ExportError(f"the annotations' JSON-LD would fetch {url}; every context is written out")


def article_annotations(graph) -> dict:
    """The article's claims as a JSON-LD document of W3C Web Annotations.

    :param graph: a :class:`~tarawa_kg.store.KnowledgeGraph` or an rdflib ``Graph`` holding the
        statements (claims with ``tkg:paragraph``, ``tkg:statedAs`` and ``tkg:verdict``) and the
        ontology (the verdicts' labels)
    :returns: ``{"@context": …, "@graph": [annotation, …]}``, the annotations sorted by
        paragraph then statement IRI, each with its target, selector and bodies embedded
    :raises ExportError: JSON-LD processing failed

    >>> from tarawa_kg import Project, load_project
    >>> doc = article_annotations(load_project(Project()))
    >>> doc["@context"]["exact"], doc["@context"]["body"]
    ('oa:exact', {'@type': '@id', '@id': 'oa:hasBody'})
    """
    from pyld import jsonld

    kg = as_knowledge_graph(graph)
    triples = sorted(kg.store.query(ANNOTATIONS_QUERY), key=str)
    if not triples:
        return {"@context": ANNO_CONTEXT, "@graph": []}
    nquads = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    frame = {"@context": ANNO_CONTEXT, "type": "Annotation"}
    try:
        expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads"})
        framed = jsonld.frame(expanded, frame, {"documentLoader": _no_fetch, "omitGraph": False,
                                                "embed": "@always"})
    except jsonld.JsonLdError as exc:
        raise ExportError(f"article annotations: JSON-LD framing failed: {exc}") from None
    framed["@graph"] = sorted(framed.get("@graph", []), key=lambda a: a["id"])
    for annotation in framed["@graph"]:
        if isinstance(annotation.get("body"), list):
            annotation["body"] = sorted(annotation["body"], key=lambda b: b["id"])
    return framed


def serialize_annotations(graph) -> bytes:
    """:func:`article_annotations` as UTF-8 JSON, indented, keys sorted: the same bytes for the
    same graph."""
    return (json.dumps(article_annotations(graph), indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
