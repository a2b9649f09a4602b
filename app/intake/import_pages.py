"""«Импорт выгрузки» on «Ручной ввод»: a CSV/XLSX export of a monitoring system is uploaded,
its columns are mapped to our fields (remembered for files with the same headers), and its
rows come in through the intake in steps (see app.intake.imports)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

import anyio.to_thread
from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from app.domain.import_mapping import (
    FIELD_TITLES,
    FIELDS,
    ColumnMapping,
    column_letter,
    mapping_problems,
)
from app.domain.roles import Role
from app.domain.russian import plural_form
from app.intake import imports
from app.intake.entry_pages import entry_networks
from app.intake.import_files import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportFileError,
    read_table,
    too_large_ru,
)
from app.journal.events import EventActor
from app.web.deps import Req, Rules, provide_rules
from app.web.forms import Form, Upload, form_text, to_int
from app.web.guards import roles
from app.web.rendering import page

# The file plus the form around it; a larger request is refused before it is read.
MAX_UPLOAD_REQUEST = MAX_FILE_BYTES + 1024 * 1024
LIMITS = {"size_mb": MAX_FILE_BYTES // (1024 * 1024), "rows": MAX_ROWS, "columns": MAX_COLUMNS}


def _filename(upload: UploadFile) -> str:
    """The file's own name, without any folders a browser may send."""
    name = PureWindowsPath(PurePosixPath(upload.filename or "").name).name
    return name.replace("\x00", "")[:200] or "файл"


def _mapping(data: dict[str, Any], width: int) -> ColumnMapping:
    columns = {}
    for name in FIELDS:
        index = to_int(form_text(data, f"col_{name}", 5))
        if index is not None:
            columns[name] = index
    network = form_text(data, "network_default", 20).strip()
    return ColumnMapping(columns, network)


async def _batch(rules: Rules, batch_id: int) -> imports.BatchView:
    try:
        return await imports.load_batch(rules.id, batch_id)
    except imports.ImportNotFound:
        raise NotFoundException() from None


class ImportController(Controller):
    """Import of a monitoring system's export (CSV/XLSX) by the specialist."""

    path = "/o/{org_slug:str}/specialist/entry/import"
    include_in_schema = False
    dependencies = {"rules": Provide(provide_rules)}  # noqa: RUF012

    def _upload_page(self, request: Req, rules: Rules, status: int, **context: Any) -> Template:
        return page(request, "intake/import.html", status, rules=rules, limits=LIMITS, **context)

    @get("/", name="import", opt=roles(Role.SPECIALIST))
    async def form(self, request: Req, rules: Rules) -> Template:
        """The upload form and the latest imports."""
        recent = await imports.recent_imports(rules.id)
        return self._upload_page(request, rules, 200, error="", recent=recent)

    @post(
        "/",
        name="import.upload",
        opt=roles(Role.SPECIALIST),
        request_max_body_size=MAX_UPLOAD_REQUEST,
    )
    async def upload(self, request: Req, rules: Rules, data: Upload) -> Template | Redirect:
        """Read the file; a readable table goes to its preview, else the reason in Russian."""
        upload = data.get("file")
        error = ""
        if not isinstance(upload, UploadFile) or not upload.filename:
            error = "Выберите файл CSV или XLSX."
        else:
            content = await upload.read(MAX_FILE_BYTES + 1)
            try:
                if len(content) > MAX_FILE_BYTES:
                    raise ImportFileError(too_large_ru())
                table = await anyio.to_thread.run_sync(read_table, content)
            except ImportFileError as refused:
                error = refused.message_ru
        if error:
            recent = await imports.recent_imports(rules.id)
            return self._upload_page(request, rules, 400, error=error, recent=recent)
        assert isinstance(upload, UploadFile)
        user = request.state["current_user"]
        batch_id = await imports.store_upload(rules.id, user.id, _filename(upload), table)
        return Redirect(
            request.app.route_reverse("import.batch", org_slug=rules.slug, batch_id=batch_id)
        )

    def _batch_page(
        self, request: Req, rules: Rules, batch: imports.BatchView, status: int = 200, **extra: Any
    ) -> Template:
        return page(
            request,
            "intake/import_batch.html",
            status,
            rules=rules,
            batch=batch,
            fields=FIELDS,
            field_titles=FIELD_TITLES,
            column_letter=column_letter,
            plural_form=plural_form,
            networks=entry_networks(rules),
            errors=extra.pop("errors", {}),
            **extra,
        )

    @get("/{batch_id:int}", name="import.batch", opt=roles(Role.SPECIALIST))
    async def batch(self, request: Req, rules: Rules, batch_id: FromPath[int]) -> Template:
        """The preview with the mapping form, the progress, or the result."""
        return self._batch_page(request, rules, await _batch(rules, batch_id))

    @post("/{batch_id:int}", name="import.run", opt=roles(Role.SPECIALIST))
    async def run(
        self, request: Req, rules: Rules, batch_id: FromPath[int], data: Form
    ) -> Template | Redirect:
        """Start the import with the chosen mapping (remembered) and do its first step."""
        batch = await _batch(rules, batch_id)
        if batch.state == "preview":
            mapping = _mapping(data, len(batch.headers))
            problems = mapping_problems(mapping, len(batch.headers), entry_networks(rules))
            if problems:
                shown = replace(batch, mapping=mapping)
                return self._batch_page(request, rules, shown, 400, errors=problems)
            await imports.start_import(rules.id, batch_id, mapping)
        return await self._step(request, rules, batch_id)

    @post("/{batch_id:int}/continue", name="import.continue", opt=roles(Role.SPECIALIST))
    async def resume(
        self, request: Req, rules: Rules, batch_id: FromPath[int]
    ) -> Template | Redirect | ClientRedirect:
        """The next step of an import under way (the progress block posts it by itself)."""
        await _batch(rules, batch_id)
        return await self._step(request, rules, batch_id)

    async def _step(self, request: Req, rules: Rules, batch_id: int) -> Any:
        user = request.state["current_user"]
        actor = EventActor(user.id, str(Role.SPECIALIST))
        batch = await imports.run_step(rules, batch_id, actor)
        target = request.app.route_reverse("import.batch", org_slug=rules.slug, batch_id=batch_id)
        if batch.done or batch.state == "preview":
            return ClientRedirect(target) if request.htmx else Redirect(target)
        if request.htmx:
            return page(request, "intake/_import_progress.html", rules=rules, batch=batch)
        return self._batch_page(request, rules, batch)
