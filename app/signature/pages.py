"""The pages of electronic signatures: the admin's «Электронная подпись» (how the organisation
signs its reports, trusted roots, a test signature) and /verify (anyone signed in checks a
signed report: a PDF with its signature inside, or any file with its .sig).

Files are read into memory within the bounds of what they can be (a key 64 KB, a
certificate 256 KB, a document 20 MB, a signature 1 MB); a request larger than its form
can be is refused before it is read."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.domain.roles import Role
from app.domain.signature.certificate import SigningError
from app.domain.signature.verdict import verdict_lines
from app.journal.events import EventActor
from app.signature import admin_actions
from app.signature.cms import MAX_CERTIFICATE_BYTES, MAX_SIGNATURE_BYTES
from app.signature.profiles import MAX_KEY_BYTES
from app.signature.verify import MAX_FILE_BYTES, verify_document
from app.web.admin_frame import ADMIN, ADMIN_DEPENDENCIES, admin_page, done
from app.web.deps import CurrentActor, Req, Rules
from app.web.forms import Upload, form_text
from app.web.guards import SIGNED_IN
from app.web.rendering import page

# What a form adds to its files: the CSRF token, a password, multipart boundaries.
FORM_OVERHEAD = 64 * 1024
MAX_PASSWORD = 1000


async def read_upload(data: dict[str, Any], name: str, limit: int, what: str) -> bytes:
    """The bytes of an uploaded file, at most `limit`; SigningError in Russian otherwise."""
    upload = data.get(name)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise SigningError(f"Выберите {what}.", "no_file")
    content = await upload.read(limit + 1)
    if len(content) > limit:
        raise SigningError(
            f"Файл «{_name(upload)}» больше {size_ru(limit)}: это не {what}.", "too_large"
        )
    if not content:
        raise SigningError(f"Файл «{_name(upload)}» пуст.", "empty")
    return content


def size_ru(limit: int) -> str:
    """«20 МБ», «256 КБ»: a size bound as the forms say it."""
    return f"{limit // (1024 * 1024)} МБ" if limit >= 1024 * 1024 else f"{limit // 1024} КБ"


def _name(upload: UploadFile) -> str:
    return (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1][:200]


def _admin(actor: CurrentActor) -> EventActor:
    return EventActor(actor.user_id, str(Role.ADMIN), actor.substitute_for(Role.ADMIN))


class AdminSignatureController(Controller):
    """«Электронная подпись»: the admin of the organisation in the path only."""

    path = "/o/{org_slug:str}/admin/signature"
    include_in_schema = False
    dependencies = ADMIN_DEPENDENCIES

    async def _page(
        self, request: Req, rules: Rules, status_code: int = 200, **context: Any
    ) -> Template:
        response = admin_page(
            request,
            rules,
            "signature/admin.html",
            status_code,
            settings=await admin_actions.signature_settings(rules.id),
            errors=context.pop("errors", {}),
            limits={"key": size_ru(MAX_KEY_BYTES), "certificate": size_ru(MAX_CERTIFICATE_BYTES)},
            **context,
        )
        response.headers["cache-control"] = "no-store"
        return response

    async def _refused(
        self, request: Req, rules: Rules, form: str, error: SigningError
    ) -> Template:
        return await self._page(request, rules, 400, errors={form: error.message_ru})

    @get("/", name="admin.signature", opt=ADMIN)
    async def show(self, request: Req, rules: Rules) -> Template:
        """The active profile, its certificate, the forms to change it, trusted roots."""
        return await self._page(request, rules)

    @post(
        "/pkcs12",
        name="admin.signature.pkcs12",
        opt=ADMIN,
        request_max_body_size=MAX_KEY_BYTES + FORM_OVERHEAD,
    )
    async def install_pkcs12(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Upload
    ) -> Template | Redirect:
        """Load a PKCS#12 with its password and sign with it (PAdES)."""
        try:
            content = await read_upload(data, "pkcs12", MAX_KEY_BYTES, "файл PKCS#12 (.p12, .pfx)")
            password = form_text(data, "password", MAX_PASSWORD)
            await admin_actions.install_pkcs12(rules.id, content, password, _admin(actor))
        except SigningError as error:
            return await self._refused(request, rules, "pkcs12", error)
        return done(request, rules, "admin.signature", "pades")

    @post(
        "/gost",
        name="admin.signature.gost",
        opt=ADMIN,
        request_max_body_size=MAX_KEY_BYTES + MAX_CERTIFICATE_BYTES + FORM_OVERHEAD,
    )
    async def install_gost(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Upload
    ) -> Template | Redirect:
        """Load a GOST R 34.10-2012 key (PEM) and its certificate; sign with them."""
        try:
            key = await read_upload(data, "key", MAX_KEY_BYTES, "файл закрытого ключа (PEM)")
            cert = await read_upload(
                data, "certificate", MAX_CERTIFICATE_BYTES, "файл сертификата (PEM или DER)"
            )
            await admin_actions.install_gost(rules.id, key, cert, _admin(actor))
        except SigningError as error:
            return await self._refused(request, rules, "gost", error)
        return done(request, rules, "admin.signature", "gost")

    @post("/pades", name="admin.signature.pades", opt=ADMIN)
    async def back_to_pades(
        self, request: Req, rules: Rules, actor: CurrentActor
    ) -> Template | Redirect:
        """«Вернуться к PAdES»: sign with the installed PKCS#12 again."""
        try:
            await admin_actions.back_to_pades(rules.id, _admin(actor))
        except SigningError as error:
            return await self._refused(request, rules, "pades", error)
        return done(request, rules, "admin.signature", "pades")

    @post("/check", name="admin.signature.check", opt=ADMIN)
    async def check(self, request: Req, rules: Rules) -> Template:
        """«Проверить подпись»: sign a test document as a report is signed, then verify it."""
        result = await admin_actions.try_signature(rules.id, rules.calendar.tz)
        return await self._page(request, rules, check=result)

    @post(
        "/roots",
        name="admin.signature.roots.add",
        opt=ADMIN,
        request_max_body_size=MAX_CERTIFICATE_BYTES + FORM_OVERHEAD,
    )
    async def add_root(
        self, request: Req, rules: Rules, actor: CurrentActor, data: Upload
    ) -> Template | Redirect:
        """Trust a root (or intermediate) certificate, or each of a bundle's."""
        try:
            content = await read_upload(
                data, "certificate", MAX_CERTIFICATE_BYTES, "файл сертификата (PEM или DER)"
            )
            added = await admin_actions.add_trusted(rules.id, content, _admin(actor))
        except SigningError as error:
            return await self._refused(request, rules, "roots", error)
        return done(request, rules, "admin.signature", "trusted" if added else "known")

    @post("/roots/{root_id:int}/delete", name="admin.signature.root.delete", opt=ADMIN)
    async def remove_root(
        self, request: Req, rules: Rules, actor: CurrentActor, root_id: FromPath[int]
    ) -> Redirect:
        """Stop trusting a certificate (another organisation's id is «not found»)."""
        if not await admin_actions.remove_trusted(rules.id, root_id, _admin(actor)):
            raise NotFoundException()
        return done(request, rules, "admin.signature", "deleted")


# -- /verify --------------------------------------------------------------------------------

NOT_PDF = (
    "Это не PDF. Подпись файла XLSX (и любого другого, кроме PDF) лежит отдельно: "
    "выберите и файл подписи .sig."
)


class VerifyController(Controller):
    """The signature check: any signed-in user uploads a report (and its .sig)."""

    path = "/verify"
    include_in_schema = False

    def _page(self, request: Req, status_code: int = 200, **context: Any) -> Template:
        limits = {"file": size_ru(MAX_FILE_BYTES), "signature": size_ru(MAX_SIGNATURE_BYTES)}
        return page(request, "signature/verify.html", status_code, limits=limits, **context)

    @get("/", name="verify", opt=SIGNED_IN)
    async def form(self, request: Req) -> Template:
        """The upload form."""
        return self._page(request)

    @post(
        "/",
        name="verify.check",
        opt=SIGNED_IN,
        request_max_body_size=MAX_FILE_BYTES + MAX_SIGNATURE_BYTES + FORM_OVERHEAD,
    )
    async def check(self, request: Req, data: Upload) -> Template:
        """Who signed, when, whether the file is the one signed and the certificate trusted:
        trust by the roots the user's organisations loaded (and their own certificates)."""
        has_signature = isinstance(data.get("signature"), UploadFile) and bool(
            data["signature"].filename
        )
        try:
            content = await read_upload(data, "file", MAX_FILE_BYTES, "подписанный документ")
            signature = (
                await read_upload(data, "signature", MAX_SIGNATURE_BYTES, "файл подписи .sig")
                if has_signature
                else None
            )
            if signature is None and not content.startswith(b"%PDF-"):
                raise SigningError(NOT_PDF, "not_pdf")
        except SigningError as error:
            return self._page(request, 400, error=error.message_ru)
        user = request.state["current_user"]
        organisations = sorted({m.organisation_id for m in user.memberships})
        verdict = await verify_document(content, signature, organisations)
        when = admin_actions.signing_time(verdict.signed_at, admin_actions.MOSCOW)
        return self._page(
            request,
            verdict=verdict,
            lines=verdict_lines(verdict, when),
            filename=_name(data["file"]),
            signature_name=_name(data["signature"]) if has_signature else "",
        )
