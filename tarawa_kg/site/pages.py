"""The site's pages beyond the entities': home, sources (with their reliability profiles), the
article's fact-check, timeline, map, order of battle, disputed facts, query page and the ontology
files. Each reads the store through SPARQL: the package's queries or the project's saved ones."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone

import pyoxigraph as ox

from tarawa_kg.progress import Progress, quiet
from tarawa_kg.site.data import TKG, SiteData, literal_key, shown
from tarawa_kg.site.paths import kind_of, page_dir, relative
from tarawa_kg.site.render import render

ARTICLE = "https://w3id.org/tarawa-kg/id/source/tarawa-article-fr"
"""The source article, whose claims the fact-check page lists."""
LOCAL = timezone(timedelta(hours=12))
"""Gilbert Islands local time in November 1943 (UTC+12)."""


def _saved(project, name: str, params: dict | None = None) -> str | None:
    """The text of the saved query ``queries/<name>.rq`` with ``params`` bound as RDF terms, or
    ``None`` when the checkout has no such query."""
    from tarawa_kg.queries import SavedQuery, bind_query

    path = project.queries_dir / f"{name}.rq"
    if not path.is_file():
        return None
    query = SavedQuery.from_file(path)
    declared = {p.name for p in query.params}
    return bind_query(query, {k: v for k, v in (params or {}).items() if k in declared})


class Statements:
    """Every statement's head, values and citations, read once (for the source pages, the
    fact-check and the disputed facts)."""

    def __init__(self, data: SiteData):
        self.head = {r["statement"].value: r for r in data.select("statements-all")}
        self.by_fact: dict[tuple, list[str]] = defaultdict(list)  # (subject, property) → statements
        for s, r in self.head.items():
            self.by_fact[(r["subject"].value, r["property"].value)].append(s)
        self.values: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for r in data.select("statement-values"):
            self.values[r["statement"].value][r["p"].value].append(r["o"])
        self.cited_by: dict[str, list[tuple[str, str]]] = defaultdict(list)  # source → (holder, citation)
        self.sources_of: dict[str, set[str]] = defaultdict(set)  # holder → sources
        for r in data.select("cites"):
            holder, citation, source = r["holder"].value, r["citation"].value, r["source"].value
            self.cited_by[source].append((holder, citation))
            self.sources_of[holder].add(source)

    def rank(self, statement: str) -> str:
        head = self.head.get(statement)
        return head["rank"].value.rsplit("#", 1)[-1].replace("Rank", "").lower() if head else "normal"

    def first(self, statement: str, p: str, lang: str | None = None):
        values = sorted(self.values.get(statement, {}).get(TKG + p, []), key=literal_key)
        if lang:
            values = [v for v in values if getattr(v, "language", None) == lang] or values
        return values[0] if values else None


def statement_row(data: SiteData, st: Statements, statement: str, here: str) -> dict:
    """One statement as a row of the source, fact-check and disputed pages."""
    head = st.head[statement]
    value = st.first(statement, "value") or st.first(statement, "valueText", "en")
    stated = st.first(statement, "statedAs")
    reason = st.first(statement, "rankReason", "en")
    corrections = sorted(st.values.get(statement, {}).get(TKG + "correctedBy", []), key=literal_key)
    return {
        "statement": data.term(ox.NamedNode(statement), here),
        "subject": data.term(head["subject"], here), "property": data.term(head["property"], here),
        "value": data.term(value, here) if value is not None else None,
        "unit": data.term(st.first(statement, "unitOfMeasure"), here) if st.first(statement, "unitOfMeasure") else None,
        "stated_as": data.term(stated, here) if stated is not None else None,
        "rank": st.rank(statement), "reason": reason.value if reason is not None else None,
        "corrections": [{"statement": data.term(c, here),
                         "value": (lambda v: data.term(v, here) if v is not None else None)(
                             st.first(c.value, "value") or st.first(c.value, "valueText", "en")),
                         "sources": [data.term(ox.NamedNode(s), here) for s in sorted(st.sources_of.get(c.value, ()))]}
                        for c in corrections],
        "sources": [data.term(ox.NamedNode(s), here) for s in sorted(st.sources_of.get(statement, ()))],
    }


# --------------------------------------------------------------------------- sources

def source_profile(data: SiteData, st: Statements, source: str, here: str) -> dict:
    """What a source says, statement by statement, its reliability profile (how many of its
    statements are deprecated, and which sources correct them) and the facts resting on it alone.

    The profile is counted from the data: a statement citing the source counts once however many
    locators it has; "corrected" means deprecated with a ``tkg:correctedBy``."""
    holders = sorted({h for h, _c in st.cited_by.get(source, [])})
    statements = [h for h in holders if h in st.head]
    entities = [h for h in holders if h not in st.head and h != source and h in data.has_page]
    ranks = Counter(st.rank(s) for s in statements)
    correctors: Counter = Counter()
    for s in statements:
        if st.rank(s) == "deprecated":
            for c in st.values.get(s, {}).get(TKG + "correctedBy", []):
                for other in st.sources_of.get(c.value, set()) - {source}:
                    correctors[other] += 1
    alone = [s for s in statements if st.rank(s) != "deprecated" and st.sources_of.get(s) == {source}
             and not _other_support(st, s)]
    locators = defaultdict(list)
    for holder, citation in st.cited_by.get(source, []):
        locators[holder].append(data.citation(citation, here))
    rows = []
    for s in statements:
        row = statement_row(data, st, s, here)
        row["citations"] = sorted(locators[s], key=lambda c: (c["locator"] or "", c["quote"] or ""))
        rows.append(row)
    rows.sort(key=lambda r: (r["subject"]["text"].casefold(), r["property"]["text"], r["statement"]["iri"]))
    return {
        "statements": rows,
        "entities": sorted((data.term(ox.NamedNode(e), here) for e in entities), key=lambda t: t["text"].casefold()),
        "profile": {
            "total": len(statements), "preferred": ranks["preferred"], "normal": ranks["normal"],
            "deprecated": ranks["deprecated"],
            "share": f"{100 * ranks['deprecated'] / len(statements):.0f} %" if statements else "–",
            "correctors": [{"source": data.term(ox.NamedNode(s), here), "count": n}
                           for s, n in sorted(correctors.items(), key=lambda kv: (-kv[1], kv[0]))],
        },
        "alone": [r for r in rows if r["statement"]["iri"] in set(alone)],
    }


def _other_support(st: Statements, statement: str) -> bool:
    """Whether another non-deprecated statement of the same subject, property and value is cited
    by another source (then the fact does not rest on this source alone)."""
    head = st.head[statement]
    value = st.first(statement, "value")
    mine = st.sources_of.get(statement, set())
    for other in st.by_fact[(head["subject"].value, head["property"].value)]:
        if other != statement and st.rank(other) != "deprecated" and st.first(other, "value") == value \
                and st.sources_of.get(other, set()) - mine:
            return True
    return False


def sources_index(data: SiteData, st: Statements) -> bytes:
    """``id/source/index.html``: every source with its counts."""
    here = "id/source"
    rows = []
    for iri in data.entities:
        if kind_of(iri) != "source":
            continue
        statements = {h for h, _c in st.cited_by.get(iri, []) if h in st.head}
        deprecated = sum(1 for s in statements if st.rank(s) == "deprecated")
        rows.append({"source": data.term(ox.NamedNode(iri), here), "statements": len(statements),
                     "deprecated": deprecated})
    rows.sort(key=lambda r: (-r["statements"], r["source"]["text"].casefold()))
    return render("sources.html", title="Sources", root=relative(here, ""), rows=rows)


# --------------------------------------------------------------------------- fact-check

def _verdict_kind(verdict) -> str:
    """How a fact-check verdict (a literal or an IRI, e.g. ``tkg:ConfirmedClaim``) is shown:
    ``right`` (the claim holds), ``open`` (disputed, or not verifiable) or ``wrong``.

    >>> [_verdict_kind(v) for v in (ox.Literal("confirmed"), ox.NamedNode(TKG + "WrongClaim"),
    ...                             ox.NamedNode(TKG + "DisputedClaim"), ox.NamedNode(TKG + "UnverifiedClaim"))]
    ['right', 'wrong', 'open', 'open']
    """
    word = verdict.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1].casefold()
    if word.startswith(("correct", "right", "confirm", "true", "accurate", "supported", "verified")):
        return "right"
    if word.startswith(("disput", "unverif", "not verif", "open")):
        return "open"
    return "wrong"


def _verdict_text(data: SiteData, verdict, here: str) -> str:
    """A verdict as words: by the English label of the ``tkg:`` verdict it is or names
    (``tkg:WrongClaim`` or the literal "WrongClaim" → "wrong"), else as it is."""
    iri = verdict.value if isinstance(verdict, ox.NamedNode) else TKG + verdict.value
    try:
        labels = data.select("", entity=iri, text="SELECT ?entity ?l WHERE { ?entity "
                             "<http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER (LANG(?l) = \"en\") }")
    except ValueError:  # a literal verdict that names no term
        labels = []
    if labels:
        return labels[0]["l"].value
    return verdict.value if isinstance(verdict, ox.Literal) else data.term(verdict, here)["text"]


def fact_check(data: SiteData, st: Statements, project) -> bytes:
    """``fact-check/index.html``: the article's claims, each with its verdict and correction, from
    the saved query ``article-claims`` when the checkout has it, else ``article-errors``."""
    here = "fact-check"
    text = _saved(project, "article-claims", {"source": ARTICLE})
    used = "article-claims"
    if text is None:
        text, used = _saved(project, "article-errors", {"source": ARTICLE}), "article-errors"
    rows, seen = [], set()
    for r in (data.select("", text=text) if text else []):
        statement = r.get("statement")
        key = (statement.value if statement else None, r.get("paragraph").value if r.get("paragraph") else None)
        if key in seen:
            continue
        seen.add(key)
        verdict = r.get("verdict")
        rows.append({
            "paragraph": r["paragraph"].value if r.get("paragraph") else None,
            "statement": data.term(statement, here) if statement else None,
            "subject": data.term(r["subject"], here) if r.get("subject") else (
                data.term(st.head[statement.value]["subject"], here) if statement and statement.value in st.head else None),
            "property": r["property"].value if r.get("property") else (
                data.term(st.head[statement.value]["property"], here)["text"] if statement and statement.value in st.head else None),
            "stated_as": r["statedAs"].value if r.get("statedAs") else None,
            "value": data.term(r.get("value") or r.get("claimed"), here) if (r.get("value") or r.get("claimed")) else None,
            "verdict": _verdict_text(data, verdict, here) if verdict is not None else "corrected",
            "kind": _verdict_kind(verdict) if verdict is not None else "wrong",
            "reason": r["reason"].value if r.get("reason") else (
                st.first(statement.value, "rankReason", "en").value
                if statement and st.first(statement.value, "rankReason", "en") is not None else None),
            "correction": data.term(r["correction"], here) if r.get("correction") else None,
            "correction_value": data.term(r.get("correctionValue") or r.get("corrected"), here)
                                if (r.get("correctionValue") or r.get("corrected")) else None,
            "correction_source": data.term(r.get("correctionSource") or r.get("correctedBySource"), here)
                                 if (r.get("correctionSource") or r.get("correctedBySource")) else None,
        })
    url = data.select("", text=f"SELECT ?url WHERE {{ <{ARTICLE}> <https://schema.org/url> ?url }}")
    return render("fact_check.html", title="The article's fact-check", root=relative(here, ""), rows=rows,
                  query=used, article=data.term(ox.NamedNode(ARTICLE), here),
                  article_url=url[0]["url"].value if url else None)


# --------------------------------------------------------------------------- timeline

def show_time(term) -> dict:
    """A time as the timeline shows it: local (UTC+12) and UTC for a dateTime, the date alone for
    a date. The sort key is local time, as the dates of the sources are local dates.

    >>> show_time(ox.Literal("1943-11-20T08:55:00+12:00", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")))
    {'sort': '1943-11-20T08:55:00', 'local': '1943-11-20 08:55 (UTC+12)', 'utc': '1943-11-19 20:55 UTC'}
    >>> show_time(ox.Literal("1943-11-23T01:05:00Z", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")))["sort"] > "1943-11-23"
    True
    >>> show_time(ox.Literal("1943-11-20", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")))
    {'sort': '1943-11-20', 'local': '1943-11-20', 'utc': None}
    """
    text = term.value
    if "T" in text:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return {"sort": text, "local": text, "utc": None}
        if moment.tzinfo is None:
            return {"sort": text, "local": text + " (zone not given)", "utc": None}
        local, utc = moment.astimezone(LOCAL), moment.astimezone(timezone.utc)
        return {"sort": local.strftime("%Y-%m-%dT%H:%M:%S"), "local": local.strftime("%Y-%m-%d %H:%M") + " (UTC+12)",
                "utc": utc.strftime("%Y-%m-%d %H:%M") + " UTC"}
    return {"sort": text[:10], "local": text, "utc": None}


def timeline(data: SiteData, st: Statements) -> bytes:
    """``timeline/index.html``: every dated event in order, local time and UTC; a time the sources
    dispute is shown as the range of the non-deprecated values they give."""
    here = "timeline"
    events: dict[str, dict] = {}
    for r in data.select("events"):
        e = events.setdefault(r["event"].value, {"types": set(), "start": None, "end": None})
        e["types"].add(r["type"].value)
        for key, var in (("start", "start"), ("start", "instant"), ("end", "end")):
            if r.get(var) is not None and e[key] is None:
                e[key] = r[var]
    claimed: dict[tuple, list] = defaultdict(list)  # (event, start|end) → non-deprecated values
    for s, head in st.head.items():
        prop = head["property"].value
        if prop in (TKG + "startTime", TKG + "pointInTime", TKG + "endTime") and st.rank(s) != "deprecated":
            value = st.first(s, "value")
            if value is not None:
                claimed[(head["subject"].value, "end" if prop.endswith("endTime") else "start")].append(value)
    links: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for r in data.select("event-links"):
        links[r["event"].value][r["link"].value.rsplit("#", 1)[-1]].add(r["target"].value)
    within: dict[str, set] = defaultdict(set)
    for r in data.select("located-in"):
        within[r["place"].value].add(r["parent"].value)
    items, places, sides = [], set(), set()
    for iri, e in events.items():
        times = {}
        for key in ("start", "end"):
            values = sorted({v for v in claimed.get((iri, key), [])} | ({e[key]} if e[key] is not None else set()),
                            key=lambda v: show_time(v)["sort"])
            shown = [show_time(v) for v in values]
            times[key] = shown[:1] + shown[-1:] if len(shown) > 1 else shown  # the range: earliest, latest
        if not times["start"]:
            continue
        own = links[iri]["place"]
        place_set = own | set().union(*(within.get(p, set()) for p in own)) if own else set()
        places |= place_set
        sides |= links[iri]["side"]
        items.append({
            "event": data.term(ox.NamedNode(iri), here),
            "type": ", ".join(sorted(data.label(t) or t.rsplit("#", 1)[-1] for t in e["types"] if t != TKG + "Event")),
            "start": times["start"], "end": times["end"],
            "disputed": len(times["start"]) > 1 or len(times["end"]) > 1,
            "places": [data.term(ox.NamedNode(p), here) for p in sorted(own)],
            "sides": [data.term(ox.NamedNode(s), here) for s in sorted(links[iri]["side"])],
            "place_keys": " ".join(page_dir(p).rsplit("/", 1)[-1] for p in sorted(place_set) if p in data.has_page),
            "side_keys": " ".join(page_dir(s).rsplit("/", 1)[-1] for s in sorted(links[iri]["side"]) if s in data.has_page),
            "parents": [data.term(ox.NamedNode(p), here) for p in sorted(links[iri]["partOf"])],
        })
    items.sort(key=lambda i: (i["start"][0]["sort"], i["end"][0]["sort"] if i["end"] else "", i["event"]["iri"]))
    options = lambda iris: sorted(({"key": page_dir(i).rsplit("/", 1)[-1], "label": data.label(i) or i}  # noqa: E731
                                   for i in iris if i in data.has_page), key=lambda o: o["label"].casefold())
    return render("timeline.html", title="Timeline", root=relative(here, ""), items=items,
                  places=options(places), sides=options(sides))


# --------------------------------------------------------------------------- map

_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)\s*$", re.I)


def _project(points: list[dict], width: float, pad: float = 6.0, label_room: float = 40.0) -> dict:
    """Equirectangular coordinates of ``points`` (``lon``, ``lat`` in degrees, longitudes in
    0–360 so that the Pacific stays whole) in an SVG view box ``width`` wide, with ``label_room``
    on the right for the names."""
    lons = [p["lon"] for p in points]
    lats = [p["lat"] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    span = max(east - west, north - south, 1e-6)
    scale = (width - 2 * pad - label_room) / span
    height = (north - south) * scale + 2 * pad
    for p in points:
        p["x"] = round(pad + (p["lon"] - west) * scale, 2)
        p["y"] = round(pad + (north - p["lat"]) * scale, 2)
    lines = []
    step = 10 if span > 30 else 1 if span > 3 else 0.5
    lon = (west // step) * step
    while lon <= east:
        if lon >= west:
            lines.append({"x1": round(pad + (lon - west) * scale, 2), "y1": 0, "x2": round(pad + (lon - west) * scale, 2),
                          "y2": round(height, 2), "label": f"{(lon + 180) % 360 - 180:g}°"})
        lon += step
    lat = (south // step) * step
    while lat <= north:
        if lat >= south:
            y = round(pad + (north - lat) * scale, 2)
            lines.append({"x1": 0, "y1": y, "x2": width, "y2": y, "label": f"{lat:g}°"})
        lat += step
    return {"width": width, "height": round(height, 2), "points": points, "lines": lines}


def map_page(data: SiteData) -> bytes:
    """``map/index.html``: the places with a WKT point, drawn as inline SVG on a plain background
    (no tiles, no outside request), each linked to its page and to the events there; the
    operation area (the Gilbert Islands, 0–4° N, 172–174° E) drawn again at a larger scale."""
    here = "map"
    events_at: dict[str, set] = defaultdict(set)
    for r in data.select("event-links"):
        if r["link"].value == TKG + "place":
            events_at[r["target"].value].add(r["event"].value)
    points = []
    for r in data.select("wkt"):
        match = _POINT.match(r["wkt"].value)
        if not match or r["entity"].value not in data.has_page:
            continue
        lon, lat = float(match.group(1)), float(match.group(2))
        iri = r["entity"].value
        points.append({"iri": iri, "lon": lon % 360, "lat": lat, "wkt": r["wkt"].value,
                       "term": data.term(ox.NamedNode(iri), here),
                       "events": sorted((data.term(ox.NamedNode(e), here) for e in events_at.get(iri, ())),
                                        key=lambda t: t["text"].casefold())})
    points.sort(key=lambda p: (p["term"]["text"].casefold(), p["iri"]))
    maps = []
    if points:
        maps.append({"title": "The places of the graph", "id": "world", **_project([dict(p) for p in points], 200)})
        local = [dict(p) for p in points if 0 <= p["lat"] <= 4 and 172 <= p["lon"] <= 174]
        if local:
            maps.append({"title": "The Gilbert Islands: Tarawa and Makin", "id": "gilberts", **_project(local, 200)})
    return render("map.html", title="Map", root=relative(here, ""), maps=maps, points=points)


# --------------------------------------------------------------------------- order of battle

def order_of_battle(data: SiteData, project) -> bytes:
    """``order-of-battle/index.html``: the units of each side as a tree (``tkg:parentUnit``), with
    echelon, designation and the commanders the non-deprecated statements name (saved query
    ``order-of-battle``)."""
    here = "order-of-battle"
    text = _saved(project, "order-of-battle")
    units: dict[str, dict] = {}
    for r in (data.select("", text=text) if text else []):
        iri = r["unit"].value
        u = units.setdefault(iri, {"iri": iri, "term": data.term(r["unit"], here), "side": r["side"].value,
                                   "parent": r["parent"].value if r.get("parent") else None,
                                   "echelon": r["echelon"].value if r.get("echelon") else None,
                                   "designation": r["designation"].value if r.get("designation") else None,
                                   "commanders": [], "children": []})
        if r.get("commanderLabel") or r.get("commander"):
            c = {"term": data.term(r["commander"], here) if r.get("commander") else
                 shown(r["commanderLabel"].value),
                 "rank": r["rankHeld"].value if r.get("rankHeld") else None,
                 "role": r["role"].value if r.get("role") else None}
            if c not in u["commanders"]:
                u["commanders"].append(c)
    sides: dict[str, list] = defaultdict(list)
    for u in sorted(units.values(), key=lambda u: (u["term"]["text"].casefold(), u["iri"])):
        if u["parent"] in units:
            units[u["parent"]]["children"].append(u)
        else:
            sides[u["side"]].append(u)
    trees = [{"side": data.term(ox.NamedNode(s), here), "roots": roots} for s, roots in sorted(sides.items())]
    return render("order_of_battle.html", title="Order of battle", root=relative(here, ""), trees=trees)


# --------------------------------------------------------------------------- disputed facts

def disputed(data: SiteData, st: Statements, project) -> bytes:
    """``disputed/index.html``: each disputed fact with every source's value side by side (saved
    query ``disputed-facts``)."""
    here = "disputed"
    text = _saved(project, "disputed-facts")
    facts: dict[tuple, dict] = {}
    for r in (data.select("", text=text) if text else []):
        qualifiers = tuple(r[k].value for k in ("side", "category", "equipment", "shipType", "during") if r.get(k))
        key = (r["subject"].value, r["property"].value, qualifiers)
        fact = facts.setdefault(key, {"subject": data.term(r["subject"], here), "property": r["property"].value,
                                      "qualifiers": [data.term(r[k], here) for k in
                                                     ("side", "category", "equipment", "shipType", "during") if r.get(k)],
                                      "versions": []})
        version = {"value": data.term(r["value"], here),
                   "unit": data.term(r["unit"], here) if r.get("unit") else None,
                   "rank": r["statementRank"].value.rsplit("#", 1)[-1].replace("Rank", "").lower(),
                   "reason": r["reason"].value if r.get("reason") else None,
                   "source": data.term(r["source"], here), "statement": data.term(r["statement"], here)}
        if version not in fact["versions"]:
            fact["versions"].append(version)
    ordered = sorted(facts.values(), key=lambda f: (f["subject"]["text"].casefold(), f["property"],
                                                    [q["text"] for q in f["qualifiers"]]))
    return render("disputed.html", title="Disputed facts", root=relative(here, ""), facts=ordered)


# --------------------------------------------------------------------------- all

def all_pages(data: SiteData, project, st: Statements, progress: Progress = quiet) -> dict[str, bytes]:
    """Every page that is not an entity's, as site path → bytes."""
    from tarawa_kg.site.ontology_doc import ontology_files, shapes_page
    from tarawa_kg.site.query_page import query_page

    progress("site: sources, fact-check, timeline, map, order of battle, disputed facts")
    result = {
        "index.html": render("home.html", title="Home", root="", total=len(data.entities)),
        "id/source/index.html": sources_index(data, st),
        "fact-check/index.html": fact_check(data, st, project),
        "timeline/index.html": timeline(data, st),
        "map/index.html": map_page(data),
        "order-of-battle/index.html": order_of_battle(data, project),
        "disputed/index.html": disputed(data, st, project),
        "query/index.html": query_page(project, data),
    }
    progress("site: ontology and shapes")
    result.update(ontology_files(project))
    result["shapes/index.html"] = shapes_page(project)
    return result
