"""``accept``: write an accepted link, with its evidence, into ``data/wikidata.ttl``.

``data/wikidata.ttl`` is written by hand: comments explain each group of links and the statuses are
one triple per line (``<entity> tkg:wikidataStatus <status> .``). Rewriting the whole file through
a serialiser would lose the comments and the grouping, so an edit is two steps on its text: the
entity's status line is removed, and a block serialised by rdflib (with the file's own prefixes) is
appended. The result is parsed again before it replaces the file (docs/decisions.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS

from tarawa_kg.errors import TarawaKGError
from tarawa_kg.export import write_atomic
from tarawa_kg.namespaces import ID, TKG
from tarawa_kg.project import Project
from tarawa_kg.statements import en_label
from tarawa_kg.store import KnowledgeGraph, from_rdflib
from tarawa_kg.wikidata.links import QID_PATTERN, link_status, qid_of, wd_item
from tarawa_kg.wikidata.reconcile import Candidate


class ReconciliationError(TarawaKGError):
    """A link cannot be accepted: bad QID, unknown or already linked entity, QID not among the
    candidates (without ``force``), or a ``data/wikidata.ttl`` that cannot be rewritten safely."""


@dataclass(frozen=True)
class Accepted:
    """What :func:`accept` wrote."""

    path: Path
    entity: str
    qid: str
    statement: str


def accept(project: Project, entity, qid: str, evidence: Candidate | None = None, *,
           force: bool = False, on: date | None = None, graph=None) -> Accepted:
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
    :param graph: the project graph, loaded once for several links (default: loaded here); the
        new link and statement are added to it, so the next ``accept`` sees them
    :returns: :class:`Accepted`
    :raises ReconciliationError: invalid QID, unknown or already linked entity, no matching
        candidate (without ``force``), or a status that is not written as one line
    """
    if not QID_PATTERN.match(qid or ""):
        raise ReconciliationError(f"{qid!r} is not a Wikidata item id (Q followed by digits)")
    if graph is None:
        from tarawa_kg.load import load_project

        graph = load_project(project)
    iri = URIRef(str(entity))
    _check_acceptable(graph, iri, qid, evidence, force)
    path = project.root / "data" / "wikidata.ttl"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReconciliationError(f"{path}: cannot read: {exc}") from exc
    local = _parse(path, text, "cannot parse")
    text = _remove_status_line(path, text, local, iri)
    statement = _statement_iri(graph, local, iri)
    on = on or date.today()
    link, evidence_graph = _new_triples(iri, qid, statement, evidence, on)
    block = (f"\n# Accepted with `tarawa-kg wikidata reconcile --accept` on {on.isoformat()}: "
             f"{en_label(graph, iri)} → {qid}\n"
             + _turtle(link, local) + "\n" + _turtle(evidence_graph, local))
    new_text = text.rstrip("\n") + "\n" + block
    check = _parse(path, new_text, "the new text does not parse")
    if (set(check.objects(iri, TKG.wikidataStatus)) != {TKG.Linked}
            or (iri, SKOS.exactMatch, wd_item(qid)) not in check):
        raise ReconciliationError(f"{path}: the rewritten file does not link {iri} as expected")
    write_atomic(path, new_text.encode("utf-8"))
    _remember(graph, link + evidence_graph)
    return Accepted(path, str(iri), qid, str(statement))


def _check_acceptable(graph, iri: URIRef, qid: str, evidence: Candidate | None, force: bool) -> None:
    if (iri, RDF.type, None) not in graph:
        raise ReconciliationError(f"{iri}: no such entity in the graph")
    current = [qid_of(o) for o in graph.objects(iri, SKOS.exactMatch) if qid_of(o)]
    if current:
        raise ReconciliationError(f"{iri} is already linked to {', '.join(current)}")
    others = sorted(str(s) for s in graph.subjects(SKOS.exactMatch, wd_item(qid)))
    if others and not force:
        raise ReconciliationError(f"{qid} is already the link of {', '.join(others)} "
                                  "(pass --force to link it anyway)")
    status = link_status(graph, iri)
    if status != TKG.AwaitingReconciliation and not force:
        shown = str(status).split("#")[-1] if status else "none"
        raise ReconciliationError(f"{iri} does not await reconciliation (status: {shown}); "
                                  "pass --force to link it anyway")
    if (evidence is None or evidence.qid != qid) and not force:
        raise ReconciliationError(f"{qid} is not among the candidates found for {iri}; "
                                  "pass --force to accept it anyway")


def _parse(path: Path, text: str, problem: str) -> Graph:
    graph = Graph(bind_namespaces="none")  # only the file's own prefixes
    try:
        graph.parse(data=text, format="turtle")
    except Exception as exc:  # noqa: BLE001 - rdflib raises several kinds
        raise ReconciliationError(f"{path}: {problem}: {exc}") from exc
    return graph


def _remove_status_line(path: Path, text: str, local: Graph, iri: URIRef) -> str:
    """``text`` without the line ``<iri> tkg:wikidataStatus <status> .`` (the entity written as
    a CURIE of the file's prefixes or as a full IRI)."""
    forms = {re.escape(f"<{iri}>")}
    for prefix, namespace in local.namespaces():
        local_name = str(iri)[len(str(namespace)):]
        if prefix and str(iri).startswith(str(namespace)) and re.fullmatch(r"[A-Za-z0-9_][\w-]*", local_name):
            forms.add(re.escape(f"{prefix}:{local_name}"))
    status_line = re.compile(r"^[ \t]*(?:" + "|".join(sorted(forms)) + r")[ \t]+"
                             r"(?:tkg:wikidataStatus|<" + re.escape(str(TKG.wikidataStatus)) + r">)"
                             r"[ \t]+\S+[ \t]*\.[ \t]*(?:#.*)?\n?", re.MULTILINE)
    text, removed = status_line.subn("", text)
    if (iri, TKG.wikidataStatus, None) in local and not removed:
        raise ReconciliationError(f"{path}: the status of {iri} is not written as one line "
                                  "'<entity> tkg:wikidataStatus <status> .'; edit it by hand")
    return text


def _statement_iri(graph, local: Graph, iri: URIRef) -> URIRef:
    """``id:statement/<slug>-wikidata-item``, numbered ``-2``, ``-3``… when taken."""
    slug = str(iri).rstrip("/").rsplit("/", 1)[-1]
    statement, n = ID[f"statement/{slug}-wikidata-item"], 2
    while (statement, None, None) in graph or (statement, None, None) in local:
        statement, n = ID[f"statement/{slug}-wikidata-item-{n}"], n + 1
    return statement


def _new_triples(iri: URIRef, qid: str, statement: URIRef, evidence: Candidate | None,
                 on: date) -> tuple[Graph, Graph]:
    """The link (``skos:exactMatch``, ``tkg:Linked``) and the sourced ``tkg:wikidataItem``
    statement, as two graphs."""
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
    link = Graph()
    link.add((iri, SKOS.exactMatch, wd_item(qid)))
    link.add((iri, TKG.wikidataStatus, TKG.Linked))
    cite = BNode()
    stated = Graph()
    for p, o in ((RDF.type, TKG.Statement), (TKG.subject, iri), (TKG.property, TKG.wikidataItem),
                 (TKG.value, wd_item(qid)), (TKG.statementRank, TKG.PreferredRank),
                 (TKG.rankReason, Literal(reason, lang="en")), (PROV.wasDerivedFrom, cite)):
        stated.add((statement, p, o))
    for p, o in ((RDF.type, TKG.Citation), (TKG.source, ID["source/wikidata"]),
                 (TKG.locator, Literal(locator)), (TKG.quote, Literal(quote, lang="en"))):
        stated.add((cite, p, o))
    return link, stated


def _turtle(triples: Graph, local: Graph) -> str:
    """``triples`` as Turtle with the prefixes of ``data/wikidata.ttl``, without ``@prefix`` lines
    (the file declares them)."""
    out = Graph(bind_namespaces="none")
    for prefix, namespace in local.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    out += triples
    lines = out.serialize(format="turtle").splitlines()
    undeclared = [line for line in lines if line.startswith("@prefix")
                  and line.split()[1] not in {f"{p}:" for p, _ns in local.namespaces()}]
    if undeclared:
        raise ReconciliationError(f"data/wikidata.ttl lacks the prefix of {undeclared[0]!r}; declare it")
    return "\n".join(line for line in lines if not line.startswith("@prefix")).strip("\n") + "\n"


def _remember(graph, triples: Graph) -> None:
    """Add the new triples to the caller's graph (a ``KnowledgeGraph`` or an rdflib ``Graph``)."""
    if isinstance(graph, KnowledgeGraph):
        graph.extend(ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in triples)
    else:
        graph += triples
