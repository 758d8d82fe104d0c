"""Where each IRI's page lives in the static site, and relative links between pages.

The site mirrors the IRI space under ``https://w3id.org/tarawa-kg/``: the page of
``https://w3id.org/tarawa-kg/id/person/julian-c-smith`` is ``id/person/julian-c-smith/index.html``.
"""

from __future__ import annotations

import re

from tarawa_kg.errors import TarawaKGError

BASE = "https://w3id.org/tarawa-kg/"
"""The IRI that the site's root stands for."""
ID_BASE = BASE + "id/"
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*\Z")


class UnsafeIRI(TarawaKGError):
    """An entity's IRI cannot be a folder of the site (exit code 2)."""

    exit_code = 2


def page_dir(iri: str) -> str:
    """The site folder (``/``-separated, relative to the site root) of the page of ``iri``.

    >>> page_dir("https://w3id.org/tarawa-kg/id/person/julian-c-smith")
    'id/person/julian-c-smith'
    >>> page_dir("https://w3id.org/tarawa-kg/id/person/../../etc")
    Traceback (most recent call last):
    ...
    tarawa_kg.site.paths.UnsafeIRI: <https://w3id.org/tarawa-kg/id/person/../../etc>: segment '..' of its path is not safe in a file path (letters, digits, '.', '_', '~', '-' only, not starting with '.', '_', '~' or '-')

    :param iri: an IRI under ``https://w3id.org/tarawa-kg/id/``
    :raises UnsafeIRI: the IRI is outside that space or a segment of its path is empty, ``.``,
        ``..`` or holds a character other than ASCII letters, digits, ``.``, ``_``, ``~``, ``-``
    """
    if not iri.startswith(ID_BASE):
        raise UnsafeIRI(f"<{iri}>: not under {ID_BASE}")
    rest = iri[len(BASE):]
    for segment in rest.split("/"):
        if not _SEGMENT.match(segment):
            raise UnsafeIRI(f"<{iri}>: segment {segment!r} of its path is not safe in a file path "
                            "(letters, digits, '.', '_', '~', '-' only, not starting with '.', '_', "
                            "'~' or '-')")
    return rest


def kind_of(iri: str) -> str:
    """The kind of an entity: the first segment after ``id/``.

    >>> kind_of("https://w3id.org/tarawa-kg/id/ship/i-175")
    'ship'
    """
    return iri[len(ID_BASE):].split("/", 1)[0]


def relative(from_dir: str, to: str) -> str:
    """A relative link from the page in folder ``from_dir`` to the site path ``to`` (a folder
    ending in ``/``, a file, or ``""`` for the root), so that the site works under any base URL.

    >>> relative("id/person/julian-c-smith", "id/unit/2nd-marines/")
    '../../../id/unit/2nd-marines/'
    >>> relative("", "timeline/")
    'timeline/'
    """
    depth = len([s for s in from_dir.split("/") if s])
    return "../" * depth + to
