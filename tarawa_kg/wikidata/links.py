"""Our side of the links: which entities are linked to which item, their names and classes.

Our links are ``skos:exactMatch wd:Q…`` with, in ``data/wikidata.ttl``, a ``tkg:wikidataStatus``
and a ``tkg:wikidataItem`` statement whose citation is the evidence for the QID.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from tarawa_kg.namespaces import TKG, WD as WD_NS
from tarawa_kg.statements import en_label, labels, superclasses

WD = str(WD_NS)
"""``http://www.wikidata.org/entity/``."""
QID_PATTERN = re.compile(r"^Q[1-9][0-9]*$")

CLASS_ALLOW_LIST: dict[URIRef, tuple[str, ...]] = {
    TKG.Person: ("Q5",),
    TKG.Battle: ("Q178561",),
    TKG.Campaign: ("Q831663",),
    TKG.Operation: ("Q645883",),
    TKG.War: ("Q198",),
}
"""Our class → the Wikidata classes an item's ``P31`` (or a ``P279*`` superclass of it) must be.
Only classes whose QIDs were verified are listed."""
CLASS_NAMES = {"Q5": "human", "Q178561": "battle", "Q831663": "military campaign",
               "Q645883": "military operation", "Q198": "war"}


def normalise_label(text: str) -> str:
    """A label for comparison: no diacritics, case-folded, punctuation removed.

    Dots and apostrophes vanish (``U.S.`` = ``US``); other punctuation separates words.

    >>> normalise_label("Saichirō  TOMONARI")
    'saichiro tomonari'
    >>> normalise_label("U.S. Navy") == normalise_label("US Navy")
    True
    >>> normalise_label("USS Liscome Bay (CVE-56)")
    'uss liscome bay cve 56'
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[.'’ʻ]", "", text)
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def label_variants(text: str) -> list[str]:
    """The label, the label without a parenthesis, and a short name given in the parenthesis.

    >>> label_variants("Truk (Chuuk Lagoon)")
    ['Truk (Chuuk Lagoon)', 'Truk', 'Chuuk Lagoon']
    >>> label_variants("Betio")
    ['Betio']
    """
    out = [text]
    match = re.fullmatch(r"\s*(.+?)\s*\(([^()]*)\)\s*", text)
    if match:
        out.append(match.group(1))
        inner = match.group(2).strip()
        if inner and len(inner.split()) <= 5 and not re.search(r"[\"“”«»,;]", inner):
            out.append(inner)
    seen, unique = set(), []
    for item in out:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return unique


def qid_of(term) -> str | None:
    """``"Q42"`` for ``http://www.wikidata.org/entity/Q42``, else ``None``.

    >>> qid_of("http://www.wikidata.org/entity/Q42"), qid_of("http://www.wikidata.org/entity/P31")
    ('Q42', None)
    """
    text = str(term)
    if text.startswith(WD) and QID_PATTERN.match(text[len(WD):]):
        return text[len(WD):]
    return None


def qnum(qid: str) -> int:
    """The number of a QID, to sort QIDs numerically (``"Q42"`` → 42)."""
    return int(qid[1:])


def wd_item(qid: str) -> URIRef:
    """The entity IRI of ``qid``."""
    return URIRef(WD + qid)


def allowed_classes(graph: Graph, entity) -> tuple[str, ...]:
    """The Wikidata classes an item for ``entity`` may be an instance of (empty: not checked)."""
    out: set[str] = set()
    for cls in superclasses(graph, entity):
        out.update(CLASS_ALLOW_LIST.get(cls, ()))
    return tuple(sorted(out, key=qnum))


def class_names(qids) -> str:
    """``"Q5 (human) or Q198 (war)"``: QIDs with their English names, joined by "or"."""
    return " or ".join(f"{q} ({CLASS_NAMES.get(q, q)})" for q in qids)


@dataclass(frozen=True)
class LinkedEntity:
    """An entity with ``skos:exactMatch wd:Q…``."""

    iri: str
    qid: str
    label: str
    names: frozenset[str]
    """Normalised English label (and its variants) and every alternative label."""


def linked_entities(graph: Graph) -> list[LinkedEntity]:
    """Every entity linked to a Wikidata item, sorted by IRI."""
    out = []
    for entity, target in graph.subject_objects(SKOS.exactMatch):
        qid = qid_of(target)
        if qid is None or not isinstance(entity, URIRef):
            continue
        out.append(LinkedEntity(str(entity), qid, en_label(graph, entity), our_names(graph, entity)))
    return sorted(out, key=lambda e: (e.iri, qnum(e.qid)))


def our_names(graph: Graph, entity) -> frozenset[str]:
    """Normalised English labels (with their :func:`label_variants`) and alternative labels."""
    names = set()
    for label in labels(graph, entity, "en"):
        names.update(normalise_label(v) for v in label_variants(label))
    for alt in labels(graph, entity, prop=SKOS.altLabel):
        names.add(normalise_label(alt))
    return frozenset(n for n in names if n)


def link_status(graph: Graph, entity) -> URIRef | None:
    """The entity's ``tkg:wikidataStatus`` (``tkg:Linked``, ``tkg:AwaitingReconciliation``…)."""
    return graph.value(URIRef(str(entity)), TKG.wikidataStatus)


def awaiting_entities(graph: Graph) -> list[URIRef]:
    """Entities with ``tkg:wikidataStatus tkg:AwaitingReconciliation``, sorted."""
    return sorted(s for s in graph.subjects(TKG.wikidataStatus, TKG.AwaitingReconciliation)
                  if isinstance(s, URIRef))
