"""The Jinja2 environment of the site: templates from the package, HTML autoescaped."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def environment() -> Environment:
    """The site's Jinja2 environment: every value is HTML-escaped unless a template says
    otherwise (none does); an undefined variable is an error, not an empty string."""
    return Environment(loader=PackageLoader("tarawa_kg.site", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def render(template: str, **context) -> bytes:
    """Render ``template`` (a file of ``tarawa_kg/site/templates``) to UTF-8 bytes.

    >>> b"&lt;script&gt;" in render("listing.html", title="<script>", root="", intro=None, groups=[])
    True
    """
    return environment().get_template(template).render(**context).encode("utf-8")
