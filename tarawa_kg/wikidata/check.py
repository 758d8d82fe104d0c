"""``check``: compare every linked entity with its Wikidata item."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rdflib import Graph, URIRef

from tarawa_kg.namespaces import TKG
from tarawa_kg.statements import cited_sources, citations, is_a, statements
from tarawa_kg.wikidata.fetch import WikidataItem, fetch_items, make_client
from tarawa_kg.wikidata.links import LinkedEntity, allowed_classes, class_names, linked_entities, qnum
from tarawa_kg.wikidata.values import date_part, dates_agree, hull, number
from tarawa_kg.wikidata_client import WIKIDATA_ENDPOINT, WikidataClient

FINDING_KINDS = ("missing-item", "redirected-item", "label-mismatch", "incompatible-class",
                 "different-value")
CHECK_PROPERTIES = ("P580", "P582", "P585", "P1120", "P879")


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
    client = make_client(client, endpoint, client_options)
    linked = linked_entities(graph)
    pairs = [(e.qid, c) for e in linked for c in allowed_classes(graph, URIRef(e.iri))]
    items = fetch_items(client, [e.qid for e in linked], langs=("en",), pairs=pairs,
                        properties=CHECK_PROPERTIES)
    findings = [f for entity in linked for f in _entity_findings(graph, entity, items[entity.qid])]
    order = {k: i for i, k in enumerate(FINDING_KINDS)}
    return sorted(findings, key=lambda f: (f.entity, order[f.kind], f.property or "", f.ours or ""))


def _entity_findings(graph: Graph, entity: LinkedEntity, item: WikidataItem) -> list[Finding]:
    iri = URIRef(entity.iri)
    sources = cited_sources(citations(graph, iri))
    if item.redirect:
        return [Finding(entity.iri, entity.qid, "redirected-item", None, entity.qid, item.redirect,
                        sources, f"wd:{entity.qid} is a redirect to wd:{item.redirect}; "
                        "update the link and its evidence")]
    if not item.exists:
        return [Finding(entity.iri, entity.qid, "missing-item", None, entity.qid, None, sources,
                        f"the endpoint has no triple about wd:{entity.qid} (deleted, or never existed)")]
    out = []
    if not entity.names & item.names(("en",)):
        theirs = item.label("en")
        out.append(Finding(entity.iri, entity.qid, "label-mismatch", "label", entity.label, theirs,
                           sources, f"our label {entity.label!r} matches neither the English label "
                           f"{theirs!r} nor an alias of wd:{entity.qid}"))
    allowed = allowed_classes(graph, iri)
    if allowed and item.classes and not item.compatible:
        theirs = ", ".join(sorted(item.classes, key=qnum))
        out.append(Finding(entity.iri, entity.qid, "incompatible-class", "P31", ", ".join(allowed),
                           theirs, sources,
                           f"wd:{entity.qid} is an instance of {theirs}, not of {class_names(allowed)}"))
    if is_a(graph, iri, TKG.Event):
        out += _date_findings(graph, entity, item) + _death_findings(graph, entity, item)
    if is_a(graph, iri, TKG.Ship):
        out += _hull_findings(graph, entity, item)
    return out


def _date_sources(graph: Graph, iri, prop: URIRef) -> tuple[str, ...]:
    preferred = statements(graph, iri, prop, TKG.PreferredRank)
    cites = [c for st in preferred for c in citations(graph, st)]
    return cited_sources(cites or citations(graph, iri))


def _date_findings(graph: Graph, entity: LinkedEntity, item: WikidataItem) -> list[Finding]:
    iri, out = URIRef(entity.iri), []
    for ours_prop, wd_prop in ((TKG.startTime, "P580"), (TKG.endTime, "P582")):
        ours = graph.value(iri, ours_prop)
        theirs = item.values.get(wd_prop) or item.values.get("P585")
        if ours is None or not theirs or any(dates_agree(str(ours), v, p) for v, p in theirs):
            continue
        used = wd_prop if item.values.get(wd_prop) else "P585"
        shown = ", ".join(sorted({date_part(v) for v, _p in theirs}))
        out.append(Finding(entity.iri, entity.qid, "different-value", used, str(ours)[:10],
                           shown, _date_sources(graph, iri, ours_prop),
                           f"{ours_prop.split('#')[-1]} is {str(ours)[:10]} here, "
                           f"{used} is {shown} on wd:{entity.qid}"))
    return out


def _death_findings(graph: Graph, entity: LinkedEntity, item: WikidataItem) -> list[Finding]:
    known = {n for n in (number(v) for v, _p in item.values.get("P1120", [])) if n is not None}
    if not item.values.get("P1120"):
        return []
    shown = ", ".join(str(n) for n in sorted(known))
    out = []
    for st in statements(graph, URIRef(entity.iri), TKG.killed, TKG.PreferredRank):
        value = graph.value(st, TKG.value)
        ours = number(value) if value is not None else None
        if ours is None or ours in known:
            continue
        who = " ".join(str(graph.value(st, q)).rsplit("/", 1)[-1]
                       for q in (TKG.side, TKG.personnelCategory) if graph.value(st, q))
        out.append(Finding(entity.iri, entity.qid, "different-value", "P1120", str(ours), shown,
                           cited_sources(citations(graph, st)),
                           f"our preferred killed figure {ours}{' (' + who + ')' if who else ''} "
                           f"is not among the P1120 values of wd:{entity.qid} ({shown})"))
    return out


def _hull_findings(graph: Graph, entity: LinkedEntity, item: WikidataItem) -> list[Finding]:
    iri = URIRef(entity.iri)
    ours = graph.value(iri, TKG.hullNumber)
    theirs = item.values.get("P879", [])
    if ours is None or not theirs or hull(ours) in {hull(v) for v, _p in theirs}:
        return []
    shown = ", ".join(sorted(str(v) for v, _p in theirs))
    return [Finding(entity.iri, entity.qid, "different-value", "P879", str(ours), shown,
                    cited_sources(citations(graph, iri)),
                    f"hull number {ours} here, pennant number {shown} on wd:{entity.qid}")]
