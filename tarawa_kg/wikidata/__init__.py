"""Wikidata links: check them, reconcile the entities that await one, export QuickStatements.

Our links are ``skos:exactMatch wd:Q…`` with, in ``data/wikidata.ttl``, a ``tkg:wikidataStatus`` and
a ``tkg:wikidataItem`` statement whose citation is the evidence for the QID. The three operations
take the project graph (:func:`tarawa_kg.load_project`) and a SPARQL endpoint that speaks Wikidata's
RDF (``wd:``, ``wdt:``, ``p:``/``ps:``/``psv:``, ``wikibase:rank``, ``rdfs:label``,
``skos:altLabel``, ``schema:description``, ``owl:sameAs`` for redirects):

- :func:`check` compares each linked entity with its item: label, class (``P31``), dates
  (``P580``/``P582``/``P585``), deaths (``P1120``), pennant number (``P879``), missing and redirected
  items, and returns :class:`Finding` rows;
- :func:`reconcile` proposes ranked :class:`Candidate` items for the entities that await
  reconciliation, and :func:`accept` writes an accepted link into ``data/wikidata.ttl``;
- :func:`quickstatements` exports the sourced facts Wikidata lacks as QuickStatements v1.

Classes are checked only against the Wikidata classes whose QIDs the project has verified
(:data:`CLASS_ALLOW_LIST`); places, ships, units and organisations are not class-checked.

One module per job: :mod:`.links` (our side: linked entities, names, classes), :mod:`.fetch`
(Wikidata's side, with the queries of ``queries/*.rq``), :mod:`.values` (comparing dates and
numbers), :mod:`.check`, :mod:`.reconcile`, :mod:`.accept` (editing ``data/wikidata.ttl``) and
:mod:`.quickstatements`. The HTTP client is :mod:`tarawa_kg.wikidata_client`.
"""

from tarawa_kg.statements import Citation, citations, statements
from tarawa_kg.wikidata.accept import Accepted, ReconciliationError, accept
from tarawa_kg.wikidata.check import CHECK_PROPERTIES, FINDING_KINDS, Finding, check
from tarawa_kg.wikidata.fetch import WikidataItem
from tarawa_kg.wikidata.links import (
    CLASS_ALLOW_LIST, CLASS_NAMES, QID_PATTERN, WD, LinkedEntity, allowed_classes, awaiting_entities,
    label_variants, linked_entities, normalise_label, qid_of,
)
from tarawa_kg.wikidata.quickstatements import QuickStatements, Skipped, quickstatements
from tarawa_kg.wikidata.reconcile import (
    Candidate, Reconciliation, find_candidate, reconcile, review_document, write_review,
)
from tarawa_kg.wikidata.values import DATE_WINDOW

__all__ = [
    "Accepted", "CHECK_PROPERTIES", "CLASS_ALLOW_LIST", "CLASS_NAMES", "Candidate", "Citation",
    "DATE_WINDOW", "FINDING_KINDS", "Finding", "LinkedEntity", "QID_PATTERN", "QuickStatements",
    "Reconciliation", "ReconciliationError", "Skipped", "WD", "WikidataItem", "accept",
    "allowed_classes", "awaiting_entities", "check", "citations", "find_candidate", "label_variants",
    "linked_entities", "normalise_label", "qid_of", "quickstatements", "reconcile", "review_document",
    "statements", "write_review",
]
