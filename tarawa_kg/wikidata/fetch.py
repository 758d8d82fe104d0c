"""Wikidata's side: what the endpoint says about a set of items, read with the queries of
``tarawa_kg/wikidata/queries/*.rq``.

Each query is a file with the header of the project's saved queries; the items of one batch are
bound by a ``VALUES`` block placed at the start of its ``WHERE`` group by
:func:`tarawa_kg.queries.insert_block` (the placement :func:`tarawa_kg.queries.bind_query` uses),
the terms written by :func:`tarawa_kg.queries.sparql_term`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from rdflib import Literal, URIRef

from tarawa_kg.queries import SavedQuery, insert_block
from tarawa_kg.wikidata.links import normalise_label, qid_of, qnum, wd_item
from tarawa_kg.wikidata_client import WIKIDATA_ENDPOINT, WikidataClient, values_block, values_rows

QUERIES_DIR = Path(__file__).parent / "queries"
"""The SPARQL queries sent to Wikidata (package data)."""
P, PS, PSV = ("http://www.wikidata.org/prop/", "http://www.wikidata.org/prop/statement/",
              "http://www.wikidata.org/prop/statement/value/")


@lru_cache(maxsize=None)
def wikidata_query(name: str) -> SavedQuery:
    """The query ``queries/<name>.rq`` of this package (``labels``, ``items``, ``classes``,
    ``statements``, ``lookup``).

    >>> wikidata_query("items").title
    'Existence and redirect of Wikidata items'
    """
    return SavedQuery.from_file(QUERIES_DIR / f"{name}.rq")


def bound_query(name: str, *blocks: str) -> str:
    """The text of query ``name``, without its header comment, with each ``VALUES`` block
    inserted at the start of its ``WHERE`` group.

    >>> bound_query("lookup", 'VALUES ?text { "Betio"@en }').splitlines()[7:9]
    ['SELECT ?text ?item WHERE {', '  VALUES ?text { "Betio"@en }']
    """
    lines = wikidata_query(name).text.splitlines(keepends=True)
    text = "".join(lines[next(i for i, line in enumerate(lines) if not line.startswith("#")):])
    for block in blocks:
        text = insert_block(text, block)
    return text


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
    """Allowed classes (see :data:`tarawa_kg.wikidata.CLASS_ALLOW_LIST`) this item is an instance of."""
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


def make_client(client: WikidataClient | None, endpoint: str | None, options: dict) -> WikidataClient:
    """``client`` if given, else a :class:`WikidataClient` of ``endpoint`` with ``options``."""
    if client is not None:
        return client
    return WikidataClient(endpoint or WIKIDATA_ENDPOINT, **options)


def fetch_items(client: WikidataClient, qids: Sequence[str], langs: Sequence[str] = ("en", "fr"),
                pairs: Sequence[tuple[str, str]] = (), properties: Sequence[str] = ()
                ) -> dict[str, WikidataItem]:
    """Labels, aliases, description, redirect and existence of ``qids``; the ``P31`` classes of
    the (item, allowed class) ``pairs``; the non-deprecated values of ``properties``.

    :returns: QID → :class:`WikidataItem`, one per distinct QID asked
    :raises EndpointError: the endpoint cannot be queried
    """
    qids = sorted(set(qids), key=qnum)
    items = {q: WikidataItem(q) for q in qids}
    if not qids:
        return items
    if langs:
        _read_labels(client, items, langs)
    _read_status(client, items)
    pairs = sorted(set(pairs), key=lambda p: (qnum(p[0]), qnum(p[1])))
    if pairs:
        _read_classes(client, items, pairs)
    if properties:
        _read_values(client, items, properties)
    return items


def _item_block(batch) -> str:
    return values_block("item", [wd_item(q) for q in batch])


def _read_labels(client: WikidataClient, items: dict[str, WikidataItem], langs: Sequence[str]) -> None:
    lang_block = values_block("lang", [Literal(lang) for lang in langs])
    rows = client.select_batched(list(items), lambda batch: bound_query(
        "labels", lang_block, _item_block(batch)), "Wikidata labels").rows
    for item, kind, value in rows:
        record = items.get(qid_of(item))
        if record is None or value is None:
            continue
        if kind is not None and str(kind) == "description":
            if value.language == "en":
                record.description = str(value)
            continue
        target = record.labels if str(kind) == "label" else record.aliases
        target.setdefault(value.language, set()).add(str(value))


def _read_status(client: WikidataClient, items: dict[str, WikidataItem]) -> None:
    rows = client.select_batched(list(items), lambda batch: bound_query("items", _item_block(batch)),
                                 "Wikidata items").rows
    for item, redirect, exists in rows:
        record = items.get(qid_of(item))
        if record is None:
            continue
        record.exists = record.exists or (exists is not None and bool(exists.toPython()))
        if redirect is not None and qid_of(redirect):
            record.redirect = qid_of(redirect)


def _read_classes(client: WikidataClient, items: dict[str, WikidataItem],
                  pairs: Sequence[tuple[str, str]]) -> None:
    def query(batch):
        return bound_query("classes", values_rows(("item", "allowed"),
                                                  [(wd_item(i), wd_item(c)) for i, c in batch]))

    for item, allowed, cls, compatible in client.select_batched(pairs, query, "Wikidata classes").rows:
        record = items.get(qid_of(item))
        if record is None or qid_of(cls) is None:
            continue
        record.classes.add(qid_of(cls))
        if compatible is not None and bool(compatible.toPython()):
            record.compatible.add(qid_of(allowed))


def _read_values(client: WikidataClient, items: dict[str, WikidataItem], properties: Sequence[str]) -> None:
    props = values_rows(("prop", "p", "ps", "psv"),
                        [(Literal(p), URIRef(P + p), URIRef(PS + p), URIRef(PSV + p)) for p in properties])
    rows = client.select_batched(list(items), lambda batch: bound_query(
        "statements", props, _item_block(batch)), "Wikidata statements").rows
    seen = set()
    for item, prop, value, precision in rows:
        record = items.get(qid_of(item))
        if record is None or value is None:
            continue
        key = (record.qid, str(prop), value, precision)
        if key in seen:
            continue
        seen.add(key)
        record.values.setdefault(str(prop), []).append(
            (value, int(precision.toPython()) if precision is not None else None))
