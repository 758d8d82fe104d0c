"""The VoID / DCAT description of the dataset, computed from the graph."""

from __future__ import annotations

from collections import Counter

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from tarawa_kg.namespaces import DATASET, DCAT, ID, ONTOLOGY, TKG, VOID, WD, bind_prefixes

LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
VOCABULARIES = [
    "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#",
    "http://purl.org/dc/terms/", "https://schema.org/", "http://www.opengis.net/ont/geosparql#",
    "http://qudt.org/vocab/unit/", ONTOLOGY,
]


def entity_counts(graph: Graph) -> dict[str, int]:
    """Number of instances of each ``tkg:`` class, by its local name, sorted by name.

    Only the direct ``rdf:type`` counts (a ``tkg:Commander`` is not also counted as a person).
    """
    counts: Counter[str] = Counter()
    for _s, cls in graph.subject_objects(RDF.type):
        if isinstance(cls, URIRef) and str(cls).startswith(str(TKG)):
            counts[str(cls)[len(str(TKG)):]] += 1
    return dict(sorted(counts.items()))


def literal_languages(graph: Graph) -> list[str]:
    """The ISO 639 codes of the primary language subtags of the graph's language-tagged literals,
    sorted (``ja-Latn`` counts as ``ja``): two letters (ISO 639-1), or three for a language that
    has no two-letter code (ISO 639-2, e.g. ``sco``)."""
    codes = {str(o.language).split("-")[0].lower() for o in graph.objects()
             if isinstance(o, Literal) and o.language}
    return sorted(code for code in codes if len(code) in (2, 3))


def describe_dataset(graph: Graph, distributions: dict[str, tuple[str, int]] | None = None) -> Graph:
    """A VoID + DCAT description of ``graph``.

    :param graph: the built knowledge graph
    :param distributions: file name → (media type, size in bytes) of the exported files
    :returns: a new graph describing ``id:dataset/tarawa-kg``: triple and entity counts, one class
        partition per ``tkg:`` class, the Wikidata linkset, vocabularies, sources, distributions,
        the languages of its literals, its period of time
    """
    d = Graph()
    bind_prefixes(d)
    ds = DATASET
    d.add((ds, RDF.type, VOID.Dataset))
    d.add((ds, RDF.type, DCAT.Dataset))
    d.add((ds, DCTERMS.title, Literal("Tarawa knowledge graph", lang="en")))
    d.add((ds, DCTERMS.title, Literal("Graphe de connaissances de Tarawa", lang="fr")))
    d.add((ds, DCTERMS.description, Literal(
        "A sourced knowledge graph of Operation Galvanic (Gilbert Islands, November 1943): "
        "the battles of Tarawa and Makin, their commanders, units, ships, weapons, places and "
        "events, with every disputable figure as a ranked statement citing its source.", lang="en")))
    d.add((ds, DCTERMS.description, Literal(
        "Graphe de connaissances sourcé de l'opération Galvanic (îles Gilbert, novembre 1943) : "
        "batailles de Tarawa et de Makin, chefs, unités, navires, armes, lieux et événements ; "
        "chaque chiffre discutable est un énoncé classé qui cite sa source.", lang="fr")))
    d.add((ds, DCTERMS.license, LICENCE))
    creator = URIRef(f"{ds}/creator")
    d.add((ds, DCTERMS.creator, creator))
    d.add((creator, RDF.type, FOAF.Agent))
    d.add((creator, FOAF.name, Literal("tarawa-kg contributors")))
    for code in literal_languages(graph):
        part = "iso639-1" if len(code) == 2 else "iso639-2"
        d.add((ds, DCTERMS.language, URIRef(f"http://id.loc.gov/vocabulary/{part}/{code}")))
    d.add((ds, DCTERMS.conformsTo, URIRef(ONTOLOGY)))
    version = graph.value(URIRef(ONTOLOGY), OWL.versionInfo)
    if version is not None:
        d.add((ds, OWL.versionInfo, version))
    d.add((ds, DCAT.keyword, Literal("Battle of Tarawa", lang="en")))
    d.add((ds, DCAT.keyword, Literal("Operation Galvanic", lang="en")))
    d.add((ds, DCAT.keyword, Literal("bataille de Tarawa", lang="fr")))
    period = URIRef(f"{ds}/period")
    d.add((ds, DCTERMS.temporal, period))
    d.add((period, RDF.type, DCTERMS.PeriodOfTime))
    d.add((period, DCAT.startDate, Literal("1941-12-10", datatype=XSD.date)))
    d.add((period, DCAT.endDate, Literal("1943-12-31", datatype=XSD.date)))
    d.add((ds, VOID.uriSpace, Literal(str(ID))))
    d.add((ds, VOID.exampleResource, ID["event/battle-of-tarawa"]))
    for vocab in VOCABULARIES:
        d.add((ds, VOID.vocabulary, URIRef(vocab)))
    d.add((ds, VOID.triples, Literal(len(graph))))
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(str(ID))}
    d.add((ds, VOID.entities, Literal(len(subjects))))
    d.add((ds, VOID.distinctSubjects, Literal(len(set(graph.subjects())))))
    d.add((ds, VOID.properties, Literal(len(set(graph.predicates())))))
    for name, count in entity_counts(graph).items():
        part = URIRef(f"{ds}/class/{name}")
        d.add((ds, VOID.classPartition, part))
        d.add((part, VOID["class"], TKG[name]))
        d.add((part, VOID.entities, Literal(count)))
    links = [(s, o) for s, o in graph.subject_objects(SKOS.exactMatch) if str(o).startswith(str(WD))]
    linkset = URIRef(f"{ds}/linkset/wikidata")
    d.add((linkset, RDF.type, VOID.Linkset))
    d.add((linkset, VOID.subjectsTarget, ds))
    d.add((linkset, VOID.objectsTarget, URIRef("https://www.wikidata.org/")))
    d.add((linkset, VOID.linkPredicate, SKOS.exactMatch))
    d.add((linkset, VOID.triples, Literal(len(links))))
    d.add((ds, VOID.subset, linkset))
    for source in sorted(graph.subjects(RDF.type, TKG.Source)):
        d.add((ds, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), source))
    for name, (media_type, size) in sorted((distributions or {}).items()):
        dist = URIRef(f"{ds}/distribution/{name}")
        d.add((ds, DCAT.distribution, dist))
        d.add((dist, RDF.type, DCAT.Distribution))
        d.add((dist, DCTERMS.title, Literal(name)))
        d.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media_type}")))
        d.add((dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        d.add((dist, DCTERMS.license, LICENCE))
        if name.endswith(".ttl") or name.endswith(".nt"):
            d.add((ds, VOID.dataDump, dist))
    d.add((ds, RDFS.seeAlso, URIRef(ONTOLOGY)))
    return d
