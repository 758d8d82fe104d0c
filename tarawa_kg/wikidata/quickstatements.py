"""``quickstatements``: export the sourced facts Wikidata lacks as QuickStatements v1."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, NamedTuple, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from tarawa_kg.namespaces import SCHEMA, TKG
from tarawa_kg.statements import Citation, citations, is_a, labels, statements
from tarawa_kg.wikidata.fetch import WikidataItem, fetch_items, make_client
from tarawa_kg.wikidata.links import linked_entities, normalise_label, qid_of
from tarawa_kg.wikidata.values import dates_agree, number
from tarawa_kg.wikidata_client import WikidataClient

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
    return [*labels(graph, entity), *labels(graph, entity, prop=SKOS.altLabel)]


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
        lang = graph.value(source, DCTERMS.language)
        quote = _qs_quote(cite.quote, str(lang) if lang else "en")
        if quote:
            parts += ["S1683", quote]
    return parts


def _facts(graph: Graph) -> tuple[list[_Fact], list[Skipped]]:
    facts, skipped = [], []
    qids = {e.iri: e.qid for e in linked_entities(graph)}
    for iri_text, qid in sorted(qids.items()):
        iri = URIRef(iri_text)
        if not is_a(graph, iri, TKG.Event):
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
            value = number(graph.value(totals[0], TKG.value))
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
        if str(unit) in qids and str(person) in qids and is_a(graph, unit, TKG.MilitaryUnit):
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
        client = make_client(client, wikidata_endpoint, client_options)
        existing = fetch_items(client, [f.qid for f in facts], langs=(),
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
        return any(dates_agree(str(fact.compare), v, p) for v, p in values)
    if fact.prop == "P1120":
        return any(number(v) == fact.compare for v, _p in values)
    return any(qid_of(v) == fact.compare for v, _p in values)
