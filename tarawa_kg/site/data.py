"""What the pages show, read from the pyoxigraph store with the SPARQL queries of
``tarawa_kg/site/queries/`` (one query per aspect, the entity bound by substitution)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox
from markupsafe import Markup

from tarawa_kg.export import _bnode_labels
from tarawa_kg.namespaces import PREFIXES
from tarawa_kg.site.paths import BASE, page_dir, relative

QUERIES = Path(__file__).parent / "queries"
TKG = "https://w3id.org/tarawa-kg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
GEO_GEOMETRY = "http://www.opengis.net/ont/geosparql#hasGeometry"
GEO_WKT = "http://www.opengis.net/ont/geosparql#asWKT"
WD = "http://www.wikidata.org/entity/"
RANKS = {TKG + "PreferredRank": "preferred", TKG + "NormalRank": "normal", TKG + "DeprecatedRank": "deprecated"}
# statement triples shown in their own column, not among the qualifiers
_STATEMENT_CORE = {RDF_TYPE, TKG + "subject", TKG + "property", TKG + "value", TKG + "valueText",
                   TKG + "statementRank", TKG + "rankReason", TKG + "correctedBy", PROV_DERIVED,
                   TKG + "statedAs"}
_HEADER = {RDF_TYPE, RDFS_LABEL, SKOS + "prefLabel", PROV_DERIVED, SKOS + "exactMatch",
           TKG + "wikidataStatus", GEO_GEOMETRY}
SCHEMA_TYPES = [  # first match wins (a Commander is a Person before anything else)
    ("Person", "Person"), ("Statement", "Claim"), ("Event", "Event"), ("Place", "Place"),
    ("Ship", "Vehicle"), ("EquipmentType", "Product"), ("Source", "CreativeWork"),
    ("Quotation", "Quotation"), ("MilitaryUnit", "Organization"), ("Organization", "Organization"),
    ("MilitaryBranch", "Organization"), ("Belligerent", "Organization"),
]
_NAMESPACES = sorted(((str(ns), prefix) for prefix, ns in PREFIXES.items()), key=lambda x: -len(x[0]))


@cache
def query_text(name: str) -> str:
    """The text of the site query ``name`` (``tarawa_kg/site/queries/<name>.rq``)."""
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def curie(iri: str) -> str:
    """A short name for ``iri`` with the project's prefixes, else the IRI itself.

    >>> curie("https://w3id.org/tarawa-kg/ontology#strength")
    'tkg:strength'
    """
    for ns, prefix in _NAMESPACES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def literal_key(term) -> tuple:
    """A total order on terms for deterministic pages: kind, text, language, datatype."""
    if isinstance(term, ox.Literal):
        return (1, term.value, term.language or "", term.datatype.value)
    return (0, getattr(term, "value", str(term)), "", "")


def shown(text: str, lang: str | None = None, datatype: str | None = None, iri: str | None = None,
          href: str | None = None) -> dict:
    """A value as the templates show it: ``text``, ``lang``, ``datatype`` (a CURIE, for literals
    other than strings and numbers), ``iri``, ``href`` (a link, relative inside the site) and
    ``html``, the same as markup (a link, or a span with its language), every part escaped by
    MarkupSafe: the pages print it as is, which is much quicker than a template macro per value.

    >>> shown("<b>", lang="en")["html"]
    Markup('<span class="lit" lang="en">&lt;b&gt;</span> <small class="tag">@en</small>')
    >>> shown("Betio", iri="https://w3id.org/tarawa-kg/id/place/betio", href="../place/betio/")["html"]
    Markup('<a href="../place/betio/" title="https://w3id.org/tarawa-kg/id/place/betio">Betio</a>')
    """
    if href:
        html = (Markup('<a href="{}" title="{}">{}</a>').format(href, iri, text) if iri
                else Markup('<a href="{}">{}</a>').format(href, text))
    elif iri:
        html = Markup('<span class="iri">{}</span>').format(text)
    elif lang:
        html = Markup('<span class="lit" lang="{}">{}</span>').format(lang, text)
    else:
        html = Markup('<span class="lit">{}</span>').format(text)
    if lang:
        html += Markup(' <small class="tag">@{}</small>').format(lang)
    if datatype:
        html += Markup(' <small class="tag">{}</small>').format(datatype)
    return {"text": text, "lang": lang, "datatype": datatype, "iri": iri, "href": href, "html": html}


def _pick(labels: dict[str, list[str]], langs=("en", "", "fr")) -> str | None:
    for lang in langs:
        if labels.get(lang):
            return min(labels[lang])
    for lang in sorted(labels):
        return min(labels[lang])
    return None


class SiteData:
    """The store, read once for what every page needs (labels, citations, classes, which IRIs have
    a page), then queried entity by entity.

    :param store: a pyoxigraph ``Store`` holding the knowledge graph (ontology and data)
    """

    def __init__(self, store: ox.Store):
        self.store = store
        self.labels: dict[str, dict[str, list[str]]] = {}
        for row in self.select("labels"):
            lang = row["label"].language or ""
            self.labels.setdefault(row["s"].value, {}).setdefault(lang, []).append(row["label"].value)
        self.entities: list[str] = [row["entity"].value for row in self.select("entities")]
        self.has_page = set(self.entities)
        self.citations: dict[str, dict] = {}
        for row in self.select("citations"):
            self.citations[row["citation"].value] = {
                "source": row.get("source"), "locator": row.get("locator"), "quote": row.get("quote")}
        self.holders: dict[str, list] = {}  # citation → the resources it supports
        for row in self.select("cites"):
            self.holders.setdefault(row["citation"].value, []).append(row["holder"])
        self.heads: dict[str, tuple] = {row["statement"].value: (row["about"], row["property"])
                                        for row in self.select("statement-heads")}
        self.supers: dict[str, set[str]] = {}
        for row in self.select("classes"):
            self.supers.setdefault(row["class"].value, set()).add(row["super"].value)

    def select(self, name: str, entity: str | None = None, text: str | None = None) -> list[dict]:
        """Run the site query ``name`` (or the SELECT ``text``), ``?entity`` bound to ``entity``.

        :returns: one dict per solution, variable name → pyoxigraph term (absent when unbound)
        """
        subs = {ox.Variable("entity"): ox.NamedNode(entity)} if entity else None
        solutions = self.store.query(text or query_text(name), substitutions=subs)
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    # ---------------------------------------------------------------- terms as the pages show them

    def label(self, iri: str, langs=("en", "", "fr")) -> str | None:
        """The label of ``iri`` in the first of ``langs`` that has one (then any), or ``None``."""
        found = self.labels.get(iri)
        return _pick(found, langs) if found else None

    def href(self, iri: str, here: str) -> str | None:
        """The link from the page in folder ``here`` to ``iri``: relative to its page when the site
        has one (entities, ontology terms), Wikidata's page for a QID, the IRI itself for another
        site's IRI, else ``None`` (an IRI of ours without a page)."""
        if iri in self.has_page:
            return relative(here, page_dir(iri) + "/")
        if iri.startswith(TKG):
            return relative(here, "ontology/") + "#" + iri[len(TKG):]
        if iri.startswith(WD):
            return "https://www.wikidata.org/wiki/" + iri[len(WD):]
        if iri.startswith(("http://", "https://")) and not iri.startswith(BASE):
            return iri  # another site's IRI (a work's address, a QUDT unit…): a plain outside link
        return None

    def term(self, term, here: str) -> dict:
        """A term as the templates show it (:func:`shown`)."""
        if term is None:  # a statement without the part asked for
            return shown("–")
        if isinstance(term, ox.Literal):
            dt = term.datatype.value
            plain = dt.endswith(("#string", "#langString", "#integer", "#decimal"))
            return shown(term.value, lang=term.language, datatype=None if plain else curie(dt))
        if isinstance(term, ox.NamedNode):
            iri = term.value
            return shown(self.label(iri) or curie(iri), iri=iri, href=self.href(iri, here))
        return shown(str(term))

    def citation(self, iri: str, here: str) -> dict:
        """A citation (a ``ref:`` IRI) as shown: source (a term), locator and quote (strings)."""
        c = self.citations.get(iri, {})
        return {"source": self.term(c["source"], here) if c.get("source") else None,
                "locator": c["locator"].value if c.get("locator") else None,
                "quote": c["quote"].value if c.get("quote") else None}

    def schema_type(self, classes: list[str]) -> str:
        """The schema.org type of an entity of the given ``tkg:`` classes (``Thing`` if none fits)."""
        supers = set().union(*(self.supers.get(c, {c}) for c in classes)) if classes else set()
        for local, schema in SCHEMA_TYPES:
            if TKG + local in supers:
                return schema
        return "Thing"

    # ---------------------------------------------------------------- one entity

    def description(self, iri: str) -> list:
        """The triples served at ``iri``'s address (:file:`queries/description.rq`), blank nodes
        relabelled from their content and sorted: the same data gives the same bytes."""
        triples = list(self.store.query(query_text("description"),
                                        substitutions={ox.Variable("entity"): ox.NamedNode(iri)}))
        labels = _bnode_labels(triples)
        if labels:
            triples = [ox.Triple(labels.get(t.subject, t.subject), t.predicate, labels.get(t.object, t.object))
                       for t in triples]
        return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    def entity(self, iri: str) -> dict:
        """Everything the page of ``iri`` shows (see ``templates/entity.html``)."""
        here = page_dir(iri)
        out: dict[str, list] = {}
        for row in self.select("out", iri):
            out.setdefault(row["p"].value, []).append(row["o"])
        for values in out.values():
            values.sort(key=literal_key)
        types = [t.value for t in out.get(RDF_TYPE, []) if isinstance(t, ox.NamedNode)]
        labels = self.labels.get(iri, {})
        props = [{"property": self.term(ox.NamedNode(p), here), "objects": [self.term(v, here) for v in vs]}
                 for p, vs in sorted(out.items()) if p not in _HEADER]
        wkt = [row["wkt"].value for row in self.select("wkt", iri)] if GEO_GEOMETRY in out else []
        statements: dict[str, dict[str, list]] = {}
        for row in self.select("statements", iri):
            statements.setdefault(row["statement"].value, {}).setdefault(row["p"].value, []).append(row["o"])
        incoming = []
        seen = set()
        for row in self.select("incoming", iri):
            # a citation pointing here (its tkg:source): shown as the resources it supports
            sources = self.holders.get(row["s"].value) if row["s"].value in self.citations else [row["s"]]
            for s in sources or []:
                head = self.heads.get(s.value)
                key = (s.value, row["p"].value)
                if key in seen:
                    continue
                seen.add(key)
                incoming.append({
                    "s": self.term(s, here),
                    "p": shown("cites") if s is not row["s"] else self.term(row["p"], here),
                    "about": self.term(head[0], here) if head else None,
                    "property": self.term(head[1], here) if head else None})
        incoming.sort(key=lambda r: (r["p"]["text"], r["s"]["text"], r["s"]["iri"] or ""))
        wikidata = [v.value for v in out.get(SKOS + "exactMatch", []) if v.value.startswith(WD)]
        status = out.get(TKG + "wikidataStatus", [])
        title = self.label(iri)
        return {
            "iri": iri, "here": here, "title": title or iri, "has_label": title is not None,
            "labels": [{"lang": lang, "text": text} for lang in sorted(labels) for text in sorted(labels[lang])],
            "types": [self.term(ox.NamedNode(t), here) for t in sorted(types)],
            "props": props,
            "citations": [self.citation(c.value, here) for c in out.get(PROV_DERIVED, [])],
            "wkt": wkt,
            "wikidata": [{"qid": q[len(WD):], "href": "https://www.wikidata.org/wiki/" + q[len(WD):]}
                         for q in sorted(wikidata)],
            "wikidata_status": self.term(status[0], here) if status else None,
            "statements": [self.statement(s, triples, here) for s, triples in sorted(
                statements.items(), key=lambda kv: (min((p.value for p in kv[1].get(TKG + "property", [])), default=""), kv[0]))],
            "incoming": incoming,
            "schema": self.schema_org(iri, types, out),
        }

    def statement(self, iri: str, triples: dict[str, list], here: str) -> dict:
        """One statement as its subject's page shows it."""
        def first(p):
            values = sorted(triples.get(p, []), key=literal_key)
            return values[0] if values else None

        rank_iri = first(TKG + "statementRank")
        rank = RANKS.get(rank_iri.value, "normal") if rank_iri is not None else "normal"
        reasons = sorted(triples.get(TKG + "rankReason", []), key=literal_key)
        reason = next((r for r in reasons if r.language == "en"), reasons[0] if reasons else None)
        qualifiers = [{"property": self.term(ox.NamedNode(p), here),
                       "objects": [self.term(v, here) for v in sorted(vs, key=literal_key)]}
                      for p, vs in sorted(triples.items()) if p not in _STATEMENT_CORE]
        return {
            "iri": iri, "href": self.href(iri, here),
            "property": self.term(first(TKG + "property"), here),
            "objects": [self.term(v, here) for v in sorted(triples.get(TKG + "value", []), key=literal_key)],
            "value_texts": [self.term(v, here) for v in sorted(triples.get(TKG + "valueText", []), key=literal_key)],
            "stated_as": [self.term(v, here) for v in sorted(triples.get(TKG + "statedAs", []), key=literal_key)],
            "rank": rank, "reason": reason.value if reason is not None else None,
            "corrected_by": [self.term(v, here) for v in sorted(triples.get(TKG + "correctedBy", []), key=literal_key)],
            "qualifiers": qualifiers,
            "citations": [self.citation(c.value, here) for c in sorted(triples.get(PROV_DERIVED, []), key=literal_key)],
        }

    def schema_org(self, iri: str, types: list[str], out: dict[str, list]) -> dict:
        """The schema.org description embedded in the page's head as JSON-LD."""
        doc = {"@context": "https://schema.org", "@id": iri, "@type": self.schema_type(types),
               "url": iri, "name": self.label(iri) or iri}
        other = sorted({v.value for v in out.get(RDFS_LABEL, []) + out.get(SKOS + "altLabel", [])} - {doc["name"]})
        if other:
            doc["alternateName"] = other
        definitions = [v for v in out.get(SKOS + "definition", []) if getattr(v, "language", None) == "en"]
        if definitions:
            doc["description"] = definitions[0].value
        same = sorted("https://www.wikidata.org/wiki/" + v.value[len(WD):]
                      for v in out.get(SKOS + "exactMatch", []) if v.value.startswith(WD))
        if same:
            doc["sameAs"] = same
        return doc
