"""``reconcile``: propose ranked Wikidata items for the entities that await a link, and the
review file a person reads before accepting one."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from tarawa_kg.export import write_atomic
from tarawa_kg.namespaces import TKG
from tarawa_kg.statements import en_label, is_a, labels
from tarawa_kg.wikidata.fetch import WikidataItem, bound_query, fetch_items, make_client
from tarawa_kg.wikidata.links import (
    allowed_classes, awaiting_entities, class_names, label_variants, linked_entities, normalise_label,
    our_names, qid_of, qnum,
)
from tarawa_kg.wikidata.values import date_part, hull, within_window
from tarawa_kg.wikidata_client import WIKIDATA_ENDPOINT, WikidataClient, values_block


@dataclass(frozen=True)
class Candidate:
    """A Wikidata item proposed for an entity.

    :param qid: the item
    :param label: its English label (else French, else the text that matched)
    :param description: its English description, if any
    :param score: 0–1: name evidence (0.5 English label, 0.4 French label, 0.35 alias) plus 0.25
        for each corroboration that holds (class, date window, pennant number)
    :param reason: why, in English (used as the quote of the evidence when accepted)
    :param matched: our labels that found it
    """

    qid: str
    label: str
    description: str | None
    score: float
    reason: str
    matched: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """A JSON-ready dict."""
        out = asdict(self)
        out["matched"] = list(self.matched)
        return out


@dataclass
class Reconciliation:
    """Candidates for one entity awaiting reconciliation.

    :param entity: the entity's IRI
    :param label: its English label
    :param candidates: compatible candidates, best first
    :param rejected: items found by label but ruled out (class, date, pennant number, or already
        linked to another entity), with the reason
    """

    entity: str
    label: str
    candidates: list[Candidate] = field(default_factory=list)
    rejected: list[Candidate] = field(default_factory=list)

    def as_dict(self) -> dict:
        """A JSON-ready dict."""
        return {"entity": self.entity, "label": self.label,
                "candidates": [c.as_dict() for c in self.candidates],
                "rejected": [c.as_dict() for c in self.rejected]}


def _lookup_texts(graph: Graph, entity) -> list[Literal]:
    texts = set()
    for lang in ("en", "fr"):
        for label in labels(graph, entity, lang):
            texts.update(label_variants(label))
    for alt in labels(graph, entity, prop=SKOS.altLabel):
        texts.add(alt)
    return [Literal(t, lang=lang) for t in sorted(texts) for lang in ("en", "fr")]


def reconcile(graph: Graph, endpoint: str = WIKIDATA_ENDPOINT, *,
              client: WikidataClient | None = None, entities: Iterable | None = None,
              **client_options) -> list[Reconciliation]:
    """Propose Wikidata items for the entities that await reconciliation.

    Items are found by exact lookup of our labels, their variants (:func:`label_variants`) and our
    alternative labels, in English and French, among Wikidata's ``rdfs:label`` and
    ``skos:altLabel``. Each is then scored (see :class:`Candidate`) and ruled out when a
    corroboration fails: ``P31`` incompatible with our class (:data:`CLASS_ALLOW_LIST`), an event
    whose ``P580``/``P585`` is more than two days from our start, a ship whose ``P879`` differs from
    our hull number, or an item already linked to another of our entities.

    :param graph: the project graph
    :param endpoint: SPARQL endpoint in Wikidata's RDF shape
    :param client: a configured client (else made from ``endpoint`` and ``client_options``)
    :param entities: restrict to these entity IRIs (default: every entity awaiting reconciliation)
    :returns: one :class:`Reconciliation` per entity, sorted by IRI
    :raises EndpointError: the endpoint cannot be queried
    """
    client = make_client(client, endpoint, client_options)
    todo = awaiting_entities(graph) if entities is None else sorted(URIRef(str(e)) for e in entities)
    matches = _lookup(client, {e: _lookup_texts(graph, e) for e in todo})
    pairs = [(q, c) for e, by_qid in matches.items() for q in by_qid for c in allowed_classes(graph, e)]
    items = fetch_items(client, [q for by_qid in matches.values() for q in by_qid], pairs=pairs,
                        properties=("P580", "P585", "P879"))
    linked = {e.qid: e.iri for e in linked_entities(graph)}
    results = []
    for entity in todo:
        result = Reconciliation(str(entity), en_label(graph, entity))
        for qid, texts in sorted(matches.get(entity, {}).items(), key=lambda kv: qnum(kv[0])):
            candidate, problem = _score(graph, entity, items[qid], texts, linked)
            (result.rejected if problem else result.candidates).append(candidate)
        result.candidates.sort(key=lambda c: (-c.score, qnum(c.qid)))
        result.rejected.sort(key=lambda c: qnum(c.qid))
        results.append(result)
    return results


def _lookup(client: WikidataClient, texts_of: dict[URIRef, list[Literal]]) -> dict[URIRef, dict[str, set[str]]]:
    """Entity → QID → our texts that found the item (exact label or alias lookup)."""
    all_texts = sorted({t for texts in texts_of.values() for t in texts}, key=lambda t: (str(t), t.language))
    found: dict[Literal, set[str]] = {}
    if all_texts:
        rows = client.select_batched(all_texts, lambda batch: bound_query(
            "lookup", values_block("text", batch)), "Wikidata lookups").rows
        for text, item in rows:
            if qid_of(item):
                found.setdefault(text, set()).add(qid_of(item))
    matches: dict[URIRef, dict[str, set[str]]] = {}
    for entity, texts in texts_of.items():
        for text in texts:
            for qid in found.get(text, ()):
                matches.setdefault(entity, {}).setdefault(qid, set()).add(str(text))
    return matches


def _score(graph: Graph, entity, item: WikidataItem, texts: set[str],
           linked: dict[str, str]) -> tuple[Candidate, bool]:
    """The candidate ``item`` for ``entity`` and whether a corroboration rules it out."""
    score, reasons = _name_evidence(graph, entity, item, texts)
    problem = False
    for check in (_class_evidence, _date_evidence, _hull_evidence):
        found = check(graph, entity, item)
        if found is not None:
            holds, reason = found
            score += 0.25 if holds is True else 0
            problem = problem or holds is False
            reasons.append(reason)
    if item.qid in linked:
        problem = True
        reasons.append(f"already linked to {linked[item.qid]}")
    label = item.label("en") or item.label("fr") or sorted(texts)[0]
    return Candidate(item.qid, label, item.description, round(min(score, 1.0), 2),
                     "; ".join(reasons), tuple(sorted(texts))), problem


def _name_evidence(graph: Graph, entity, item: WikidataItem, texts: set[str]) -> tuple[float, list[str]]:
    ours_en = [normalise_label(v) for label in labels(graph, entity, "en") for v in label_variants(label)]
    ours_fr = [normalise_label(label) for label in labels(graph, entity, "fr")]
    ours_all = our_names(graph, entity) | set(ours_fr)
    if ours_en and ours_en[0] in {normalise_label(t) for t in item.labels.get("en", ())}:
        return 0.5, ["English label matches"]
    if set(ours_fr) & {normalise_label(t) for t in item.labels.get("fr", ())}:
        return 0.4, ["French label matches"]
    if ours_all & item.names(("en", "fr")):
        return 0.35, ["matches through an alias or alternative label ("
                      + ", ".join(sorted(ours_all & item.names(("en", "fr")))) + ")"]
    return 0.3, ["found by label lookup (" + ", ".join(sorted(texts)) + ")"]


# Each corroboration returns None (not applicable), or (True: adds 0.25 | False: rules the
# candidate out | None: says so without scoring, reason).
def _class_evidence(graph: Graph, entity, item: WikidataItem) -> tuple[bool | None, str] | None:
    allowed = allowed_classes(graph, entity)
    if not allowed:
        return None
    if item.compatible:
        return True, "P31 compatible with " + class_names(sorted(item.compatible, key=qnum))
    if item.classes:
        return False, ("P31 " + ", ".join(sorted(item.classes, key=qnum)) + " is not "
                       + class_names(allowed))
    return None, "no P31 to compare"


def _date_evidence(graph: Graph, entity, item: WikidataItem) -> tuple[bool, str] | None:
    start = graph.value(entity, TKG.startTime) if is_a(graph, entity, TKG.Event) else None
    dates = item.values.get("P580") or item.values.get("P585") or []
    if start is None or not dates:
        return None
    shown = ", ".join(sorted({date_part(v) for v, _p in dates}))
    if any(within_window(str(start), v, p) for v, p in dates):
        return True, f"starts {shown}, within 2 days of {str(start)[:10]}"
    return False, f"starts {shown}, more than 2 days from {str(start)[:10]}"


def _hull_evidence(graph: Graph, entity, item: WikidataItem) -> tuple[bool, str] | None:
    ours = graph.value(entity, TKG.hullNumber) if is_a(graph, entity, TKG.Ship) else None
    pennants = item.values.get("P879", [])
    if ours is None or not pennants:
        return None
    shown = ", ".join(sorted(str(v) for v, _p in pennants))
    if hull(ours) in {hull(v) for v, _p in pennants}:
        return True, f"pennant number {shown} matches"
    return False, f"pennant number {shown} is not {ours}"


def find_candidate(results: Sequence[Reconciliation], entity, qid: str) -> Candidate | None:
    """The candidate ``qid`` proposed for ``entity`` (not a rejected one), or ``None``."""
    for result in results:
        if result.entity == str(entity):
            for candidate in result.candidates:
                if candidate.qid == qid:
                    return candidate
    return None


def review_document(results: Sequence[Reconciliation], endpoint: str, on: date | None = None) -> dict:
    """The review file's content: endpoint, date and every entity's candidates."""
    return {"endpoint": endpoint, "date": (on or date.today()).isoformat(),
            "entities": [r.as_dict() for r in results]}


def write_review(results: Sequence[Reconciliation], path: Path | str, endpoint: str,
                 on: date | None = None) -> Path:
    """Write the review file (JSON, UTF-8) atomically.

    :raises ExportError: the file cannot be written
    """
    text = json.dumps(review_document(results, endpoint, on), ensure_ascii=False, indent=2)
    return write_atomic(path, (text + "\n").encode("utf-8"))
