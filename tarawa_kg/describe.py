"""The VoID / DCAT description of the dataset: ``ontology/dataset.ttl`` completed with what is
counted in the graph."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, SKOS, XSD

from tarawa_kg.errors import DataError
from tarawa_kg.namespaces import DATASET, DCAT, ID, ONTOLOGY, TKG, VOID, WD, bind_prefixes
from tarawa_kg.project import Project

DATASET_METADATA = Path("ontology") / "dataset.ttl"
"""The dataset's fixed description, relative to the checkout."""
LINKSET = URIRef(f"{DATASET}/linkset/wikidata")


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


def describe_dataset(graph: Graph, distributions: dict[str, tuple[str, int]] | None = None,
                     metadata: Path | None = None) -> Graph:
    """A VoID + DCAT description of ``graph``.

    :param graph: the built knowledge graph
    :param distributions: file name → (media type, size in bytes) of the exported files
    :param metadata: the Turtle file of what does not depend on the content (titles, licence,
        keywords, period, vocabularies, the Wikidata linkset); default ``ontology/dataset.ttl`` of
        the checkout (:class:`tarawa_kg.project.Project`)
    :returns: a new graph describing ``id:dataset/tarawa-kg``: the metadata file, completed with
        triple and entity counts, one class partition per ``tkg:`` class, the size of the Wikidata
        linkset, sources, distributions, the languages of its literals and the ontology's version
    :raises DataError: the metadata file cannot be read or parsed
    """
    d = Graph()
    bind_prefixes(d)
    d += _read_metadata(metadata or Project().root / DATASET_METADATA)
    ds = DATASET
    for code in literal_languages(graph):
        part = "iso639-1" if len(code) == 2 else "iso639-2"
        d.add((ds, DCTERMS.language, URIRef(f"http://id.loc.gov/vocabulary/{part}/{code}")))
    version = graph.value(URIRef(ONTOLOGY), OWL.versionInfo)
    if version is not None:
        d.add((ds, OWL.versionInfo, version))
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
    d.add((LINKSET, VOID.triples, Literal(len(links))))
    for source in sorted(graph.subjects(RDF.type, TKG.Source)):
        d.add((ds, PROV.wasDerivedFrom, source))
    _add_distributions(d, distributions or {})
    return d


def _read_metadata(path: Path) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except (OSError, ValueError, SyntaxError) as exc:  # rdflib's BadSyntax is a SyntaxError
        raise DataError(path, f"cannot read the dataset description: {exc}") from None


def _add_distributions(d: Graph, distributions: dict[str, tuple[str, int]]) -> None:
    licence = d.value(DATASET, DCTERMS.license)
    for name, (media_type, size) in sorted(distributions.items()):
        dist = URIRef(f"{DATASET}/distribution/{name}")
        d.add((DATASET, DCAT.distribution, dist))
        d.add((dist, RDF.type, DCAT.Distribution))
        d.add((dist, DCTERMS.title, Literal(name)))
        d.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media_type}")))
        d.add((dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        if licence is not None:
            d.add((dist, DCTERMS.license, licence))
        if name.endswith(".ttl") or name.endswith(".nt"):
            d.add((DATASET, VOID.dataDump, dist))
