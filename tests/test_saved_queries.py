"""Every saved query, run on the real data, returns the rows the histories and the article give."""

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from tarawa_kg import list_queries, load_files, run_query

from conftest import RESOURCES

ID = "https://w3id.org/tarawa-kg/id/"
TKG = "https://w3id.org/tarawa-kg/ontology#"


def rows(graph, name, **params):
    """Rows as tuples of plain values, IRIs shortened to 'kind/slug'."""
    result = run_query(graph, name, params)

    def plain(term):
        if term is None:
            return None
        text = str(term)
        if text.startswith(ID):
            return text[len(ID):]
        if text.startswith(TKG):
            return text[len(TKG):]
        if isinstance(term, Literal) and term.datatype == XSD.integer:
            return int(term)
        if isinstance(term, Literal) and term.datatype == XSD.decimal:
            return float(term)
        return text
    return [dict(zip(result.variables, map(plain, row))) for row in result.rows]


def copy_with(graph, *triples):
    """A copy of the session graph (left untouched) with ``triples`` added, IRIs given as 'kind/slug'
    or 'tkg:Term'."""
    def term(value):
        if isinstance(value, (URIRef, Literal)):
            return value
        return URIRef(TKG + value[4:]) if value.startswith("tkg:") else URIRef(ID + value)
    copy = Graph()
    copy += graph
    for triple in triples:
        copy.add(tuple(map(term, triple)))
    return copy


def test_every_query_has_a_test_here(project):
    source = (RESOURCES.parent / "test_saved_queries.py").read_text(encoding="utf-8")
    for query in list_queries(project):
        assert f'"{query.name}"' in source, f"no test for saved query {query.name}"


def test_order_of_battle(graph):
    out = rows(graph, "order-of-battle")
    pairs = {(r["unit"], r["commander"]) for r in out}
    assert ("unit/task-force-53", "person/harry-w-hill") in pairs
    assert ("unit/2nd-marine-division", "person/julian-c-smith") in pairs
    assert ("unit/27th-infantry-division", "person/ralph-c-smith") in pairs
    assert ("unit/betio-garrison", "person/keiji-shibasaki") in pairs
    # the article's wrong commander of the 27th ID is deprecated, so not in the order of battle
    assert ("unit/27th-infantry-division", "person/julian-c-smith") not in pairs
    hermle = [r for r in out if r["commander"] == "person/leo-d-hermle"]
    assert hermle and all("Assistant" in r["role"] for r in hermle)
    shibasaki = [r for r in out if r["commander"] == "person/keiji-shibasaki" and r["unit"] == "unit/betio-garrison"]
    assert {r["during"] for r in shibasaki} == {"event/battle-of-tarawa"}
    assert all(r["statement"].startswith("statement/") for r in out if r["commander"])
    parents = {r["unit"]: r["parent"] for r in out}
    assert parents["unit/2nd-marine-division"] == "unit/v-amphibious-corps"
    assert parents["unit/3rd-battalion-2nd-marines"] == "unit/2nd-marines"
    japan = rows(graph, "order-of-battle", side="side:japan")
    assert japan and all(r["side"] == "side/japan" for r in japan)
    assert "unit/sasebo-7th-special-naval-landing-force" in {r["unit"] for r in japan}
    # a commander the sources name by surname only has a row, with his name as worded and no IRI
    mcdonough = [r for r in out if r["unit"] == "unit/2nd-battalion-165th-infantry" and r["statement"]]
    assert mcdonough and {(r["commander"], r["commanderLabel"]) for r in mcdonough} == {(None, "Colonel McDonough")}
    assert ("unit/task-group-50-3", "person/alfred-e-montgomery") in pairs


def test_commanders(graph):
    out = rows(graph, "commanders")
    spruance = [r for r in out if r["commander"] == "person/raymond-a-spruance"
                and r["commanded"] == "unit/central-pacific-force"]
    # the article's statement of his command gives no rank: its wrong "Rear Admiral" is a statement of its own
    assert spruance and {r["rankHeld"] for r in spruance} - {None} == {"Vice Admiral"}
    hill = {r["commanded"] for r in out if r["commander"] == "person/harry-w-hill"}
    assert "unit/task-force-53" in hill
    assert all(r["statementRank"] != "DeprecatedRank" for r in out)
    japan = rows(graph, "commanders", side="side:japan")
    assert {r["commander"] for r in japan} >= {"person/keiji-shibasaki", "person/seizo-ishikawa"}
    assert all(r["side"] == "side/japan" for r in japan)
    crowe = [r for r in out if r["commander"] == "person/henry-p-crowe"]
    assert crowe and all(r["locator"] and r["statement"] == "statement/2nd-battalion-8th-marines-commander-crowe"
                         for r in crowe)
    named = [r for r in out if r["commanderLabel"] == "Colonel McDonough"]
    assert named and all(r["commander"] is None and r["side"] == "side/united-states" and r["source"]
                         for r in named)


def test_betio_armament_per_the_article(graph):
    out = rows(graph, "betio-armament", source="src:tarawa-article-fr")
    by_calibre = {r["calibreMM"]: r["pieces"] for r in out}
    # the article's table: 4 × 203, 4 × 140, 6 × 80, 4 × 127 AA, 8 + 10 × 75, 6 × 70, 9 × 37,
    # 27 + 4 + 31 × 13 mm; "several dozen" 7.7 mm machine guns are not counted
    assert by_calibre == {203.2: 4, 140: 4, 127: 4, 80: 6, 75: 18, 70: 6, 37: 9, 13: 62, "total": 113}
    assert [r["calibreMM"] for r in out][-1] == "total"


def test_betio_armament_of_a_source_without_inventory_has_no_row(graph):
    # Alexander counts no Betio weapon by type: no row (it gave a "total" row and an empty one)
    assert rows(graph, "betio-armament", source="src:alexander-1993-across-the-reef") == []
    every = rows(graph, "betio-armament")
    assert every and all(r["source"] and r["calibreMM"] is not None and r["pieces"] and r["weaponTypes"]
                         for r in every)
    for source in {r["source"] for r in every}:
        own = [r for r in every if r["source"] == source]
        assert rows(graph, "betio-armament", source="src:" + source.split("/", 1)[1]) == own
        assert own[-1]["calibreMM"] == "total"
        assert own[-1]["pieces"] == sum(r["pieces"] for r in own[:-1])
    assert {r["source"] for r in every} >= {"source/tarawa-article-fr", "source/leckie-1962-strong-men-armed"}


def test_betio_armament_counts_a_statement_once_per_source(graph):
    # a statement that cites the article at two places is counted once
    statement = graph.query(f"""SELECT ?s WHERE {{
        ?s <{TKG}property> <{TKG}inventory> ; <{TKG}subject> <{ID}place/betio> ; <{TKG}statementRank> ?rank ;
           <{TKG}equipment>/<{TKG}calibreMM> ?calibre ; <{PROV}wasDerivedFrom>/<{TKG}source> <{ID}source/tarawa-article-fr>
        FILTER (?rank != <{TKG}DeprecatedRank>) }} ORDER BY ?s LIMIT 1""").bindings[0]["s"]
    cited_twice = copy_with(graph, (statement, PROV.wasDerivedFrom, "reference/test-second-locator"),
                            ("reference/test-second-locator", RDF.type, "tkg:Citation"),
                            ("reference/test-second-locator", "tkg:source", "source/tarawa-article-fr"),
                            ("reference/test-second-locator", "tkg:locator", Literal("a second place")))
    assert rows(cited_twice, "betio-armament", source="src:tarawa-article-fr") \
        == rows(graph, "betio-armament", source="src:tarawa-article-fr")


def test_ships_hit(graph):
    out = rows(graph, "ships-hit")
    hits = {(r["ship"], r["eventType"]) for r in out}
    assert ("ship/uss-liscome-bay-cve-56", "Sinking") in hits
    assert ("ship/uss-ringgold-dd-500", "ShipDamage") in hits
    assert ("ship/uss-independence-cvl-22", "ShipDamage") in hits
    assert ("ship/uss-mississippi-bb-41", "Accident") in hits
    # the article says Dashiell was hit; her records show no hit: not a participant
    assert not any(r["ship"] == "ship/uss-dashiell-dd-659" for r in out)
    liscome = next(r for r in out if r["ship"] == "ship/uss-liscome-bay-cve-56")
    assert liscome["date"] == "1943-11-24T05:10:00+12:00" and liscome["hullNumber"] == "CVE-56"
    # I-175 sank Liscome Bay: it took part in the sinking but was not hit
    assert not any(r["ship"] == "ship/i-175" for r in out)
    assert {r["ship"] for r in rows(graph, "ships-hit", side="side:japan")} == {"ship/i-35"}


def test_timeline(graph):
    out = rows(graph, "timeline")
    events = [r["event"] for r in out]
    assert events[0] == "event/japanese-occupation-of-the-gilberts"
    assert events.index("event/makin-raid") < events.index("event/operation-galvanic") \
        < events.index("event/betio-landing-d-day") < events.index("event/liscome-bay-sinking")
    tarawa = next(r for r in out if r["event"] == "event/battle-of-tarawa")
    assert (tarawa["start"], tarawa["end"]) == ("1943-11-20", "1943-11-23")
    assert len(events) == len(set(events))


def test_timeline_shows_the_most_specific_parent(graph, project):
    from tarawa_kg import get_query

    out = {r["event"]: r["partOf"] for r in rows(graph, "timeline")}
    # part of the Makin bombardment and of the battle of Makin: the bombardment is part of the battle
    assert out["event/mississippi-turret-explosion"] == "event/makin-pre-landing-bombardment"
    assert out["event/battle-of-tarawa"] == "event/operation-galvanic"
    assert out["event/casablanca-conference"] is None
    part_of = URIRef(TKG + "partOf")
    for event, parent in out.items():
        parents = set(graph.objects(URIRef(ID + event), part_of))
        if parent is None:
            assert not parents, event
            continue
        assert URIRef(ID + parent) in parents, event
        for other in parents - {URIRef(ID + parent)}:
            assert URIRef(ID + parent) not in graph.transitive_objects(other, part_of), event
    # a parent reached through a chain of parents is less specific; between unrelated parents the
    # first by IRI is shown, the same on every engine
    more = copy_with(graph, ("event/mississippi-turret-explosion", "tkg:partOf", "event/operation-galvanic"),
                     ("event/liscome-bay-sinking", "tkg:partOf", "event/battle-of-tarawa"))
    more_out = {r["event"]: r["partOf"] for r in rows(more, "timeline")}
    assert more_out["event/mississippi-turret-explosion"] == "event/makin-pre-landing-bombardment"
    assert more_out["event/liscome-bay-sinking"] == "event/battle-of-makin"
    assert len(more_out) == len(out)
    assert "most specific" in get_query("timeline", project).description


def test_sub_events(graph):
    out = rows(graph, "sub-events", event="event:battle-of-tarawa")
    events = [r["subEvent"] for r in out]
    assert "event/betio-night-counterattack" in events and "event/battle-of-makin" not in events
    assert events.index("event/betio-pre-landing-bombardment") < events.index("event/betio-landing-d-day") \
        < events.index("event/betio-night-counterattack")
    galvanic = {r["subEvent"] for r in rows(graph, "sub-events", event="event:operation-galvanic")}
    assert {"event/battle-of-tarawa", "event/battle-of-makin", "event/betio-landing-d-day"} <= galvanic


def test_casualties_with_every_source(graph):
    out = rows(graph, "casualties", side="side:united-states", event="event:battle-of-tarawa")
    killed = {(r["source"], r["value"], r["statementRank"]) for r in out
              if r["figure"] == "killed" and r["category"] == "personnel-category/marines"}
    assert ("source/tarawa-article-fr", 1026, "DeprecatedRank") in killed
    assert ("source/alexander-1993-across-the-reef", 997, "PreferredRank") in killed
    assert ("source/army-1946-capture-of-makin", 913, "NormalRank") in killed
    wounded = {(r["source"], r["value"]) for r in out if r["figure"] == "wounded"}
    assert ("source/tarawa-article-fr", 2557) in wounded
    assert all(r["side"] == "side/united-states" and r["event"] == "event/battle-of-tarawa" for r in out)
    makin = rows(graph, "casualties", event="event:battle-of-makin", side="side:united-states")
    assert ("source/tarawa-article-fr", 64, "DeprecatedRank") in {
        (r["source"], r["value"], r["statementRank"]) for r in makin if r["figure"] == "killed"}


def test_prisoners(graph):
    out = rows(graph, "prisoners", event="event:battle-of-makin")
    got = {(r["category"], r["value"], r["statementRank"], r["source"]) for r in out}
    assert ("personnel-category/japanese-military", 3, "PreferredRank", "source/army-1946-capture-of-makin") in got
    assert ("personnel-category/korean-labourers", 101, "PreferredRank", "source/army-1946-capture-of-makin") in got
    assert ("personnel-category/korean-labourers", 105, "DeprecatedRank", "source/tarawa-article-fr") in got
    tarawa = rows(graph, "prisoners", event="event:battle-of-tarawa")
    assert {(r["category"], r["value"]) for r in tarawa if r["source"] == "source/tarawa-article-fr"} == {
        ("personnel-category/officers", 1), ("personnel-category/enlisted", 16), ("personnel-category/labourers", 129)}
    # officers and enlisted men are a breakdown of the 17 Japanese military prisoners: the total adds
    # up the preferred figures that are not part of another one
    preferred = [r for r in tarawa if r["statementRank"] == "PreferredRank"]
    assert sum(r["value"] for r in preferred if r["partOf"] is None) == 146
    assert {r["category"] for r in preferred if r["partOf"] is not None} == {
        "personnel-category/officers", "personnel-category/enlisted"}


def test_events_at_place(graph):
    betio = {r["event"] for r in rows(graph, "events-at-place", place="place:betio")}
    assert {"event/battle-of-tarawa", "event/betio-landing-d-day", "event/betio-night-counterattack"} <= betio
    assert "event/battle-of-makin" not in betio
    atoll = {r["event"] for r in rows(graph, "events-at-place", place="place:tarawa-atoll")}
    assert betio <= atoll  # Betio lies within Tarawa atoll
    assert "event/tarawa-atoll-mop-up" in atoll


def test_entity(graph):
    out = rows(graph, "entity", entity="person:julian-c-smith")
    assert {"kind": "direct", "property": "http://www.w3.org/2000/01/rdf-schema#label", "value": "Julian C. Smith",
            "qualifier": None, "statementRank": None, "source": None, "locator": None, "statement": None} in out
    # the entity's own citations give their locator
    own = [r for r in out if r["property"] == "http://www.w3.org/ns/prov#wasDerivedFrom"]
    assert own and all(r["source"] and r["locator"] for r in own)
    # same-property statements are told apart by their qualifier (the ship type counted)
    counts = {(r["qualifier"], r["value"]) for r in rows(graph, "entity", entity="unit:task-group-50-3")
              if r["property"] == "shipCount"}
    assert ("ship-type/heavy-cruiser", 3) in counts and ("ship-type/destroyer", 5) in counts
    incoming = {(r["value"], r["statementRank"], r["source"]) for r in out if r["kind"] == "incoming"
                and r["property"] == "commander"}
    assert ("unit/27th-infantry-division", "DeprecatedRank", "source/tarawa-article-fr") in incoming
    assert ("unit/2nd-marine-division", "NormalRank", "source/alexander-1993-across-the-reef") in incoming


def test_article_errors(graph):
    out = rows(graph, "article-errors", source="src:tarawa-article-fr")
    claims = {(r["subject"], r["property"], r["claimed"], r["corrected"]) for r in out}
    assert ("person/raymond-a-spruance", "militaryRank", "rank/rear-admiral", "rank/vice-admiral") in claims
    assert ("event/tarawa-atoll-mop-up", "endTime", "1943-09-28", "1943-11-28") in claims
    assert ("unit/27th-infantry-division", "commander", "person/julian-c-smith", "person/ralph-c-smith") in claims
    assert any(s == "unit/betio-garrison" and c == 4690 for s, _p, c, _k in claims)
    assert all(r["reason"] for r in out)
    assert {r["claimSource"] for r in out} == {"source/tarawa-article-fr"}
    # other sources' errors are listed too, under their own name
    others = {(r["statement"], r["claimSource"]) for r in rows(graph, "article-errors")}
    assert ("statement/battle-of-makin-japan-prisoners-korean-wikipedia",
            "source/wikipedia-en-battle-of-makin") in others


def test_entities_without_source(graph, project):
    assert rows(graph, "entities-without-source") == []
    bad = load_files([project.ontology_file, RESOURCES / "invalid_entity_without_source.ttl"])
    assert rows(bad, "entities-without-source") == [{"entity": "test/place", "class": "Island"}]


def test_entities_without_wikidata(graph):
    out = rows(graph, "entities-without-wikidata")
    entities = {r["entity"] for r in out}
    assert "person/raymond-a-spruance" in entities
    assert "event/battle-of-tarawa" not in entities  # wd:Q250309
    assert "person/franklin-d-roosevelt" not in entities  # wd:Q8007
    ships = rows(graph, "entities-without-wikidata", **{"class": "tkg:Ship"})
    assert ships and all(r["class"] == "Ship" for r in ships)


def test_disputed_facts(graph):
    out = rows(graph, "disputed-facts", subject="event:liscome-bay-sinking")
    killed = {(r["value"], r["statementRank"]) for r in out if r["property"] == "killed"}
    assert (644, "PreferredRank") in killed and (702, "NormalRank") in killed
    all_rows = rows(graph, "disputed-facts")
    assert {"event/battle-of-tarawa", "unit/betio-garrison"} <= {r["subject"] for r in all_rows}
    # escort carriers: the article's 17 against the order of battle's 8, kept apart from other ship types
    carriers = {(r["value"], r["statementRank"]) for r in all_rows
                if r["subject"] == "event/operation-galvanic" and r["shipType"] == "ship-type/escort-carrier"}
    assert carriers == {(17, "DeprecatedRank"), (8, "PreferredRank")}


def test_best_values(graph):
    out = rows(graph, "best-values", subject=ID + "event/battle-of-makin")
    killed = {(r["value"], r["rank"]) for r in out if r["property"] == "killed"}
    assert (752, "PreferredRank") in killed
    assert not any(v in (697, 64) for v, _rank in killed)
    assert all(r["rank"] != "DeprecatedRank" for r in out)
    navy = [r for r in out if r["property"] == "killed" and r["value"] == 752]
    assert navy[0]["side"] == "side/united-states" and navy[0]["category"] == "personnel-category/navy"


def test_totals_count_a_part_once(graph):
    out = rows(graph, "totals", subject=ID + "event/battle-of-makin", property=TKG + "killed")
    us = [r for r in out if r["side"] == "side/united-states"]
    assert {r["total"] for r in us} == {818}                     # 752 Navy + 66 Army
    parts = {r["statement"]: (r["added"], r["within"]) for r in us}
    assert parts["statement/liscome-bay-sinking-killed-danfs"] == ("false", "statement/battle-of-makin-us-navy-killed-army-1946")
    assert parts["statement/battle-of-makin-us-navy-killed-army-1946"][0] == "true"
    garrison = rows(graph, "totals", subject=ID + "unit/betio-garrison", property=TKG + "strength")
    assert {r["total"] for r in garrison} == {4800}
    assert {r["about"] for r in garrison if r["added"] == "false"} >= {
        "unit/3rd-special-base-force", "unit/sasebo-7th-special-naval-landing-force",
        "unit/111th-pioneers", "unit/4th-fleet-construction-department-detachment"}


def test_single_source_facts(graph):
    out = rows(graph, "single-source-facts")
    facts = {(r["subject"], r["property"], r["value"], r["source"]) for r in out}
    assert ("event/battle-of-makin", "killed", 395, "source/wikipedia-en-battle-of-makin") in facts
    assert all(r["statementRank"] != "DeprecatedRank" for r in out)
    # the article alone counts the cruisers that bombarded Betio; two sources count its battleships
    bombardment = {(r["shipType"], r["value"]) for r in out if r["subject"] == "event/betio-pre-landing-bombardment"
                   and r["property"] == "shipCount"}
    assert ("ship-type/cruiser", 6) in bombardment
    assert not any(t == "ship-type/battleship" for t, _v in bombardment)
    # a figure two sources give is not single-source
    assert not any(s == "event/liscome-bay-sinking" and p == "killed" for s, p, _v, _s in facts)


def test_single_source_facts_one_row_per_statement(graph):
    out = rows(graph, "single-source-facts")
    statements = [r["statement"] for r in out]
    assert len(statements) == len(set(statements))
    # statements that cite their one source at several locators
    jones = [r for r in out if r["statement"] == "statement/1st-battalion-6th-marines-commander-jones"]
    assert [(r["subject"], r["value"], r["source"]) for r in jones] == [
        ("unit/1st-battalion-6th-marines", "person/william-k-jones", "source/alexander-1993-across-the-reef")]
    assert [r["source"] for r in out if r["statement"] == "statement/2nd-battalion-165th-infantry-commander-mcdonough"] \
        == ["source/crowl-love-1955-seizure-gilberts-marshalls"]
    # a value worded in several languages: still one row, with the first wording by language tag
    mcdonough = "statement/2nd-battalion-165th-infantry-commander-mcdonough"
    assert [r["valueText"] for r in out if r["statement"] == mcdonough] == ["Colonel McDonough"]
    worded_twice = copy_with(graph, (mcdonough, "tkg:valueText", Literal("le colonel McDonough", lang="fr")),
                             (mcdonough, "tkg:valueText", Literal("Col. McDonough", lang="fr")))
    assert [r["valueText"] for r in rows(worded_twice, "single-source-facts")
            if r["statement"] == mcdonough] == ["Colonel McDonough"]


def test_garrison_strength(graph):
    out = rows(graph, "garrison-strength", unit="unit:betio-garrison")
    article = {(r["category"], r["value"], r["statementRank"]) for r in out if r["source"] == "source/tarawa-article-fr"}
    assert ("personnel-category/combatants", 2619, "NormalRank") in article or \
           ("personnel-category/combatants", 2619, "PreferredRank") in article
    assert any(v == 4690 and rank == "DeprecatedRank" for _c, v, rank in article)
    units = {r["unit"] for r in rows(graph, "garrison-strength")}
    assert {"unit/sasebo-7th-special-naval-landing-force", "unit/makin-garrison"} <= units


def test_us_forces(graph):
    out = rows(graph, "us-forces")
    lvts = {(r["value"], r["statementRank"], r["source"]) for r in out if r["equipment"] == "equipment/lvt"}
    assert (125, "PreferredRank", "source/alexander-1993-across-the-reef") in lvts
    assert any(r["figure"] == "munitionsExpended" for r in out)


def test_quotations(graph):
    out = rows(graph, "quotations", lang="fr")
    kingman = next(r for r in out if r["quotation"] == "quotation/kingman-obliterate")
    assert kingman["speaker"] == "person/howard-f-kingman"
    assert kingman["text"].startswith("Messieurs, nous ne neutraliserons pas Betio")
    assert all(r["source"] for r in out)


def test_sources(graph):
    out = {r["source"]: r for r in rows(graph, "sources")}
    article = out["source/tarawa-article-fr"]
    assert article["kind"] == "PopularArticle" and article["language"] == "http://id.loc.gov/vocabulary/iso639-1/fr"
    assert article["statements"] > 50
    assert out["source/alexander-1993-across-the-reef"]["kind"] == "OfficialHistory"


def test_sources_count_the_entities_citing_them(graph):
    out = {r["source"]: r for r in rows(graph, "sources")}
    statement_class, source = URIRef(TKG + "Statement"), URIRef(TKG + "source")
    statements, entities = {}, {}
    for citation, cited in graph.subject_objects(source):
        for citer in graph.subjects(PROV.wasDerivedFrom, citation):
            if citer == cited:
                continue  # a source's record citing itself is not something that rests on it
            counted = statements if (citer, RDF.type, statement_class) in graph else entities
            counted.setdefault(str(cited)[len(ID):], set()).add(citer)
    assert len(out) == len(set(graph.subjects(RDF.type, URIRef(TKG + "Source"))))
    for name, row in out.items():
        assert row["statements"] == len(statements.get(name, ())), name
        assert row["entities"] == len(entities.get(name, ())), name
    # a source entered twice names its replacement, and nothing rests on it any more
    replaced = {name: row for name, row in out.items() if row["replacedBy"]}
    assert replaced and all(row["statements"] == row["entities"] == 0 for row in replaced.values())
    assert out["source/papers-past-gisborne-herald-1943-11-29"]["replacedBy"] == "source/grey-river-argus-1943-11-29-heavy-us-losses"
    alexander = out["source/alexander-1993-across-the-reef"]
    assert alexander["entities"] >= 50 and alexander["statements"] >= 50
    assert out["source/tarawa-article-fr"]["entities"] > 100
    # persons, units and a quotation cite Alexander
    assert URIRef(ID + "source/alexander-1993-across-the-reef") in {
        graph.value(c, source) for c in graph.objects(URIRef(ID + "person/julian-c-smith"), PROV.wasDerivedFrom)}


def test_equipment(graph):
    out = {r["equipment"]: r for r in rows(graph, "equipment")}
    assert out["equipment/betio-203mm-gun"]["calibreMM"] == 203.2
    assert out["equipment/lvt"]["kind"] == "VehicleType"
    assert out["equipment/75mm-pack-howitzer-m1"]["calibreMM"] == 75


def test_wikidata_coverage(graph):
    from rdflib import URIRef
    from rdflib.namespace import RDF, RDFS, SKOS

    out = {r["class"]: r for r in rows(graph, "wikidata-coverage")}
    assert set(out) == {"Person", "MilitaryUnit", "Ship", "EquipmentType", "Place", "Event",
                        "Organization", "Belligerent"}

    def members(cls):
        classes, todo = set(), [URIRef(TKG + cls)]
        while todo:
            c = todo.pop()
            if c not in classes:
                classes.add(c)
                todo.extend(graph.subjects(RDFS.subClassOf, c))
        return {s for c in classes for s in graph.subjects(RDF.type, c)}

    def linked(entities):
        return {e for e in entities
                if any(str(o).startswith("http://www.wikidata.org/entity/Q")
                       for o in graph.objects(e, SKOS.exactMatch))}

    def with_status(entities, status):
        return {e for e in entities if (e, URIRef(TKG + "wikidataStatus"), URIRef(TKG + status)) in graph}

    for cls, row in out.items():
        entities = members(cls)
        assert row["entities"] == len(entities), cls
        assert row["linked"] == len(linked(entities)) == len(with_status(entities, "Linked")), cls
        assert row["awaitingReconciliation"] == len(with_status(entities, "AwaitingReconciliation")), cls
        assert row["notOnWikidata"] == len(with_status(entities, "NotOnWikidata")), cls
        assert row["linked"] + row["awaitingReconciliation"] + row["notOnWikidata"] + row["noStatus"] \
            == row["entities"], cls
    # the links that predate data/wikidata.ttl: 4 events, 13 places, Roosevelt, 2 sides, 5 organisations
    assert [out[c]["linked"] for c in ("Event", "Place", "Person", "Belligerent", "Organization")] \
        == [4, 13, 1, 2, 5]
    assert out["Ship"]["linked"] == 0 and out["Ship"]["awaitingReconciliation"] == out["Ship"]["entities"]
    assert all(out[c]["noStatus"] == 0 for c in ("Person", "MilitaryUnit", "Ship", "Event", "Place"))
    # the rows of the article's Betio weapons table are not expected on Wikidata
    assert out["EquipmentType"]["notOnWikidata"] >= 12


def test_federated_commander_birth_dates(project):
    """Needs the live Wikidata endpoint: checked for syntax and shape, never run here."""
    from rdflib.plugins.sparql import prepareQuery

    from tarawa_kg import get_query

    query = get_query("federated-commander-birth-dates", project)
    prepareQuery(query.text)  # raises on a syntax error
    assert "SERVICE <https://query.wikidata.org/sparql>" in query.text
    assert "wdt:P569" in query.text and "skos:exactMatch" in query.text
    assert "query.wikidata.org" in query.description and "SERVICE" in query.description
    assert query.title.startswith("Commanders' dates of birth from Wikidata")


def test_participants(graph):
    out = rows(graph, "participants", event="event:betio-pre-landing-bombardment")
    ships = {(r["participant"], "statement" if r["statement"] else "direct") for r in out
             if r["participant"].startswith("ship/")}
    assert ("unit/task-force-53", "direct") in {(r["participant"], "statement" if r["statement"] else "direct")
                                                for r in out}
    assert ("ship/uss-maryland-bb-46", "statement") in ships
    assert ("ship/uss-tennessee-bb-43", "statement") in ships
    assert ("ship/uss-colorado-bb-45", "statement") in ships
    # a participant that a statement covers is not repeated as a direct, unsourced row
    assert ("ship/uss-colorado-bb-45", "direct") not in ships
    tarawa = rows(graph, "participants", event="event:battle-of-tarawa")
    dashiell = [r for r in tarawa if r["participant"] == "ship/uss-dashiell-dd-659" and r["statement"]]
    assert dashiell and all(r["statementRank"] in ("DeprecatedRank", "NormalRank", "PreferredRank") for r in dashiell)
    assert {r["at"] for r in tarawa} >= {"event/battle-of-tarawa", "event/betio-landing-d-day"}
    # class keeps only participants of that class: the ships of the battle, none of its units or people
    tarawa_ships = rows(graph, "participants", event="event:battle-of-tarawa", **{"class": "tkg:Ship"})
    assert {r["participant"] for r in tarawa_ships} == {r["participant"] for r in tarawa
                                                        if r["participant"].startswith("ship/")}
    assert "ship/uss-dashiell-dd-659" in {r["participant"] for r in tarawa_ships}
    # each statement row carries its source's wording: what the ship did, in the source's words
    dashiell_words = {r["sourceWords"] for r in tarawa_ships if r["participant"] == "ship/uss-dashiell-dd-659"}
    assert any("lagoon" in w and "fire" in w for w in dashiell_words if w), dashiell_words
    assert all(r["sourceWords"] is None for r in tarawa_ships if not r["statement"])
    # a statement cited by several sources: each row shows the words of its own source, not
    # another's (Mississippi's turret fire: 43 killed in Wikipedia, 40 in the Army's history)
    makin = rows(graph, "participants", event="event:battle-of-makin", **{"class": "tkg:Ship"})
    wiki = [r for r in makin if r["source"] == "source/wikipedia-en-uss-mississippi-bb-41"]
    assert wiki and not any("killed 40 men" in (r["sourceWords"] or "") for r in wiki)
    units = rows(graph, "participants", event="event:battle-of-tarawa", **{"class": "tkg:MilitaryUnit"})
    assert "unit/2nd-marine-division" in {r["participant"] for r in units}
    assert not any(r["participant"].startswith(("ship/", "person/")) for r in units)


def test_ships(graph):
    tf53 = rows(graph, "ships", force="unit:task-force-53")
    hulls = {r["hullNumber"] for r in tf53}
    assert {"BB-46", "DD-500", "DD-659", "LSD-1"} <= hulls
    assert "CVE-56" not in hulls                       # Liscome Bay sailed with the Northern Attack Force
    # a force includes the ships of its task groups
    tf54 = {r["hullNumber"] for r in rows(graph, "ships", force="unit:task-force-54")}
    assert hulls | {"CVE-56"} <= tf54
    japan = rows(graph, "ships", side="side:japan")
    assert {r["hullNumber"] for r in japan} >= {"I-175", "I-35"}
    assert all(r["side"] == "side/japan" for r in japan)
    # Essex is assigned to TG 50.3, and through it belongs to TF 50
    tf50 = {r["ship"]: r["assignedTo"] for r in rows(graph, "ships", force="unit:task-force-50")}
    assert tf50["ship/uss-essex-cv-9"] == "unit/task-group-50-3"
    every = rows(graph, "ships")
    assert len({r["ship"] for r in every}) == len(set(graph.subjects(RDF.type, URIRef(TKG + "Ship"))))


def test_source_claims(graph):
    statement_class = URIRef(TKG + "Statement")
    for name in ("stockman-1947-battle-for-tarawa", "tarawa-article-fr", "alexander-1993-across-the-reef"):
        source = URIRef(ID + "source/" + name)
        out = rows(graph, "source-claims", source=source)
        citers = {citer for citation in graph.subjects(URIRef(TKG + "source"), source)
                  for citer in graph.subjects(PROV.wasDerivedFrom, citation)} - {source}  # not its own record
        statements = {str(c)[len(ID):] for c in citers if (c, RDF.type, statement_class) in graph}
        entities = {str(c)[len(ID):] for c in citers if (c, RDF.type, statement_class) not in graph}
        assert {r["statement"] for r in out if r["statement"]} == statements, name
        assert {r["subject"] for r in out if not r["statement"]} == entities, name
        assert all(r["property"] is None and r["statementRank"] is None for r in out if not r["statement"])
        assert all(r["property"] and r["statementRank"] for r in out if r["statement"])
    # a value given as text (the article's "early afternoon") is shown with its statement
    article = rows(graph, "source-claims", source=URIRef(ID + "source/tarawa-article-fr"))
    secured = next(r for r in article if r["statement"] == "statement/betio-secured-pointintime-article")
    assert (secured["subject"], secured["property"], secured["value"]) == (
        "event/betio-secured", "pointInTime", "en début d'après-midi [du 23 novembre]")
    # qualifiers tell apart the rows of one subject and property: the calibres of Betio's guns
    inventories = [r for r in article if r["subject"] == "place/betio" and r["property"] == "inventory"
                   and r["equipment"]]
    assert len({r["equipment"] for r in inventories}) == len(inventories) > 1
    coastal = next(r for r in article if r["statement"] == "statement/betio-inventory-coastal-artillery-article")
    assert coastal["statedAs"].startswith("Quatorze pièces d’artillerie côtière")
    source = URIRef(ID + "source/stockman-1947-battle-for-tarawa")
    out = rows(graph, "source-claims", source=source)
    # statements come first; each carries its value and rank
    first_entity = next(i for i, r in enumerate(out) if not r["statement"])
    assert all(r["statement"] for r in out[:first_entity])
    hall = next(r for r in out if r["statement"] == "statement/8th-marines-commander-hall")
    assert (hall["subject"], hall["property"], hall["value"], hall["statementRank"]) == (
        "unit/8th-marines", "commander", "person/elmer-e-hall", "NormalRank")
    hermle = next(r for r in out if r["statement"] == "statement/2nd-marine-division-assistant-commander-hermle")
    assert hermle["role"].lower().startswith("assistant division commander")
    assert hall["quote"].startswith("Col. Elmer E. Hall, commanding officer of the 8th Marines")
    # the article: a deprecated claim names its correction
    article = rows(graph, "source-claims", source=URIRef(ID + "source/tarawa-article-fr"))
    deprecated = [r for r in article if r["statementRank"] == "DeprecatedRank"]
    assert deprecated and all(r["correctedBy"] for r in deprecated)
    assert {r["statement"] for r in deprecated} == {
        str(s)[len(ID):] for s in graph.subjects(URIRef(TKG + "statementRank"), URIRef(TKG + "DeprecatedRank"))
        if any(graph.value(c, URIRef(TKG + "source")) == URIRef(ID + "source/tarawa-article-fr")
               for c in graph.objects(s, PROV.wasDerivedFrom))}


def test_article_claims(graph):
    out = rows(graph, "article-claims")
    assert list(out[0]) == ["paragraph", "statement", "statedAs", "verdict", "value", "correction",
                            "correctionValue", "correctionSource"]
    keys = [(int(r["paragraph"]), r["statement"]) for r in out]
    assert keys == sorted(keys)
    hill = [r for r in out if r["statement"] == "statement/task-force-53-commander-article"]
    assert hill and hill[0]["verdict"] == "ConfirmedClaim" and hill[0]["value"] == "person/harry-w-hill"
    assert hill[0]["paragraph"] == 26 and hill[0]["correction"] is None
    merge = [r for r in out if r["statement"] == "statement/harry-w-hill-nickname-article"]
    assert merge[0]["verdict"] == "WrongClaim" and merge[0]["statedAs"] == "Hill Smith surnommé « Howling Mad »"
    assert merge[0]["correctionValue"] == "Howlin' Mad"
    assert merge[0]["correctionSource"] == "source/leckie-1962-strong-men-armed"
