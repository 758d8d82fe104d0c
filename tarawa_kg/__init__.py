"""tarawa-kg: a sourced RDF knowledge graph of Operation Galvanic (Gilbert Islands, November 1943).

The library builds one graph from the ontology and the curated data (:func:`load_project`),
validates it against the SHACL shapes (:func:`validate_graph`), runs the saved SPARQL queries
(:func:`run_query`) and exports it deterministically (:func:`export_graph`).
"""

from tarawa_kg.errors import (
    DataError,
    EndpointError,
    ExportError,
    ParameterError,
    QueryNotFound,
    TarawaKGError,
)
from tarawa_kg.export import FORMATS, export_graph, serialize_graph
from tarawa_kg.load import load_files, load_project
from tarawa_kg.namespaces import ID, SHAPES, TKG
from tarawa_kg.project import Project
from tarawa_kg.queries import SavedQuery, get_query, list_queries, run_query
from tarawa_kg.validate import ValidationReport, ValidationResult, validate_graph

__version__ = "0.1.0"

__all__ = [
    "FORMATS",
    "ID",
    "SHAPES",
    "TKG",
    "DataError",
    "EndpointError",
    "ExportError",
    "ParameterError",
    "Project",
    "QueryNotFound",
    "SavedQuery",
    "TarawaKGError",
    "ValidationReport",
    "ValidationResult",
    "export_graph",
    "get_query",
    "list_queries",
    "load_files",
    "load_project",
    "run_query",
    "serialize_graph",
    "validate_graph",
]
