"""Reports: the archive of made reports, immediate reports to the head, signing keys."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from app.db.tables.cases import Message
from app.db.tables.organisation import Organisation, User
from app.db.tables.oversight import ActivityAlert


class Report(Table):
    """An archived report file (summary, violations or immediate), one row per file."""

    class Kind(StrEnum):
        summary = "summary"
        violations = "violations"
        immediate = "immediate"

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    kind = Varchar(length=20, choices=Kind)
    period = Varchar(length=20, default="")  # 2026-W47, 2026-11 ("" for immediate)
    period_start = Timestamptz(null=True, default=None)
    period_end = Timestamptz(null=True, default=None)
    file_format = Varchar(length=10, default="pdf")  # pdf | xlsx
    path = Varchar(length=500)  # relative to var_dir
    sha256 = Varchar(length=64, default="")
    size = Integer(default=0)
    signer = Varchar(length=300, default="")  # the certificate's subject ("" = unsigned)
    created_by = ForeignKey(User, null=True, default=None)  # None = the worker's schedule
    created_at = Timestamptz()
    # "scheduled:org:kind:period:format" for the worker's deliveries (exactly once);
    # a random key for reports made on demand.
    dedup_key = Varchar(length=200, unique=True)
    # The detached CMS signature beside the file (GOST profiles): relative to var_dir, "" none.
    signature_path = Varchar(length=500, default="")


class ImmediateReport(Table):
    """A «Срочный доклад главе» (Penza p.21, Parfino p.24): sent, acknowledged, reminded."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    message = ForeignKey(Message, null=True, default=None)
    alert = ForeignKey(ActivityAlert, null=True, default=None)
    comment = Text(default="")
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz()
    report = ForeignKey(Report, null=True, default=None)  # the one-page signed PDF
    acknowledged_at = Timestamptz(null=True, default=None)
    acknowledged_by = ForeignKey(User, null=True, default=None)
    reminded_at = Timestamptz(null=True, default=None)


class SigningKey(Table):
    """An organisation's signing certificate and key (PKCS#12, sealed at rest)."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, unique=True)
    subject = Varchar(length=300)
    not_after = Timestamptz()
    is_demo = Boolean(default=False)
    # Sealed (app.core.secrets, AES-GCM; Fernet before) PKCS#12 file and its password.
    sealed_pkcs12 = Text()
    sealed_password = Text(default="")
    uploaded_by = ForeignKey(User, null=True, default=None)
    uploaded_at = Timestamptz()


class SigningProfile(Table):
    """How an organisation signs its reports (one active kind): `pades` (the PKCS#12 of
    SigningKey), `gost-openssl` (a GOST 2012 key and certificate, key sealed at rest) or
    `gost-command` (an external signer such as CryptoPro's cryptcp; the server has no key).
    No row: `pades` with the organisation's SigningKey (the demo's)."""

    class Kind(StrEnum):
        pades = "pades"
        gost_openssl = "gost-openssl"
        gost_command = "gost-command"

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, unique=True)
    kind = Varchar(length=20, choices=Kind, default=Kind.pades)
    # The signer's certificate (PEM, with its chain) for GOST kinds: checked for validity
    # before each signing, drawn in the PDF's stamp.
    certificate_pem = Text(default="")
    subject = Varchar(length=300, default="")
    serial = Varchar(length=100, default="")
    not_before = Timestamptz(null=True, default=None)
    not_after = Timestamptz(null=True, default=None)
    sealed_key = Text(default="")  # gost-openssl: the private key PEM (app.core.secrets)
    command = Text(default="")  # gost-command: the template with {in} and {out}
    command_timeout = Integer(default=60)  # seconds
    updated_by = ForeignKey(User, null=True, default=None)
    updated_at = Timestamptz(null=True, default=None)


class TrustedRoot(Table):
    """A root (or intermediate) certificate the organisation's admin trusts for verifying
    signatures, e.g. an accredited CA's root; none are bundled."""

    id = Serial(primary_key=True)
    organisation = ForeignKey(Organisation, null=False, index=True)
    subject = Varchar(length=300)
    serial = Varchar(length=100)
    not_after = Timestamptz(null=True, default=None)
    certificate_pem = Text()
    fingerprint = Varchar(length=64)  # SHA-256 of the DER, unique per organisation
    added_by = ForeignKey(User, null=True, default=None)
    added_at = Timestamptz(null=True, default=None)
