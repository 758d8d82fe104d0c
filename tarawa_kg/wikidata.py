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
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from tarawa_kg.errors import TarawaKGError
from tarawa_kg.export import write_atomic
from tarawa_kg.namespaces import ID, SCHEMA, TKG
from tarawa_kg.project import Project
from tarawa_kg.queries import sparql_term
from tarawa_kg.wikidata_client import WIKIDATA_ENDPOINT, WikidataClient, values_block

WD = "http://www.wikidata.org/entity/"
QID_PATTERN = re.compile(r"^Q[1-9][0-9]*$")
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")

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

WIKIDATA_PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX psv: <http://www.wikidata.org/prop/statement/value/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
"""Prefixes of the queries sent to Wikidata (Wikidata's own RDF uses ``http://schema.org/``)."""

DATE_WINDOW = timedelta(days=2)
"""How far a candidate event's start may be from ours in :func:`reconcile`."""


class ReconciliationError(TarawaKGError):
    """A link cannot be accepted: bad QID, unknown or already linked entity, QID not among the
    candidates (without ``force``), or a ``data/wikidata.ttl`` that cannot be rewritten safely."""


# ============================================================================ labels
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


# ============================================================================ our graph
def qid_of(term) -> str | None:
    """``"Q42"`` for ``http://www.wikidata.org/entity/Q42``, else ``None``."""
    text = str(term)
    if text.startswith(WD) and QID_PATTERN.match(text[len(WD):]):
        return text[len(WD):]
    return None


def _qnum(qid: str) -> int:
    return int(qid[1:])


@dataclass(frozen=True)
class Citation:
    """One ``tkg:Citation``: source IRI, locator and optional quote (a language-tagged literal)."""

    source: str
    locator: str | None
    quote: Literal | None


def citations(graph: Graph, node) -> list[Citation]:
    """The citations of an entity or statement, sorted by source and locator."""
    out = []
    for cite in graph.objects(node, PROV_DERIVED):
        source = graph.value(cite, TKG.source)
        if source is None:
            continue
        locator = graph.value(cite, TKG.locator)
        out.append(Citation(str(source), str(locator) if locator is not None else None,
                            graph.value(cite, TKG.quote)))
    return sorted(out, key=lambda c: (c.source, c.locator or "", str(c.quote or "")))


def _sources(cites: Iterable[Citation]) -> tuple[str, ...]:
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


def _superclasses(graph: Graph, entity) -> set[URIRef]:
    found: set[URIRef] = set()
    todo = list(graph.objects(entity, RDF.type))
    while todo:
        cls = todo.pop()
        if cls in found:
            continue
        found.add(cls)
        todo.extend(graph.objects(cls, RDFS.subClassOf))
    return found


def allowed_classes(graph: Graph, entity) -> tuple[str, ...]:
    """The Wikidata classes an item for ``entity`` may be an instance of (empty: not checked)."""
    out: set[str] = set()
    for cls in _superclasses(graph, entity):
        out.update(CLASS_ALLOW_LIST.get(cls, ()))
    return tuple(sorted(out, key=_qnum))


def _is_a(graph: Graph, entity, cls: URIRef) -> bool:
    return cls in _superclasses(graph, entity)


def _labels(graph: Graph, entity, lang: str | None = None, prop=RDFS.label) -> list[str]:
    return sorted(str(o) for o in graph.objects(entity, prop)
                  if isinstance(o, Literal) and (lang is None or o.language == lang))


def _en_label(graph: Graph, entity) -> str:
    labels = _labels(graph, entity, "en")
    return labels[0] if labels else str(entity).rsplit("/", 1)[-1]


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
        out.append(LinkedEntity(str(entity), qid, _en_label(graph, entity), _our_names(graph, entity)))
    return sorted(out, key=lambda e: (e.iri, _qnum(e.qid)))


def _our_names(graph: Graph, entity) -> frozenset[str]:
    names = set()
    for label in _labels(graph, entity, "en"):
        names.update(normalise_label(v) for v in label_variants(label))
    for alt in _labels(graph, entity, prop=SKOS.altLabel):
        names.add(normalise_label(alt))
    return frozenset(n for n in names if n)


def _status(graph: Graph, entity) -> URIRef | None:
    return graph.value(URIRef(str(entity)), TKG.wikidataStatus)


# ============================================================================ Wikidata side
@dataclass
class WikidataItem:
    """What the endpoint says about one item."""

    qid: str
    exists: bool = False
    redirect: str | None = None
    labels: dict[str, set[str]] = field(default_factory=dict)
    aliases: dict[str, set[str]] = field(default_factory=dict)
    description: str | None = None
    classes: set[str] = field(default_factory=set)
    compatible: set[str] = field(default_factory=set)
    """Allowed classes (see :data:`CLASS_ALLOW_LIST`) this item is an instance of."""
    values: dict[str, list[tuple[Literal | URIRef, int | None]]] = field(default_factory=dict)
    """Property (``"P580"``) → non-deprecated values with their time precision."""

    def label(self, lang: str = "en") -> str | None:
        """One label in ``lang`` (the first in sorted order), or ``None``."""
        labels = sorted(self.labels.get(lang, ()))
        return labels[0] if labels else None

    def names(self, langs: Sequence[str] = ("en",)) -> set[str]:
        """Normalised labels and aliases in ``langs``."""
        out = set()
        for lang in langs:
            out.update(normalise_label(t) for t in self.labels.get(lang, ()))
            out.update(normalise_label(t) for t in self.aliases.get(lang, ()))
        return out


def _wd(qid: str) -> URIRef:
    return URIRef(WD + qid)


def _fetch_items(client: WikidataClient, qids: Sequence[str], langs: Sequence[str] = ("en", "fr"),
                 pairs: Sequence[tuple[str, str]] = (), properties: Sequence[str] = ()
                 ) -> dict[str, WikidataItem]:
    """Labels, aliases, description, redirect and existence of ``qids``; the ``P31`` classes of
    the (item, allowed class) ``pairs``; the non-deprecated values of ``properties``."""
    qids = sorted(set(qids), key=_qnum)
    items = {q: WikidataItem(q) for q in qids}
    if not qids:
        return items
    lang_list = ", ".join(f'"{lang}"' for lang in langs)

    def labels_query(batch):
        return (WIKIDATA_PREFIXES + "SELECT ?item ?kind ?value WHERE {\n  "
                + values_block("item", [_wd(q) for q in batch]) + "\n"
                "  { ?item rdfs:label ?value BIND (\"label\" AS ?kind) }\n"
                "  UNION { ?item skos:altLabel ?value BIND (\"alias\" AS ?kind) }\n"
                "  UNION { ?item schema:description ?value BIND (\"description\" AS ?kind) }\n"
                f"  FILTER (LANG(?value) IN ({lang_list}))\n}}")

    label_rows = client.select_batched(qids, labels_query, "Wikidata labels").rows if langs else []
    for item, kind, value in label_rows:
        record = items.get(qid_of(item))
        if record is None or value is None:
            continue
        if kind is not None and str(kind) == "description":
            if value.language == "en":
                record.description = str(value)
            continue
        target = record.labels if str(kind) == "label" else record.aliases
        target.setdefault(value.language, set()).add(str(value))

    def status_query(batch):
        return (WIKIDATA_PREFIXES + "SELECT ?item ?redirect ?exists WHERE {\n  "
                + values_block("item", [_wd(q) for q in batch]) + "\n"
                "  OPTIONAL { ?item owl:sameAs ?redirect }\n"
                "  BIND (EXISTS { ?item ?p ?o } AS ?exists)\n}")

    for item, redirect, exists in client.select_batched(qids, status_query, "Wikidata items").rows:
        record = items.get(qid_of(item))
        if record is None:
            continue
        record.exists = record.exists or (exists is not None and bool(exists.toPython()))
        if redirect is not None and qid_of(redirect):
            record.redirect = qid_of(redirect)

    pairs = sorted(set(pairs), key=lambda p: (_qnum(p[0]), _qnum(p[1])))
    if pairs:
        def class_query(batch):
            rows = " ".join(f"({sparql_term(_wd(i))} {sparql_term(_wd(c))})" for i, c in batch)
            return (WIKIDATA_PREFIXES + "SELECT ?item ?allowed ?class ?compatible WHERE {\n"
                    f"  VALUES (?item ?allowed) {{ {rows} }}\n"
                    "  ?item wdt:P31 ?class .\n"
                    "  BIND (EXISTS { ?class wdt:P279* ?allowed } AS ?compatible)\n}")

        for item, allowed, cls, compatible in client.select_batched(pairs, class_query,
                                                                     "Wikidata classes").rows:
            record = items.get(qid_of(item))
            if record is None or qid_of(cls) is None:
                continue
            record.classes.add(qid_of(cls))
            if compatible is not None and bool(compatible.toPython()):
                record.compatible.add(qid_of(allowed))

    if properties:
        props = " ".join(f'("{p}" p:{p} ps:{p} psv:{p})' for p in properties)

        def values_query(batch):
            return (WIKIDATA_PREFIXES + "SELECT ?item ?prop ?value ?precision WHERE {\n  "
                    + values_block("item", [_wd(q) for q in batch]) + "\n"
                    f"  VALUES (?prop ?p ?ps ?psv) {{ {props} }}\n"
                    "  ?item ?p ?statement .\n"
                    "  ?statement ?ps ?value ; wikibase:rank ?rank .\n"
                    "  FILTER (?rank != wikibase:DeprecatedRank)\n"
                    "  OPTIONAL { ?statement ?psv ?node . ?node wikibase:timePrecision ?precision }\n}")

        seen = set()
        for item, prop, value, precision in client.select_batched(qids, values_query,
                                                                   "Wikidata statements").rows:
            record = items.get(qid_of(item))
            if record is None or value is None:
                continue
            key = (record.qid, str(prop), value, precision)
            if key in seen:
                continue
            seen.add(key)
            record.values.setdefault(str(prop), []).append(
                (value, int(precision.toPython()) if precision is not None else None))
    return items


def _date_part(term) -> str:
    return str(term).lstrip("+")[:10]


def _dates_agree(ours: str, theirs, precision: int | None) -> bool:
    """Our date (``YYYY-MM-DD``) against a Wikidata time value at its precision (11 = day)."""
    value = _date_part(theirs)
    precision = 11 if precision is None else precision
    if precision >= 11:
        return value[:10] == ours[:10]
    if precision == 10:
        return value[:7] == ours[:7]
    if precision == 9:
        return value[:4] == ours[:4]
    return True  # decade or coarser: cannot contradict a day


def _within_window(ours: str, theirs, precision: int | None) -> bool:
    if precision is not None and precision < 11:
        return _dates_agree(ours, theirs, precision)
    try:
        a, b = date.fromisoformat(ours[:10]), date.fromisoformat(_date_part(theirs))
    except ValueError:
        return False
    return abs(a - b) <= DATE_WINDOW


def _number(term) -> Decimal | None:
    try:
        return Decimal(str(term).lstrip("+"))
    except (InvalidOperation, ValueError):
        return None


def _hull(text) -> str:
    return re.sub(r"[^A-Z0-9]", "", str(text).upper())


def _client(client: WikidataClient | None, endpoint: str | None, options: dict) -> WikidataClient:
    if client is not None:
        return client
    return WikidataClient(endpoint or WIKIDATA_ENDPOINT, **options)


# ============================================================================ check
FINDING_KINDS = ("missing-item", "redirected-item", "label-mismatch", "incompatible-class",
                 "different-value")


@dataclass(frozen=True)
class Finding:
    """One disagreement between a linked entity and its Wikidata item.

    :param entity: our entity's IRI
    :param qid: the linked item
    :param kind: one of :data:`FINDING_KINDS`
    :param property: what was compared: ``"label"``, ``"P31"``, ``"P580"``, ``"P582"``,
        ``"P1120"``, ``"P879"``; ``None`` for a missing or redirected item
    :param ours: our value, as text
    :param theirs: Wikidata's value(s), as text (``", "``-separated)
    :param sources: IRIs of the sources of our value
    :param message: one English sentence
    """

    entity: str
    qid: str
    kind: str
    property: str | None
    ours: str | None
    theirs: str | None
    sources: tuple[str, ...]
    message: str

    def as_dict(self) -> dict:
        """A JSON-ready dict (``sources`` as a list)."""
        out = asdict(self)
        out["sources"] = list(self.sources)
        return out


CHECK_PROPERTIES = ("P580", "P582", "P585", "P1120", "P879")


def check(graph: Graph, endpoint: str = WIKIDATA_ENDPOINT, *, client: WikidataClient | None = None,
          **client_options) -> list[Finding]:
    """Compare every linked entity of ``graph`` with its Wikidata item.

    Reported, one :class:`Finding` each:

    - ``missing-item``: the endpoint has no triple about the QID;
    - ``redirected-item``: the item is a redirect (``wd:Qold owl:sameAs wd:Qnew``); nothing else
      is compared for it;
    - ``label-mismatch``: none of our English label (with its variants) and alternative labels
      equals Wikidata's English label or aliases, after :func:`normalise_label`;
    - ``incompatible-class``: the item has ``P31`` values and none is, through ``P279*``, a class
      of :data:`CLASS_ALLOW_LIST` for our class (entities of other classes are not class-checked);
    - ``different-value``: Wikidata has the property, with no value equal to ours: an event's
      ``tkg:startTime``/``tkg:endTime`` against ``P580``/``P582`` (or ``P585``), compared at
      Wikidata's precision; each preferred ``tkg:killed`` statement of an event against ``P1120``;
      a ship's ``tkg:hullNumber`` against ``P879``. Deprecated Wikidata statements are ignored; a
      property Wikidata lacks is not a finding (see :func:`quickstatements`).

    :param graph: the project graph
    :param endpoint: SPARQL endpoint in Wikidata's RDF shape
    :param client: a configured client (else one is made from ``endpoint`` and ``client_options``,
        the keyword arguments of :class:`tarawa_kg.wikidata_client.WikidataClient`)
    :returns: findings sorted by entity, kind and property
    :raises EndpointError: the endpoint cannot be queried (see the client)
    """
    client = _client(client, endpoint, client_options)
    linked = linked_entities(graph)
    pairs = [(e.qid, c) for e in linked for c in allowed_classes(graph, URIRef(e.iri))]
    items = _fetch_items(client, [e.qid for e in linked], langs=("en",), pairs=pairs,
                         properties=CHECK_PROPERTIES)
    findings: list[Finding] = []
    for entity in linked:
        iri = URIRef(entity.iri)
        item = items[entity.qid]
        entity_sources = _sources(citations(graph, iri))
        if item.redirect:
            findings.append(Finding(entity.iri, entity.qid, "redirected-item", None, entity.qid,
                                    item.redirect, entity_sources,
                                    f"wd:{entity.qid} is a redirect to wd:{item.redirect}; "
                                    "update the link and its evidence"))
            continue
        if not item.exists:
            findings.append(Finding(entity.iri, entity.qid, "missing-item", None, entity.qid, None,
                                    entity_sources,
                                    f"the endpoint has no triple about wd:{entity.qid} "
                                    "(deleted, or never existed)"))
            continue
        if not entity.names & item.names(("en",)):
            theirs = item.label("en")
            findings.append(Finding(entity.iri, entity.qid, "label-mismatch", "label", entity.label,
                                    theirs, entity_sources,
                                    f"our label {entity.label!r} matches neither the English label "
                                    f"{theirs!r} nor an alias of wd:{entity.qid}"))
        allowed = allowed_classes(graph, iri)
        if allowed and item.classes and not item.compatible:
            theirs = ", ".join(sorted(item.classes, key=_qnum))
            expected = " or ".join(f"{q} ({CLASS_NAMES.get(q, q)})" for q in allowed)
            findings.append(Finding(entity.iri, entity.qid, "incompatible-class", "P31",
                                    ", ".join(allowed), theirs, entity_sources,
                                    f"wd:{entity.qid} is an instance of {theirs}, not of {expected}"))
        findings.extend(_value_findings(graph, entity, item))
    order = {k: i for i, k in enumerate(FINDING_KINDS)}
    return sorted(findings, key=lambda f: (f.entity, order[f.kind], f.property or "", f.ours or ""))


def _date_sources(graph: Graph, iri, prop: URIRef) -> tuple[str, ...]:
    preferred = statements(graph, iri, prop, TKG.PreferredRank)
    cites = [c for st in preferred for c in citations(graph, st)]
    return _sources(cites or citations(graph, iri))


def _value_findings(graph: Graph, entity: LinkedEntity, item: WikidataItem) -> list[Finding]:
    iri = URIRef(entity.iri)
    out = []
    if _is_a(graph, iri, TKG.Event):
        for ours_prop, wd_prop in ((TKG.startTime, "P580"), (TKG.endTime, "P582")):
            ours = graph.value(iri, ours_prop)
            theirs = item.values.get(wd_prop) or item.values.get("P585")
            if ours is None or not theirs:
                continue
            if any(_dates_agree(str(ours), v, p) for v, p in theirs):
                continue
            used = wd_prop if item.values.get(wd_prop) else "P585"
            shown = ", ".join(sorted({_date_part(v) for v, _p in theirs}))
            out.append(Finding(entity.iri, entity.qid, "different-value", used, str(ours)[:10],
                               shown, _date_sources(graph, iri, ours_prop),
                               f"{ours_prop.split('#')[-1]} is {str(ours)[:10]} here, "
                               f"{used} is {shown} on wd:{entity.qid}"))
        deaths = [(v, _number(v)) for v, _p in item.values.get("P1120", [])]
        if deaths:
            known = {n for _v, n in deaths if n is not None}
            shown = ", ".join(str(n) for n in sorted(known))
            for st in statements(graph, iri, TKG.killed, TKG.PreferredRank):
                value = graph.value(st, TKG.value)
                number = _number(value) if value is not None else None
                if number is None or number in known:
                    continue
                who = " ".join(str(graph.value(st, q)).rsplit("/", 1)[-1]
                               for q in (TKG.side, TKG.personnelCategory) if graph.value(st, q))
                out.append(Finding(entity.iri, entity.qid, "different-value", "P1120", str(number),
                                   shown, _sources(citations(graph, st)),
                                   f"our preferred killed figure {number}"
                                   f"{' (' + who + ')' if who else ''} is not among the P1120 "
                                   f"values of wd:{entity.qid} ({shown})"))
    if _is_a(graph, iri, TKG.Ship):
        ours = graph.value(iri, TKG.hullNumber)
        theirs = item.values.get("P879", [])
        if ours is not None and theirs and _hull(ours) not in {_hull(v) for v, _p in theirs}:
            shown = ", ".join(sorted(str(v) for v, _p in theirs))
            out.append(Finding(entity.iri, entity.qid, "different-value", "P879", str(ours), shown,
                               _sources(citations(graph, iri)),
                               f"hull number {ours} here, pennant number {shown} on wd:{entity.qid}"))
    return out


# ============================================================================ reconcile
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


def awaiting_entities(graph: Graph) -> list[URIRef]:
    """Entities with ``tkg:wikidataStatus tkg:AwaitingReconciliation``, sorted."""
    return sorted(s for s in graph.subjects(TKG.wikidataStatus, TKG.AwaitingReconciliation)
                  if isinstance(s, URIRef))


def _lookup_texts(graph: Graph, entity) -> list[Literal]:
    texts = set()
    for lang in ("en", "fr"):
        for label in _labels(graph, entity, lang):
            texts.update(label_variants(label))
    for alt in _labels(graph, entity, prop=SKOS.altLabel):
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
    client = _client(client, endpoint, client_options)
    todo = awaiting_entities(graph) if entities is None else sorted(URIRef(str(e)) for e in entities)
    texts_of = {e: _lookup_texts(graph, e) for e in todo}
    all_texts = sorted({t for texts in texts_of.values() for t in texts},
                       key=lambda t: (str(t), t.language))

    def lookup_query(batch):
        return (WIKIDATA_PREFIXES + "SELECT ?text ?item WHERE {\n  " + values_block("text", batch)
                + "\n  ?item rdfs:label|skos:altLabel ?text .\n"
                "  FILTER (STRSTARTS(STR(?item), \"http://www.wikidata.org/entity/Q\"))\n}")

    found: dict[Literal, set[str]] = {}
    if all_texts:
        for text, item in client.select_batched(all_texts, lookup_query, "Wikidata lookups").rows:
            if qid_of(item):
                found.setdefault(text, set()).add(qid_of(item))
    matches: dict[URIRef, dict[str, set[str]]] = {}
    for entity, texts in texts_of.items():
        for text in texts:
            for qid in found.get(text, ()):
                matches.setdefault(entity, {}).setdefault(qid, set()).add(str(text))
    pairs = [(q, c) for e, by_qid in matches.items() for q in by_qid for c in allowed_classes(graph, e)]
    items = _fetch_items(client, [q for by_qid in matches.values() for q in by_qid], pairs=pairs,
                         properties=("P580", "P585", "P879"))
    linked = {e.qid: e.iri for e in linked_entities(graph)}
    results = []
    for entity in todo:
        result = Reconciliation(str(entity), _en_label(graph, entity))
        for qid, texts in sorted(matches.get(entity, {}).items(), key=lambda kv: _qnum(kv[0])):
            candidate, problem = _score(graph, entity, items[qid], texts, linked)
            (result.rejected if problem else result.candidates).append(candidate)
        result.candidates.sort(key=lambda c: (-c.score, _qnum(c.qid)))
        result.rejected.sort(key=lambda c: _qnum(c.qid))
        results.append(result)
    return results


def _score(graph: Graph, entity, item: WikidataItem, texts: set[str],
           linked: dict[str, str]) -> tuple[Candidate, bool]:
    reasons, problem = [], False
    ours_en = [normalise_label(v) for label in _labels(graph, entity, "en") for v in label_variants(label)]
    ours_fr = [normalise_label(label) for label in _labels(graph, entity, "fr")]
    ours_all = _our_names(graph, entity) | set(ours_fr)
    their_en = {normalise_label(t) for t in item.labels.get("en", ())}
    their_fr = {normalise_label(t) for t in item.labels.get("fr", ())}
    if ours_en and ours_en[0] in their_en:
        score = 0.5
        reasons.append("English label matches")
    elif set(ours_fr) & their_fr:
        score = 0.4
        reasons.append("French label matches")
    elif ours_all & item.names(("en", "fr")):
        score = 0.35
        reasons.append("matches through an alias or alternative label ("
                       + ", ".join(sorted(ours_all & item.names(("en", "fr")))) + ")")
    else:
        score = 0.3
        reasons.append("found by label lookup (" + ", ".join(sorted(texts)) + ")")
    allowed = allowed_classes(graph, entity)
    if allowed:
        if item.compatible:
            score += 0.25
            reasons.append("P31 compatible with " + " or ".join(
                f"{q} ({CLASS_NAMES.get(q, q)})" for q in sorted(item.compatible, key=_qnum)))
        elif item.classes:
            problem = True
            reasons.append("P31 " + ", ".join(sorted(item.classes, key=_qnum)) + " is not "
                           + " or ".join(f"{q} ({CLASS_NAMES.get(q, q)})" for q in allowed))
        else:
            reasons.append("no P31 to compare")
    if _is_a(graph, entity, TKG.Event):
        start = graph.value(entity, TKG.startTime)
        dates = item.values.get("P580") or item.values.get("P585") or []
        if start is not None and dates:
            shown = ", ".join(sorted({_date_part(v) for v, _p in dates}))
            if any(_within_window(str(start), v, p) for v, p in dates):
                score += 0.25
                reasons.append(f"starts {shown}, within 2 days of {str(start)[:10]}")
            else:
                problem = True
                reasons.append(f"starts {shown}, more than 2 days from {str(start)[:10]}")
    if _is_a(graph, entity, TKG.Ship):
        hull = graph.value(entity, TKG.hullNumber)
        pennants = item.values.get("P879", [])
        if hull is not None and pennants:
            shown = ", ".join(sorted(str(v) for v, _p in pennants))
            if _hull(hull) in {_hull(v) for v, _p in pennants}:
                score += 0.25
                reasons.append(f"pennant number {shown} matches")
            else:
                problem = True
                reasons.append(f"pennant number {shown} is not {hull}")
    if item.qid in linked:
        problem = True
        reasons.append(f"already linked to {linked[item.qid]}")
    label = item.label("en") or item.label("fr") or sorted(texts)[0]
    return Candidate(item.qid, label, item.description, round(min(score, 1.0), 2),
                     "; ".join(reasons), tuple(sorted(texts))), problem


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


# ============================================================================ accept
@dataclass(frozen=True)
class Accepted:
    """What :func:`accept` wrote."""

    path: Path
    entity: str
    qid: str
    statement: str


_PREFIX_LINE = re.compile(r"^\s*@prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>\s*\.\s*$", re.MULTILINE)


def _turtle_string(text: str) -> str:
    return '"' + (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                  .replace("\r", "\\r")) + '"'


def accept(project: Project, entity, qid: str, evidence: Candidate | None = None, *,
           force: bool = False, on: date | None = None) -> Accepted:
    """Link ``entity`` to ``qid`` in ``data/wikidata.ttl``, with the reconciliation as evidence.

    The entity's status line (``<entity> tkg:wikidataStatus tkg:AwaitingReconciliation .``) is
    removed and a block is appended: ``skos:exactMatch wd:Q…``, ``tkg:wikidataStatus tkg:Linked``
    and a preferred ``tkg:wikidataItem`` statement citing ``src:wikidata`` with the locator
    ``"tarawa-kg wikidata reconcile, score …, <date>"`` and the candidate's reason as quote. The
    file is checked by parsing it again, then written atomically.

    :param project: the checkout to write into
    :param entity: the entity IRI
    :param qid: ``"Q…"``
    :param evidence: the candidate proposed for the entity by :func:`reconcile`
    :param force: accept although ``qid`` is not the evidence's candidate, the entity does not
        await reconciliation, or another entity already has the QID
    :param on: the date written in the locator (default: today)
    :returns: :class:`Accepted`
    :raises ReconciliationError: invalid QID, unknown or already linked entity, no matching
        candidate (without ``force``), or a status that is not written as one line
    """
    from tarawa_kg.load import load_project

    if not QID_PATTERN.match(qid or ""):
        raise ReconciliationError(f"{qid!r} is not a Wikidata item id (Q followed by digits)")
    iri = URIRef(str(entity))
    graph = load_project(project)
    if (iri, RDF.type, None) not in graph:
        raise ReconciliationError(f"{iri}: no such entity in the graph")
    current = [qid_of(o) for o in graph.objects(iri, SKOS.exactMatch) if qid_of(o)]
    if current:
        raise ReconciliationError(f"{iri} is already linked to {', '.join(current)}")
    others = sorted(str(s) for s in graph.subjects(SKOS.exactMatch, _wd(qid)))
    if others and not force:
        raise ReconciliationError(f"{qid} is already the link of {', '.join(others)} "
                                  "(pass --force to link it anyway)")
    status = _status(graph, iri)
    if status != TKG.AwaitingReconciliation and not force:
        shown = str(status).split("#")[-1] if status else "none"
        raise ReconciliationError(f"{iri} does not await reconciliation (status: {shown}); "
                                  "pass --force to link it anyway")
    if (evidence is None or evidence.qid != qid) and not force:
        raise ReconciliationError(f"{qid} is not among the candidates found for {iri}; "
                                  "pass --force to accept it anyway")
    on = on or date.today()
    path = project.root / "data" / "wikidata.ttl"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReconciliationError(f"{path}: cannot read: {exc}") from exc
    prefixes = {m.group(1) or "": m.group(2) for m in _PREFIX_LINE.finditer(text)}

    def term(value: str) -> str:
        for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            local = value[len(ns):]
            if value.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_][\w-]*", local):
                return f"{prefix}:{local}"
        return f"<{value}>"

    subject_forms = {re.escape(term(str(iri))), re.escape(f"<{iri}>")}
    status_line = re.compile(r"^[ \t]*(?:" + "|".join(sorted(subject_forms)) + r")[ \t]+"
                             r"(?:tkg:wikidataStatus|<" + re.escape(str(TKG.wikidataStatus)) + r">)"
                             r"[ \t]+\S+[ \t]*\.[ \t]*(?:#.*)?\n?", re.MULTILINE)
    local_graph = Graph()
    try:
        local_graph.parse(data=text, format="turtle")
    except Exception as exc:  # noqa: BLE001 - rdflib raises several kinds
        raise ReconciliationError(f"{path}: cannot parse: {exc}") from exc
    had_status = (iri, TKG.wikidataStatus, None) in local_graph
    text, removed = status_line.subn("", text)
    if had_status and not removed:
        raise ReconciliationError(f"{path}: the status of {iri} is not written as one line "
                                  "'<entity> tkg:wikidataStatus <status> .'; edit it by hand")
    slug = str(iri).rstrip("/").rsplit("/", 1)[-1]
    statement = ID[f"statement/{slug}-wikidata-item"]
    n = 2
    while (statement, None, None) in graph or (statement, None, None) in local_graph:
        statement = ID[f"statement/{slug}-wikidata-item-{n}"]
        n += 1
    if evidence is not None and evidence.qid == qid:
        locator = f"tarawa-kg wikidata reconcile, score {evidence.score:.2f}, {on.isoformat()}"
        quote = evidence.reason
        reason = ("Accepted by a reviewer from the candidates of `tarawa-kg wikidata reconcile`: "
                  f"{evidence.label}" + (f" ({evidence.description})" if evidence.description else "")
                  + ".")
    else:
        locator = f"tarawa-kg wikidata reconcile --force, {on.isoformat()}"
        quote = "accepted with --force: not among the candidates found"
        reason = "Accepted by a reviewer with --force, without a matching candidate."
    label = _en_label(graph, iri)
    block = (
        f"\n# Accepted with `tarawa-kg wikidata reconcile --accept` on {on.isoformat()}: "
        f"{label} → {qid}\n"
        f"{term(str(iri))} skos:exactMatch {term(WD + qid)} ;\n"
        f"    {term(str(TKG.wikidataStatus))} {term(str(TKG.Linked))} .\n\n"
        f"{term(str(statement))} a {term(str(TKG.Statement))} ;\n"
        f"    {term(str(TKG.subject))} {term(str(iri))} ;\n"
        f"    {term(str(TKG.property))} {term(str(TKG.wikidataItem))} ;\n"
        f"    {term(str(TKG.value))} {term(WD + qid)} ;\n"
        f"    {term(str(TKG.statementRank))} {term(str(TKG.PreferredRank))} ;\n"
        f"    {term(str(TKG.rankReason))} {_turtle_string(reason)}@en ;\n"
        f"    {term(str(PROV_DERIVED))} [ a {term(str(TKG.Citation))} ; "
        f"{term(str(TKG.source))} {term(str(ID['source/wikidata']))} ;\n"
        f"        {term(str(TKG.locator))} {_turtle_string(locator)} ;\n"
        f"        {term(str(TKG.quote))} {_turtle_string(quote)}@en ] .\n")
    new_text = text.rstrip("\n") + "\n" + block
    check_graph = Graph()
    try:
        check_graph.parse(data=new_text, format="turtle")
    except Exception as exc:  # noqa: BLE001
        raise ReconciliationError(f"{path}: the new text does not parse: {exc}") from exc
    if (set(check_graph.objects(iri, TKG.wikidataStatus)) != {TKG.Linked}
            or (iri, SKOS.exactMatch, _wd(qid)) not in check_graph):
        raise ReconciliationError(f"{path}: the rewritten file does not link {iri} as expected")
    write_atomic(path, new_text.encode("utf-8"))
    return Accepted(path, str(iri), qid, str(statement))


# ============================================================================ QuickStatements
class Skipped(NamedTuple):
    """A fact not exported, and why."""

    entity: str
    property: str
    reason: str


class QuickStatements(NamedTuple):
    """QuickStatements v1 text (tab-separated, one statement per line) and what was skipped."""

    text: str
    skipped: list[Skipped]


@dataclass(frozen=True)
class _Fact:
    entity: str
    qid: str
    prop: str
    value: str        # QuickStatements value
    compare: object   # value to compare with Wikidata's
    cites: tuple[tuple[Citation, bool], ...]
    """Citations, each with whether its quote may be exported (it supports this fact)."""


def _qs_time(lexical: str) -> str:
    return f"+{lexical[:10]}T00:00:00Z/11"


def _qs_quote(quote: Literal, default_lang: str) -> str | None:
    text = " ".join(str(quote).split())
    if '"' in text or not text:
        return None  # QuickStatements v1 strings cannot contain a double quote
    lang = (quote.language or default_lang or "en").lower()
    return f'{lang}:"{text}"'


def _mentions(quote: Literal | None, needles: Iterable[str]) -> bool:
    """Whether an entity-level quote speaks of this fact (names the value, or the year)."""
    if quote is None:
        return False
    text = normalise_label(quote)
    return any(n and re.search(r"\b" + re.escape(normalise_label(n)) + r"\b", text) for n in needles)


def _entity_or_statement_cites(graph: Graph, entity, stated: Sequence, needles: Sequence[str]
                               ) -> tuple[tuple[Citation, bool], ...]:
    """The statements' citations (quotes kept); else the entity's own citations, whose quotes are
    kept only when they name the value (an entity's quote supports the entity, not every fact)."""
    cites = [(c, True) for st in stated for c in citations(graph, st) if _citable(graph, c)]
    if cites:
        return tuple(cites)
    return tuple((c, _mentions(c.quote, needles)) for c in citations(graph, entity)
                 if _citable(graph, c))


def _names_of(graph: Graph, entity) -> list[str]:
    return [*_labels(graph, entity), *_labels(graph, entity, prop=SKOS.altLabel)]


def _citable(graph: Graph, cite: Citation) -> bool:
    """Whether a source may stand as a Wikidata reference: not a popular article (the source
    article's errors are why this graph exists) and not Wikipedia (Wikidata wants P143 with the
    wiki's item, which is not recorded here)."""
    source = URIRef(cite.source)
    if graph.value(source, TKG.sourceKind) == TKG.PopularArticle:
        return False
    url = str(graph.value(source, SCHEMA.url) or "")
    return "wikipedia.org" not in url


def _references(graph: Graph, cite: Citation, with_quote: bool = True) -> list[str]:
    source = URIRef(cite.source)
    parts = []
    for match in graph.objects(source, SKOS.exactMatch):
        if qid_of(match):
            parts += ["S248", qid_of(match)]
            break
    url = graph.value(source, SCHEMA.url)
    if url is not None:
        parts += ["S854", f'"{url}"']
    if cite.quote is not None and with_quote:
        lang = graph.value(source, URIRef("http://purl.org/dc/terms/language"))
        quote = _qs_quote(cite.quote, str(lang) if lang else "en")
        if quote:
            parts += ["S1683", quote]
    return parts


def _facts(graph: Graph) -> tuple[list[_Fact], list[Skipped]]:
    facts, skipped = [], []
    qids = {e.iri: e.qid for e in linked_entities(graph)}
    for iri_text, qid in sorted(qids.items()):
        iri = URIRef(iri_text)
        if not _is_a(graph, iri, TKG.Event):
            continue
        for ours_prop, wd_prop in ((TKG.startTime, "P580"), (TKG.endTime, "P582")):
            value = graph.value(iri, ours_prop)
            if value is None:
                continue
            preferred = statements(graph, iri, ours_prop, TKG.PreferredRank)
            cites = _entity_or_statement_cites(graph, iri, preferred, [str(value)[:4]])
            facts.append(_Fact(iri_text, qid, wd_prop, _qs_time(str(value)), str(value)[:10], cites))
        killed = statements(graph, iri, TKG.killed, TKG.PreferredRank)
        totals = [st for st in killed if graph.value(st, TKG.side) is None
                  and graph.value(st, TKG.personnelCategory) is None
                  and graph.value(st, TKG.value) is not None]
        if len(totals) == 1:
            value = _number(graph.value(totals[0], TKG.value))
            facts.append(_Fact(iri_text, qid, "P1120", str(value), value,
                               tuple((c, True) for c in citations(graph, totals[0]) if _citable(graph, c))))
        elif killed:
            skipped.append(Skipped(iri_text, "P1120",
                                   f"{len(killed)} preferred killed figure(s), per side or category, "
                                   f"and {len(totals)} overall total(s): P1120 needs one total"))
        participants = set(graph.objects(iri, TKG.participant)) | set(graph.objects(iri, TKG.side))
        for st in statements(graph, iri, TKG.participant):
            if graph.value(st, TKG.statementRank) != TKG.DeprecatedRank:
                participants.add(graph.value(st, TKG.value))
        for who in sorted(p for p in participants if p is not None and str(p) in qids):
            stated = [st for st in statements(graph, iri, TKG.participant)
                      if graph.value(st, TKG.value) == who
                      and graph.value(st, TKG.statementRank) != TKG.DeprecatedRank]
            cites = _entity_or_statement_cites(graph, iri, stated, _names_of(graph, who))
            facts.append(_Fact(iri_text, qid, "P710", qids[str(who)], qids[str(who)], cites))
    for st in sorted(graph.subjects(TKG.property, TKG.commander)):
        unit, person = graph.value(st, TKG.subject), graph.value(st, TKG.value)
        if graph.value(st, TKG.statementRank) == TKG.DeprecatedRank:
            continue
        if str(unit) in qids and str(person) in qids and _is_a(graph, unit, TKG.MilitaryUnit):
            facts.append(_Fact(str(person), qids[str(person)], "P598", qids[str(unit)],
                               qids[str(unit)], tuple((c, True) for c in citations(graph, st) if _citable(graph, c))))
    return facts, skipped


def quickstatements(graph: Graph, wikidata_endpoint: str | None = None, *,
                    client: WikidataClient | None = None, **client_options) -> QuickStatements:
    """QuickStatements v1 commands for the sourced facts of linked entities.

    Exported: for each linked event, its start and end dates (``P580``/``P582``, day precision:
    ``+1943-11-20T00:00:00Z/11``), its deaths (``P1120``) when exactly one preferred killed
    figure is an overall total (no side, no category), and its linked participants and
    belligerents (``P710``); for each non-deprecated command of a linked unit by a linked person,
    ``P598`` (commander of) on the person. Each line carries one citation as its reference:
    ``S248`` (stated in) when the source has a QID, ``S854`` (reference URL) from the source's
    ``schema:url``, ``S1683`` (quote) from the citation's ``tkg:quote``, in the quote's language
    (for a fact held as a direct triple, cited by the entity's own citations, the quote is kept only
    when it names the value, or a date's year); ``S813`` (retrieved) is never added, and a quote
    containing a double quote is left out (QuickStatements v1 cannot escape it). A fact with several citations gives one line per citation.

    :param graph: the project graph
    :param wikidata_endpoint: when given, facts whose value Wikidata already has (non-deprecated)
        are skipped; without it every fact is exported
    :param client: a configured client (else made from the endpoint and ``client_options``)
    :returns: :class:`QuickStatements` ``(text, skipped)``: the lines, and what was not exported
    :raises EndpointError: the endpoint cannot be queried
    """
    facts, skipped = _facts(graph)
    existing: dict[str, WikidataItem] = {}
    if wikidata_endpoint or client is not None:
        client = _client(client, wikidata_endpoint, client_options)
        existing = _fetch_items(client, [f.qid for f in facts], langs=(),
                                properties=sorted({f.prop for f in facts}))
    lines = []
    for fact in facts:
        item = existing.get(fact.qid)
        if item is not None and _already_there(fact, item):
            skipped.append(Skipped(fact.entity, fact.prop,
                                   f"wd:{fact.qid} already has {fact.prop} = {fact.compare}"))
            continue
        refs = [(c, _references(graph, c, with_quote)) for c, with_quote in fact.cites]
        refs = [(c, parts) for c, parts in refs if parts]
        if not refs:
            skipped.append(Skipped(fact.entity, fact.prop,
                                   "no citation has a source URL, a source QID or a quote to cite"))
            continue
        for _cite, parts in refs:
            line = "\t".join([fact.qid, fact.prop, fact.value, *parts])
            if line not in lines:
                lines.append(line)
    text = "\n".join(lines) + ("\n" if lines else "")
    return QuickStatements(text, skipped)


def _already_there(fact: _Fact, item: WikidataItem) -> bool:
    values = item.values.get(fact.prop, [])
    if fact.prop in ("P580", "P582"):
        return any(_dates_agree(str(fact.compare), v, p) for v, p in values)
    if fact.prop == "P1120":
        return any(_number(v) == fact.compare for v, _p in values)
    return any(qid_of(v) == fact.compare for v, _p in values)
