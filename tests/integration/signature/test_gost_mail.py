"""An immediate report of an organisation that signs with GOST reaches the head's mailbox with
both files: the PDF and its detached signature (`.sig`, application/pkcs7-signature), which
OpenSSL accepts; the archive offers the signature for download beside the file."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from app.db.tables import User
from app.notify.mailer import send_pending
from app.reporting.immediate import list_immediate, send_immediate_report
from tests.integration.cases_helpers import Clock, new_message, org_id, person
from tests.integration.notify.test_notifications import Inbox, inbox, smtp_env  # noqa: F401
from tests.integration.reports_helpers import msk
from tests.integration.signature.conftest import GostPki
from tests.integration.signature.test_gost_reports import gost_profile, openssl_accepts


async def test_immediate_report_mail_carries_pdf_and_its_gost_signature(
    demo: None,
    gost_pki: GostPki,
    inbox: Inbox,  # noqa: F811
    tmp_path: Path,
) -> None:
    Clock(msk(24, 10))
    await gost_profile(gost_pki)
    await User.update({User.email: "head@penza.test"}).where(User.login == "penza-head")
    message_id = await new_message("penza", "Прорыв теплотрассы на ул. Мира, 40 домов без тепла")
    specialist = await person("penza-specialist", "penza")
    await send_immediate_report(specialist, message_id=message_id, comment="40 домов без тепла.")
    assert (await send_pending()).sent == 1
    mail: EmailMessage = inbox.messages[0]
    parts = {p.get_filename(): p for p in mail.iter_attachments()}
    [pdf_name] = [n for n in parts if n and n.endswith(".pdf")]
    sig = parts[f"{pdf_name}.sig"]
    assert sig.get_content_type() == "application/pkcs7-signature"
    (tmp_path / "r.pdf").write_bytes(parts[pdf_name].get_content())
    (tmp_path / "r.pdf.sig").write_bytes(sig.get_content())
    assert openssl_accepts(tmp_path / "r.pdf", tmp_path / "r.pdf.sig", gost_pki.ca_cert)
    [item] = await list_immediate(await org_id("penza"))
    assert item.has_signature_file
