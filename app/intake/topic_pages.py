"""Topic suggestions for the specialist's forms («Новые», mark and reclassify; Parfino p.7)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import Provide
from litestar.response import Template

from app.domain.roles import Role
from app.domain.topics import MAX_TOPIC, MAX_TOPICS
from app.intake.topics import suggest
from app.web.deps import Req, Rules, provide_rules
from app.web.forms import form_text
from app.web.guards import roles
from app.web.rendering import page


class TopicSuggestionsController(Controller):
    """The dictionary's topics matching what is typed in a topic field (an HTMX fragment)."""

    path = "/o/{org_slug:str}/topics"
    include_in_schema = False
    dependencies = {"rules": Provide(provide_rules)}  # noqa: RUF012

    @get("/suggest", name="topics.suggest", opt=roles(Role.SPECIALIST))
    async def suggestions(self, request: Req, rules: Rules) -> Template:
        """Topics whose name or synonym starts with (then contains) the last typed piece."""
        typed = form_text(dict(request.query_params), "topics", (MAX_TOPIC + 2) * MAX_TOPICS)
        names = await suggest(rules.id, typed) if typed.strip() else []
        return page(request, "intake/_topic_suggestions.html", names=names)
