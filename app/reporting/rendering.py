"""HTML from the templates in templates/reporting/, and PDF from it with WeasyPrint (a thread)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.core.config import PROJECT_ROOT
from app.core.text import without_bidi_controls
from app.domain.lifecycle import STEP_TITLES
from app.domain.regulation.model import REFUSAL_TITLES, clause_ref
from app.domain.russian import plural, plural_form
from app.domain.worktime.zones import zone_short, zone_title
from app.reporting.formatting import FILTERS, dimension_value, local, responsible, role_title

TEMPLATES_DIR = PROJECT_ROOT / "templates"


def add_report_globals(env: Environment) -> None:
    """Filters and titles the report templates use (the web app's engine gets them too)."""
    env.filters.update(FILTERS)
    env.globals.update(
        report_local=local,
        step_titles=STEP_TITLES,
        refusal_titles=REFUSAL_TITLES,
        plural=plural,
        plural_form=plural_form,
        responsible=responsible,
        role_title=role_title,
        dimension_value=dimension_value,
        zone_title=zone_title,
        zone_short=zone_short,
        clause_ref=clause_ref,
    )


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment over the app's templates folder (autoescape on)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=without_bidi_controls,
    )
    add_report_globals(env)
    return env


def render_html(template: str, **context: Any) -> str:
    """Render one template of templates/reporting/ to HTML."""
    return environment().get_template(template).render(**context)


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint: HTML → PDF bytes (blocking; call it through `render_pdf`)."""
    from weasyprint import HTML

    return bytes(HTML(string=html, base_url=str(PROJECT_ROOT)).write_pdf())


async def render_pdf(template: str, **context: Any) -> bytes:
    """Render the template and lay it out as PDF in a worker thread, off the event loop."""
    html = render_html(template, **context)
    return await anyio.to_thread.run_sync(html_to_pdf, html)
