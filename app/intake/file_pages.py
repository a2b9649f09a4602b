"""Downloads of draft attachments, only to people who may see the case."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import File

from app.core import clock
from app.domain.roles import Role
from app.identity.accounts import CurrentUser
from app.identity.organisations import organisation_id_by_slug
from app.identity.substitutes import actor_context
from app.intake.media import MediaError, open_attachment
from app.web.guards import roles

# Headers that keep a browser from rendering an upload as a page of our site.
DOWNLOAD_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}


class FilesController(Controller):
    """Photo and video attachments of drafts (Penza p.16, Parfino p.19)."""

    include_in_schema = False
    path = "/o/{org_slug:str}/files"

    @get("/{file_id:str}", name="file", opt=roles(*Role))
    async def download(self, request: Request[Any, Any, Any], file_id: FromPath[str]) -> File:
        """The file as a download under its safe name; the service checks access to the case."""
        user: CurrentUser = request.state["current_user"]
        organisation_id = await organisation_id_by_slug(request.path_params["org_slug"])
        ctx = await actor_context(user.id, organisation_id, clock.now().date())
        try:
            path, content_type, name = await open_attachment(ctx, file_id)
        except MediaError as error:
            if error.code == "forbidden":
                raise PermissionDeniedException(error.message_ru) from error
            raise NotFoundException(error.message_ru) from error
        return File(
            path=path,
            filename=name,
            media_type=content_type,
            content_disposition_type="attachment",
            headers=DOWNLOAD_HEADERS,
        )
