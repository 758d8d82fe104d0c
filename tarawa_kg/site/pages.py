"""The site's pages beyond the entities: home, sources, fact-check, timeline, map, order of
battle, disputed facts, ontology, shapes and query."""

from __future__ import annotations

from tarawa_kg.progress import Progress, quiet
from tarawa_kg.site.render import render


def all_pages(data, project, progress: Progress = quiet) -> dict[str, bytes]:
    """Every page that is not an entity's, as site path → bytes."""
    result = {"index.html": render("home.html", title="Home", root="", total=len(data.entities))}
    return result
