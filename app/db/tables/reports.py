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
