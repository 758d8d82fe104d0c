"""The query page: a form per saved query (its parameters as fields) and a free SPARQL form, both
answered by ``serve``'s ``/run`` as an HTML table (no JavaScript)."""

from __future__ import annotations

from http import HTTPStatus

from rdflib import Literal, URIRef

from tarawa_kg.errors import TarawaKGError
from tarawa_kg.site.data import curie
from tarawa_kg.site.paths import BASE
from tarawa_kg.site.render import render


def query_page(project) -> bytes:
    """``query/index.html``: the saved queries of ``project`` with their parameters, and a free
    SPARQL editor."""
    from tarawa_kg.queries import list_queries

    saved = [{"name": q.name, "title": q.title, "description": q.description, "text": q.text,
              "params": [{"name": p.name, "kind": p.kind, "required": p.required, "doc": p.doc}
                         for p in q.params]}
             for q in list_queries(project)]
    return render("query.html", title="Query the graph", root="../", saved=saved)


def _cell(term) -> dict:
    if isinstance(term, URIRef):
        iri = str(term)
        href = "/" + iri[len(BASE):] if iri.startswith(BASE + "id/") else None
        return {"text": curie(iri), "href": href, "lang": None}
    if isinstance(term, Literal):
        return {"text": str(term), "href": None, "lang": term.language}
    return {"text": "" if term is None else str(term), "href": None, "lang": None}


def run_form(form: dict[str, list[str]], endpoint: str, project, timeout: float) -> tuple[int, bytes]:
    """Run the query a form of the query page sent: ``name`` (a saved query) and its parameters, or
    ``query`` (free SPARQL SELECT), on ``endpoint``.

    :returns: HTTP status and the HTML page (the rows as a table, or the error in one line)
    """
    from tarawa_kg.queries import get_query
    from tarawa_kg.remote import run_remote_query, select

    name = (form.get("name") or [""])[0].strip()
    text = (form.get("query") or [""])[0]
    try:
        if name:
            saved = get_query(name, project)
            params = {k: v[0] for k, v in form.items() if k != "name" and v and v[0].strip()}
            result = run_remote_query(endpoint, saved, params, timeout=timeout)
            title = saved.title
        elif text.strip():
            result = select(endpoint, text, timeout=timeout)
            title = "Free query"
        else:
            raise TarawaKGError("give a saved query's name or a SPARQL query")
    except TarawaKGError as exc:
        return HTTPStatus.BAD_REQUEST, render("results.html", title="Query error", root="/",
                                              error=str(exc), variables=[], rows=[])
    rows = [[_cell(t) for t in row] for row in result.rows]
    return HTTPStatus.OK, render("results.html", title=title, root="/", error=None,
                                 variables=result.variables, rows=rows)
