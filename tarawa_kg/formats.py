"""The one registry of RDF file formats: names, suffixes, media types, pyoxigraph formats.

Everything that reads or writes RDF files asks here (:mod:`tarawa_kg.load`, :mod:`tarawa_kg.export`,
:mod:`tarawa_kg.build`, ``validate --report``), and so do the help texts and error messages, so that
the list of accepted files is written once.

>>> by_suffix("data/x.TTL").label
'Turtle'
>>> suffix_list()
'.ttl, .nt, .jsonld, .json, .rdf, .owl, .trig, .nq'
>>> by_name("ttl").name, by_name("nt").suffixes[0]
('turtle', '.nt')
>>> for_output("out/x.nt").name
'nt'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfFileFormat:
    """One RDF syntax.

    :param name: the name the command line uses (``--format``)
    :param label: the syntax's own name, for messages
    :param suffixes: file suffixes, lower case, the usual one first
    :param media_type: the IANA media type
    :param rdf_format: pyoxigraph's format (its reader and writer)
    :param rdflib: rdflib's name of the syntax (the SHACL report is written by rdflib)
    :param export: ``export`` and ``build`` write it
    :param quads: a dataset syntax (named graphs): reading keeps only the default graph's triples
    """

    name: str
    label: str
    suffixes: tuple[str, ...]
    media_type: str
    rdf_format: ox.RdfFormat
    rdflib: str
    export: bool = True
    quads: bool = False

    @property
    def suffix(self) -> str:
        """The usual suffix (``.ttl``)."""
        return self.suffixes[0]


REGISTRY: tuple[RdfFileFormat, ...] = (
    RdfFileFormat("turtle", "Turtle", (".ttl",), "text/turtle", ox.RdfFormat.TURTLE, "turtle"),
    RdfFileFormat("nt", "N-Triples", (".nt",), "application/n-triples", ox.RdfFormat.N_TRIPLES, "nt"),
    RdfFileFormat("jsonld", "JSON-LD", (".jsonld", ".json"), "application/ld+json", ox.RdfFormat.JSON_LD,
                  "json-ld"),
    RdfFileFormat("rdfxml", "RDF/XML", (".rdf", ".owl"), "application/rdf+xml", ox.RdfFormat.RDF_XML, "xml",
                  export=False),
    RdfFileFormat("trig", "TriG", (".trig",), "application/trig", ox.RdfFormat.TRIG, "trig", quads=True),
    RdfFileFormat("nquads", "N-Quads", (".nq",), "application/n-quads", ox.RdfFormat.N_QUADS, "nquads",
                  export=False, quads=True),
)
"""Every RDF syntax the project reads; those with ``export`` set are also written."""

ALIASES = {"ttl": "turtle", "json-ld": "jsonld"}
"""Other names accepted for ``--format``."""

EXPORT_NAMES: tuple[str, ...] = tuple(f.name for f in REGISTRY if f.export)
"""``--format`` choices of ``export``, in registry order (``turtle``, ``nt``, ``jsonld``, ``trig``)."""

RESULT_FORMATS = ("table", "csv", "tsv", "json")
"""Formats of query results: a text table, and the W3C SPARQL 1.1 CSV, TSV and JSON results."""

REPORT_FORMATS = ("turtle", "jsonld")
"""Syntaxes of the SHACL report file (``validate --report``)."""

_BY_NAME = {f.name: f for f in REGISTRY}
_BY_SUFFIX = {suffix: f for f in REGISTRY for suffix in f.suffixes}


def suffix_list(names=None) -> str:
    """The accepted suffixes as one string for help texts and messages (``.ttl, .nt, …``).

    :param names: only these formats (default: all)
    """
    return ", ".join(s for f in REGISTRY if names is None or f.name in names for s in f.suffixes)


def by_name(name: str) -> RdfFileFormat:
    """The format called ``name`` (or one of :data:`ALIASES`).

    :raises KeyError: unknown name
    """
    return _BY_NAME[ALIASES.get(name, name)]


def by_suffix(path: Path | str) -> RdfFileFormat | None:
    """The format of ``path`` by its suffix (case-insensitive), or ``None`` for an unknown one."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def for_output(path: Path | str, names=EXPORT_NAMES) -> RdfFileFormat | None:
    """The format ``path``'s suffix asks for, among ``names``; ``None`` when it asks for none of them."""
    found = by_suffix(path)
    return found if found is not None and found.name in names else None
