"""Exception classes. Every error the CLI reports is one of these (exit code 2 unless noted)."""

from __future__ import annotations


class TarawaKGError(Exception):
    """Base class of the library's errors."""

    exit_code = 2


class DataError(TarawaKGError):
    """A data, ontology or shapes file cannot be read or parsed.

    :param path: the file
    :param line: 1-based line of the syntax error, when the parser gives one
    :param reason: what is wrong
    """

    def __init__(self, path: str, reason: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")


class QueryNotFound(TarawaKGError):
    """No saved query has the given name."""

    def __init__(self, name: str, available: list[str]):
        self.name = name
        self.available = available
        super().__init__(f"no saved query named {name!r}; available: {', '.join(available)}")


class ParameterError(TarawaKGError):
    """A query parameter is unknown, missing, or its value is not a valid RDF term."""


class ExportError(TarawaKGError):
    """An output file could not be written."""


class EndpointError(TarawaKGError):
    """A SPARQL endpoint could not be reached or answered with an error."""


class DataErrors(DataError):
    """Several faults found in one file (for example each ill-typed literal): one line each.

    :param errors: the :class:`DataError` of each fault, in the file's order
    """

    def __init__(self, errors: list[DataError]):
        first = errors[0]
        self.errors = list(errors)
        super().__init__(first.path, first.reason, first.line)
        self.args = ("\n".join(str(e) for e in self.errors),)

    def __str__(self) -> str:
        return self.args[0]


class DataWarning(UserWarning):
    """A file was read, but what it contributes may not be what was meant (no triples, relative
    IRIs resolved against the file's location, named graphs merged). The CLI prints these as
    ``warning: …`` lines."""
