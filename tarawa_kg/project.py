"""Where the project's files are: ontology, shapes, curated data and saved queries."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tarawa_kg.errors import DataError

ROOT_ENV = "TARAWA_KG_ROOT"


def _is_checkout(path: Path) -> bool:
    return (path / "ontology" / "tarawa.ttl").is_file() and (path / "data").is_dir()


def _default_root() -> Path:
    """``$TARAWA_KG_ROOT``; else the checkout that contains the current directory (so that commands
    run in a clone read that clone, whichever checkout the package was installed from); else the
    checkout the package was installed from (editable install); else the current directory."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV])
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if _is_checkout(folder):
            return folder
    here = Path(__file__).resolve().parent.parent
    if _is_checkout(here):
        return here
    return cwd


@dataclass(frozen=True)
class Project:
    """The file layout of a tarawa-kg checkout.

    :param root: the checkout; defaults to ``$TARAWA_KG_ROOT``, else the checkout containing the
        current directory, else the checkout the package was installed from, else the current
        directory.

    >>> p = Project()
    >>> p.ontology_file.name
    'tarawa.ttl'
    """

    root: Path = None  # type: ignore[assignment]

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root) if self.root else _default_root())
        if not (self.root / "ontology").is_dir():
            raise DataError(str(self.root), "not a tarawa-kg checkout (no ontology/ folder)")

    @property
    def ontology_file(self) -> Path:
        """``ontology/tarawa.ttl``: the OWL ontology."""
        return self.root / "ontology" / "tarawa.ttl"

    @property
    def shape_files(self) -> list[Path]:
        """``ontology/shapes.ttl`` and ``ontology/shapes/*.ttl``, sorted."""
        files = [self.root / "ontology" / "shapes.ttl"]
        files += sorted((self.root / "ontology" / "shapes").glob("*.ttl"))
        return [f for f in files if f.is_file()]

    @property
    def data_files(self) -> list[Path]:
        """``data/*.ttl``, sorted by name."""
        return sorted((self.root / "data").glob("*.ttl"))

    @property
    def graph_files(self) -> list[Path]:
        """The files that make up the knowledge graph: the ontology, then the data."""
        return [self.ontology_file, *self.data_files]

    @property
    def queries_dir(self) -> Path:
        """``queries/``: the saved SPARQL queries."""
        return self.root / "queries"

    @property
    def dist_dir(self) -> Path:
        """``dist/``: where ``build`` writes its outputs."""
        return self.root / "dist"
