"""The query page: a form per saved query (its parameters as fields) and a free SPARQL form, both
answered by ``serve``'s ``/run`` as an HTML table (no JavaScript)."""

from __future__ import annotations

from http import HTTPStatus

from rdflib import Literal, URIRef

from tarawa_kg.errors import TarawaKGError
from tarawa_kg.site.data import curie
from tarawa_kg.site.paths import BASE
from tarawa_kg.site.render import render


def query_page(project, data=None) -> bytes:
    """``query/index.html``: the saved queries of ``project`` with their parameters, and a free
    SPARQL editor. An IRI parameter declared with a class (``class=tkg:Place``) offers the
    instances of that class found in ``data`` (a :class:`~tarawa_kg.site.data.SiteData`) as
    suggestions (an HTML ``datalist``: no JavaScript, any other value may still be typed)."""
    from tarawa_kg.queries import list_queries

    choices: dict[str, list[dict]] = {}
    saved = []
    for q in list_queries(project):
        params = []
        for p in q.params:
            cls = str(p.rdf_class) if p.rdf_class is not None else None
            if cls and data is not None and cls not in choices:
                rows = data.select("", text="SELECT ?i WHERE { ?i a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
                                            f"<{cls}> FILTER (isIRI(?i)) }}")
                choices[cls] = sorted(({"value": curie(r["i"].value), "label": data.label(r["i"].value) or ""}
                                       for r in rows), key=lambda c: c["value"])
            params.append({"name": p.name, "kind": p.kind, "required": p.required, "doc": p.doc,
                           "list": f"choices-{curie(cls).replace(':', '-')}" if cls and choices.get(cls) else None})
        saved.append({"name": q.name, "title": q.title, "description": q.description, "text": q.text,
                      "params": params})
    lists = [{"id": f"choices-{curie(cls).replace(':', '-')}", "options": options}
             for cls, options in sorted(choices.items()) if options]
    return render("query.html", title="Query the graph", root="../", saved=saved, lists=lists)


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
            repeated = sorted(k for k, v in form.items() if k != "name" and len([x for x in v if x.strip()]) > 1)
            if repeated:
                raise TarawaKGError(f"parameter {repeated[0]!r} given twice: give each parameter once")
            params = {k: v[0] for k, v in form.items() if k != "name" and v and v[0].strip()}
            result = run_remote_query(endpoint, saved, params, timeout=timeout)
            title = saved.title
        elif text.strip():
            result = select(endpoint, text, timeout=timeout)
            title = "Free query"
        else:
            raise TarawaKGError("give a saved query's name or a SPARQL query")
    except TarawaKGError as exc:  # the endpoint behind is private: its address is not shown
        return HTTPStatus.BAD_REQUEST, render("results.html", title="Query error", root="/",
                                              error=str(exc).replace(endpoint, "the SPARQL endpoint"),
                                              variables=[], rows=[])
    rows = [[_cell(t) for t in row] for row in result.rows]
    return HTTPStatus.OK, render("results.html", title=title, root="/", error=None,
                                 variables=result.variables, rows=rows)
