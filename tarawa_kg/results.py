"""Rendering query results as a table, CSV, TSV or SPARQL JSON."""

from __future__ import annotations

import io

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result

from tarawa_kg.formats import RESULT_FORMATS
from tarawa_kg.namespaces import PREFIXES
from tarawa_kg.queries import QueryResult, escape_string



def _to_rdflib_result(result: QueryResult) -> Result:
    res = Result("SELECT")
    res.vars = [Variable(v) for v in result.variables]
    res.bindings = [{Variable(k): v for k, v in row.items()} for row in result.as_dicts()]
    return res


def _tsv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    out = f'"{escape_string(str(term))}"'
    if term.language:
        return out + f"@{term.language}"
    if term.datatype and term.datatype != XSD.string:
        return out + f"^^<{term.datatype}>"
    return out


def curie(term) -> str:
    """A short human form: CURIE for IRIs in the project's prefixes, lexical form for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        best = None
        for prefix, ns in PREFIXES.items():
            if str(term).startswith(str(ns)) and (best is None or len(str(ns)) > len(best[1])):
                best = (prefix, str(ns))
        if best and "/" not in str(term)[len(best[1]):]:
            return f"{best[0]}:{str(term)[len(best[1]):]}"
        return str(term)
    if isinstance(term, Literal) and term.language:
        return f"{term}@{term.language}"
    return str(term)


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Render ``result``.

    :param fmt: ``table`` (a text table, CURIEs), ``csv`` / ``tsv`` / ``json`` (the W3C SPARQL 1.1
        Query Results CSV, TSV and JSON formats)
    :returns: the text
    :raises ValueError: unknown format
    """
    if fmt == "csv":
        return _to_rdflib_result(result).serialize(format="csv").decode("utf-8")
    if fmt == "json":
        return _to_rdflib_result(result).serialize(format="json").decode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in result.rows]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=False)
        for variable in result.variables:
            table.add_column(variable, overflow="fold")
        for row in result.rows:
            table.add_row(*(curie(t) for t in row))
        buffer = io.StringIO()
        Console(file=buffer, width=200, force_terminal=False, color_system=None).print(table)
        return buffer.getvalue() + f"{len(result.rows)} row(s)\n"
    raise ValueError(f"unknown result format {fmt!r}; choose one of {', '.join(RESULT_FORMATS)}")
