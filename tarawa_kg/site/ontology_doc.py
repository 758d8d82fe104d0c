"""Documentation of the ontology (English and French) and of the SHACL shapes, generated from
``ontology/tarawa.ttl`` and the shape files with SPARQL on a pyoxigraph store, and the ontology's
own files (Turtle as written, JSON-LD and N-Triples) served at ``/ontology``."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from tarawa_kg.export import serialize_triples
from tarawa_kg.site.data import TKG, curie, literal_key
from tarawa_kg.site.render import render

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
KINDS = [(OWL + "Class", "class"), (OWL + "ObjectProperty", "object property"),
         (OWL + "DatatypeProperty", "datatype property"), (OWL + "AnnotationProperty", "annotation property"),
         (OWL + "NamedIndividual", "individual")]
HEADINGS = {"en": {"class": "Classes", "object property": "Object properties",
                   "datatype property": "Datatype properties", "annotation property": "Annotation properties",
                   "individual": "Named individuals"},
            "fr": {"class": "Classes", "object property": "Propriétés d'objet",
                   "datatype property": "Propriétés de données", "annotation property": "Propriétés d'annotation",
                   "individual": "Individus nommés"}}
ROLES = {RDFS + "subClassOf": ("subclass of", "sous-classe de"),
         RDFS + "subPropertyOf": ("subproperty of", "sous-propriété de"),
         RDFS + "domain": ("domain", "domaine"), RDFS + "range": ("range", "image"),
         OWL + "inverseOf": ("inverse of", "inverse de"), OWL + "equivalentClass": ("equivalent class", "classe équivalente"),
         SKOS + "closeMatch": ("close match", "correspondance proche"), SKOS + "exactMatch": ("exact match", "correspondance exacte"),
         SKOS + "broadMatch": ("broad match", "correspondance plus large"),
         OWL + "deprecated": ("deprecated", "obsolète")}


def _store(paths) -> ox.Store:
    store = ox.Store()
    for path in paths:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _pick(values: list, lang: str):
    """The value in ``lang``, else English, else any (first by text)."""
    for wanted in (lang, "en", None):
        found = sorted((v for v in values if wanted is None or getattr(v, "language", None) == wanted), key=literal_key)
        if found:
            return found[0].value
    return None


def _link(iri: str, lang: str) -> dict:
    if iri.startswith(TKG):
        return {"text": "tkg:" + iri[len(TKG):], "href": "#" + iri[len(TKG):]}
    return {"text": curie(iri), "href": iri if iri.startswith("http") else None}


def ontology_context(store: ox.Store, lang: str) -> dict:
    """The terms of the ontology grouped by kind, each with its label and definition in ``lang``
    (else English) and its relations (superclasses, domain, range, alignments)."""
    triples: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for s in store.quads_for_pattern(None, None, None):
        if isinstance(s.subject, ox.NamedNode):
            triples[s.subject.value][s.predicate.value].append(s.object)
    onto = next((iri for iri, t in triples.items() if ox.NamedNode(OWL + "Ontology") in t.get(RDF_TYPE, [])), None)
    header = {}
    if onto:
        t = triples[onto]
        header = {"iri": onto, "title": _pick(t.get(RDFS + "label", []) + t.get("http://purl.org/dc/terms/title", []), lang),
                  "description": _pick(t.get("http://purl.org/dc/terms/description", []) + t.get(RDFS + "comment", []), lang),
                  "version": _pick(t.get(OWL + "versionInfo", []), lang),
                  "version_iri": _pick(t.get(OWL + "versionIRI", []), lang),
                  "license": _pick(t.get("http://purl.org/dc/terms/license", []), lang),
                  "creator": _pick(t.get("http://purl.org/dc/terms/creator", []), lang)}
    groups = []
    for kind_iri, kind in KINDS:
        terms = []
        for iri in sorted(i for i, t in triples.items() if i.startswith(TKG) and ox.NamedNode(kind_iri) in t.get(RDF_TYPE, [])):
            if any(ox.NamedNode(k) in triples[iri].get(RDF_TYPE, []) for k, _ in KINDS[:KINDS.index((kind_iri, kind))]):
                continue  # listed under its first kind
            t = triples[iri]
            relations = []
            for p, (en, fr) in ROLES.items():
                targets = [o.value if not isinstance(o, ox.Literal) else o.value for o in t.get(p, [])
                           if not isinstance(o, ox.BlankNode)]
                targets = [x for x in targets if x != kind_iri]
                if targets:
                    relations.append({"role": en if lang == "en" else fr,
                                      "targets": [_link(x, lang) for x in sorted(targets)]})
            terms.append({"id": iri[len(TKG):], "iri": iri,
                          "label": _pick(t.get(RDFS + "label", []) + t.get(SKOS + "prefLabel", []), lang) or iri[len(TKG):],
                          "definition": _pick(t.get(SKOS + "definition", []) + t.get(RDFS + "comment", []), lang),
                          "relations": relations})
        if terms:
            groups.append({"name": HEADINGS[lang][kind], "terms": terms})
    return {"header": header, "groups": groups}


def ontology_files(project) -> dict[str, bytes]:
    """``ontology/index.html`` (English), ``ontology/fr/index.html`` (French) and the ontology as
    ``tarawa.ttl`` (the file as written), ``tarawa.jsonld`` and ``tarawa.nt``."""
    store = _store([project.ontology_file])
    triples = sorted((q.triple for q in store), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    from tarawa_kg.export import _bnode_labels

    labels = _bnode_labels(triples)
    triples = sorted((ox.Triple(labels.get(t.subject, t.subject), t.predicate, labels.get(t.object, t.object))
                      for t in triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return {
        "ontology/index.html": render("ontology.html", title="Ontology", root="../", lang="en",
                                      o=ontology_context(store, "en"), other="fr/"),
        "ontology/fr/index.html": render("ontology.html", title="Ontologie", root="../../", lang="fr",
                                         o=ontology_context(store, "fr"), other="../"),
        "ontology/tarawa.ttl": project.ontology_file.read_bytes(),
        "ontology/tarawa.jsonld": serialize_triples(triples, "jsonld"),
        "ontology/tarawa.nt": serialize_triples(triples, "nt"),
    }


def _show(store: ox.Store, term) -> str:
    """A shape's value as text: a CURIE, a literal, an RDF list's members, or a path."""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    members = list(store.query(
        "SELECT ?list ?m WHERE { ?list <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>*/"
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ?m }", substitutions={ox.Variable("list"): term}))
    if members:
        return "( " + " ".join(_show(store, m["m"]) for m in members) + " )"
    parts = sorted(f"{curie(q.predicate.value)} {_show(store, q.object)}" for q in store.quads_for_pattern(term, None, None))
    return "[ " + " ; ".join(parts) + " ]"


def shapes_context(project) -> list[dict]:
    """Every node shape: its description, targets, severity, property constraints and SPARQL rules."""
    store = _store(project.shape_files)
    shapes = []
    for row in store.query(f"SELECT DISTINCT ?shape WHERE {{ ?shape a <{SH}NodeShape> FILTER (isIRI(?shape)) }} ORDER BY ?shape"):
        shape = row["shape"]
        own = defaultdict(list)
        for q in store.quads_for_pattern(shape, None, None):
            own[q.predicate.value].append(q.object)
        properties = []
        for ps in own.get(SH + "property", []):
            fields = sorted((curie(q.predicate.value).replace("sh:", ""), _show(store, q.object))
                            for q in store.quads_for_pattern(ps, None, None))
            properties.append(fields)
        rules = []
        for c in own.get(SH + "sparql", []):
            fields = {q.predicate.value: q.object for q in store.quads_for_pattern(c, None, None)}
            rules.append({"message": fields[SH + "message"].value if SH + "message" in fields else "",
                          "select": fields[SH + "select"].value.strip() if SH + "select" in fields else ""})
        targets = [{"role": curie(p).replace("sh:", ""), "targets": [_show(store, o) for o in sorted(own.get(p, []), key=literal_key)]}
                   for p in (SH + "targetClass", SH + "targetNode", SH + "targetSubjectsOf", SH + "targetObjectsOf")
                   if own.get(p)]
        shapes.append({"id": shape.value.rsplit("#", 1)[-1], "iri": shape.value,
                       "comment": _pick(own.get(RDFS + "comment", []), "en"),
                       "severity": _show(store, own[SH + "severity"][0]) if own.get(SH + "severity") else "sh:Violation",
                       "targets": targets, "properties": sorted(properties), "rules": rules})
    return shapes


def shapes_page(project) -> bytes:
    """``shapes/index.html``: the SHACL shapes documented, one section per shape (anchor: its local name)."""
    return render("shapes.html", title="SHACL shapes", root="../", shapes=shapes_context(project))
