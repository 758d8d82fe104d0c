"""``tarawa-kg site``: write the static web edition of the graph.

Every entity's IRI is checked first (an unsafe one stops the run before anything is written);
the pages are then written, one by one as they are rendered (so memory does not grow with the
site), into a new folder beside the target, which is swapped in whole at the end: a failed or
interrupted run removes that folder and leaves the previous site as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox

from tarawa_kg.errors import TarawaKGError
from tarawa_kg.export import serialize_triples
from tarawa_kg.progress import Progress, quiet
from tarawa_kg.site.data import SiteData, shown
from tarawa_kg.site.paths import ID_BASE, kind_of, page_dir, relative
from tarawa_kg.site.render import render

KIND_NAMES = {
    "person": "Persons", "unit": "Military units", "ship": "Ships", "equipment": "Equipment types",
    "place": "Places", "event": "Events", "source": "Sources", "statement": "Statements",
    "quotation": "Quotations", "organization": "Organisations", "side": "Sides", "rank": "Ranks",
    "echelon": "Echelons", "ship-type": "Ship types", "weapon-role": "Weapon roles", "mount": "Mounts",
    "personnel-category": "Personnel categories",
}


@dataclass
class SiteResult:
    """What :func:`build_site` wrote.

    :param out: the site's folder
    :param pages: number of HTML pages
    :param files: number of files (pages, their Turtle/JSON-LD/N-Triples, static files)
    :param seconds: wall-clock time of the whole run
    :param entity_pages: number of entity pages (each with its three description files)
    """

    out: Path
    pages: int
    files: int
    seconds: float
    entity_pages: int = 0


def entity_files(data: SiteData, iri: str, statements=None) -> dict[str, bytes]:
    """The files of one entity's folder: ``index.html``, ``index.ttl``, ``index.jsonld``, ``index.nt``
    (paths relative to the site root). A source's page also says what the source says, statement
    by statement, with its reliability profile (``statements``: a :class:`pages.Statements`)."""
    from tarawa_kg.site.pages import source_profile

    here = page_dir(iri)
    e = data.entity(iri)
    triples = data.description(iri)
    if kind_of(iri) == "source" and statements is not None:
        page = render("source.html", title=e["title"], root=relative(here, ""), e=e,
                      s=source_profile(data, statements, iri, here))
    else:
        page = render("entity.html", title=e["title"], root=relative(here, ""), e=e)
    return {
        f"{here}/index.html": page,
        f"{here}/index.ttl": serialize_triples(triples, "turtle"),
        f"{here}/index.jsonld": ox.serialize(triples, format=ox.RdfFormat.JSON_LD),
        f"{here}/index.nt": serialize_triples(triples, "nt"),
    }


def index_files(data: SiteData) -> dict[str, bytes]:
    """``id/index.html`` (the kinds) and ``id/<kind>/index.html`` (the entities of a kind, by label),
    except where ``id/<kind>`` is itself an entity (a concept scheme), whose page is there."""
    by_kind: dict[str, list[str]] = {}
    for iri in data.entities:
        by_kind.setdefault(kind_of(iri), []).append(iri)
    result = {}
    kinds = []
    for kind in sorted(by_kind):
        here = f"id/{kind}"
        items = sorted((data.term(ox.NamedNode(i), here) for i in by_kind[kind]),
                       key=lambda t: (t["text"].casefold(), t["iri"]))
        name = KIND_NAMES.get(kind, kind)
        kinds.append(shown(f"{name} ({len(items)})", href=f"{kind}/"))
        if kind == "source":
            continue  # the sources' overview page (pages.py) lists them with their profiles
        if ID_BASE + kind in data.has_page:
            continue  # the folder is an entity's own (a SKOS concept scheme: id/rank): its page lists its members
        result[f"{here}/index.html"] = render("listing.html", title=name, root=relative(here, ""),
                                              intro=None, groups=[{"name": None, "items": items}])
    result["id/index.html"] = render("listing.html", title="Index by kind", root="../",
                                     intro=f"{len(data.entities)} entities, each with its page.",
                                     groups=[{"name": None, "items": kinds}])
    return result


def static_files() -> dict[str, bytes]:
    """The CSS and JavaScript of ``tarawa_kg/site/static``."""
    folder = files("tarawa_kg.site") / "static"
    return {f"static/{f.name}": f.read_bytes() for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.is_file()}


def swap_in(tmp: Path, out: Path) -> None:
    """Replace the folder ``out`` by the complete folder ``tmp`` (same parent) with renames: at
    every moment ``out`` is either the previous site or the new one."""
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
        os.rename(out, old / "site")
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out)


MARKER = ".tarawa-kg-site"
"""The file every site has at its top: only a folder holding it (or an empty or new folder) is
replaced by :func:`build_site`."""


def check_site_folder(out: Path | str) -> None:
    """Refuse to replace ``out`` unless it is new, an empty folder, or a site :func:`build_site`
    wrote (it holds :data:`MARKER`): replacing a folder deletes what was in it.

    :raises TarawaKGError: ``out`` is a file, or a folder holding other things
    """
    out = Path(out)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise TarawaKGError(f"{out}: not a folder; give a new or empty folder, or a site written before")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise TarawaKGError(f"{out}: this folder holds files that are not a site written by 'tarawa-kg site'; "
                            f"the site replaces its folder whole, so give a new or empty folder")


def build_site(kg, out: Path | str, project=None, progress: Progress = quiet) -> SiteResult:
    """Write the web edition of ``kg`` into the folder ``out`` (replaced whole). ``out`` must be
    new, empty, or a site written before (:func:`check_site_folder`).

    :param kg: a :class:`~tarawa_kg.store.KnowledgeGraph` (ontology and data loaded)
    :param out: the site's folder; its parent is created if needed
    :param project: the checkout (saved queries, ontology and shapes files); default: the current one
    :raises UnsafeIRI: an entity's IRI cannot be a folder (nothing is written)
    :raises TarawaKGError: ``out`` holds other files, or a page could not be made (the previous
        site is left as it was)
    """
    from tarawa_kg.project import Project
    from tarawa_kg.site import pages

    start = time.perf_counter()
    project = project or Project()
    out = Path(out)
    check_site_folder(out)
    data = SiteData(kg.store)
    for iri in data.entities:  # refuse an unsafe IRI before anything is written
        page_dir(iri)
    statements = pages.Statements(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    made: set[Path] = set()
    counts = {"files": 0, "pages": 0}

    def write(files: dict[str, bytes]) -> None:  # into the new folder, page by page (bounded memory)
        for path in sorted(files):
            target = tmp / path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(files[path])
            counts["files"] += 1
            counts["pages"] += path.endswith(".html")

    try:
        progress(f"site: {len(data.entities)} entity pages into {tmp}")
        for n, iri in enumerate(data.entities, 1):
            write(entity_files(data, iri, statements))
            if n % 500 == 0:
                progress(f"site: {n}/{len(data.entities)} entity pages")
        write(index_files(data))
        write(pages.all_pages(data, project, statements, progress))
        write(static_files())
        write({MARKER: b"a site written by 'tarawa-kg site': the command replaces this folder whole\n"})
        os.chmod(tmp, 0o755)
        progress(f"site: swapping it in{' and removing the previous site' if out.exists() else ''}")
        swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return SiteResult(out, counts["pages"], counts["files"], time.perf_counter() - start, len(data.entities))
