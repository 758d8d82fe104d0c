"""Namespaces of the project and the standard vocabularies it reuses."""

from rdflib import Namespace

TKG = Namespace("https://w3id.org/tarawa-kg/ontology#")
"""Ontology terms (classes and properties)."""
ID = Namespace("https://w3id.org/tarawa-kg/id/")
"""Things: ``ID["person/julian-c-smith"]``."""
SHAPES = Namespace("https://w3id.org/tarawa-kg/shapes#")
DATASET = ID["dataset/tarawa-kg"]
ONTOLOGY = "https://w3id.org/tarawa-kg/ontology"

WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
QUDT = Namespace("http://qudt.org/vocab/unit/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")

PREFIXES = {
    "tkg": TKG,
    "id": ID,
    "person": ID["person/"],
    "unit": ID["unit/"],
    "ship": ID["ship/"],
    "equip": ID["equipment/"],
    "place": ID["place/"],
    "event": ID["event/"],
    "src": ID["source/"],
    "ref": ID["reference/"],
    "stmt": ID["statement/"],
    "quote": ID["quotation/"],
    "organization": ID["organization/"],
    "side": ID["side/"],
    "rank": ID["rank/"],
    "echelon": ID["echelon/"],
    "shiptype": ID["ship-type/"],
    "role": ID["weapon-role/"],
    "mount": ID["mount/"],
    "pcat": ID["personnel-category/"],
    "qudt": QUDT,
    "wd": WD,
    "wdt": WDT,
    "schema": SCHEMA,
    "geo": GEO,
    "skos": Namespace("http://www.w3.org/2004/02/skos/core#"),
    "prov": Namespace("http://www.w3.org/ns/prov#"),
    "dcterms": Namespace("http://purl.org/dc/terms/"),
    "owl": Namespace("http://www.w3.org/2002/07/owl#"),
    "rdfs": Namespace("http://www.w3.org/2000/01/rdf-schema#"),
    "xsd": Namespace("http://www.w3.org/2001/XMLSchema#"),
    "void": VOID,
    "dcat": DCAT,
    "sh": Namespace("http://www.w3.org/ns/shacl#"),
    "crm": Namespace("http://www.cidoc-crm.org/cidoc-crm/"),
    "sem": Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/"),
    "wikibase": Namespace("http://wikiba.se/ontology#"),
    "vann": Namespace("http://purl.org/vocab/vann/"),
    "iso6391": Namespace("http://id.loc.gov/vocabulary/iso639-1/"),
    "rdf": Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
}
"""Prefixes bound on every graph the library builds (and so used in every export)."""


def bind_prefixes(graph) -> None:
    """Bind :data:`PREFIXES` on ``graph`` (an rdflib Graph), replacing rdflib's defaults."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
