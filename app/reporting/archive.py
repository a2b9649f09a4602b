"""Reports made and archived: summary and violations, PDF (signed) or XLSX, one code path
for the web, the CLI and the worker's schedule. Files live under var_dir/reports/<org>/."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio.to_thread

from app.core import clock
from app.core.config import get_settings
from app.db.tables import Report
from app.identity.organisations import OrganisationRules
from app.reporting import charts
from app.reporting.periods import Period, PeriodError, parse_period
from app.reporting.rendering import render_pdf
from app.reporting.summary import SummaryReport, build_summary, build_violations
from app.reporting.xlsx import summary_xlsx, violations_xlsx
from app.signature.signer import SignedFile, sign_file, stamp_for

KINDS = ("summary", "violations")
FORMATS = ("pdf", "xlsx")
TITLES = {
    "summary": "Сводная информация",
    "violations": "Информация о нарушениях",
    "immediate": "Срочный доклад",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ReportFile:
    """One archived report file."""

    id: int
    organisation_id: int
    kind: str
    period: str
    file_format: str
    path: Path
    signer: str
    created_at: datetime
    size: int
    signature_path: Path | None = None  # the detached CMS signature beside the file

    @property
    def title(self) -> str:
        """Russian title of the kind."""
        return TITLES.get(self.kind, self.kind)

    @property
    def period_title(self) -> str:
        """The period as read: «неделя 48, 23–29 ноября 2026», «ноябрь 2026» (— for none)."""
        try:
            return parse_period(self.period).title if self.period else "—"
        except PeriodError:
            return self.period

    @property
    def filename(self) -> str:
        """The download's file name."""
        tail = f"-{self.period}" if self.period else f"-{self.id}"
        return f"otklik-{self.kind}{tail}.{self.file_format}"

    @property
    def signature_filename(self) -> str:
        """The detached signature's download name: the file's name + «.sig»."""
        return f"{self.filename}.sig"


def summary_charts(report: SummaryReport) -> dict[str, str]:
    """The summary's charts as data URIs (the PDF and the web page show the same)."""
    d = report.dynamics
    return {
        "trend": charts.trend_chart(d.trend, "Последние периоды"),
        "topics": charts.compare_chart(d.by_topic, "Темы: отчётный и предыдущий период"),
    }


async def sign(rules: OrganisationRules, data: bytes, file_format: str, reason: str) -> SignedFile:
    """Sign with the organisation's profile (PAdES inside a PDF, or a detached GOST CMS)."""
    return await sign_file(rules.id, data, file_format, reason, rules.name)


async def render(
    rules: OrganisationRules,
    kind: str,
    period: Period,
    file_format: str,
    department_id: int | None = None,
) -> SignedFile:
    """The report's file, signed as the organisation's profile says."""
    reason = f"{TITLES[kind]}: {period.title}"
    if kind == "summary":
        summary = await build_summary(rules, period, department_id)
        if file_format == "xlsx":
            data = await anyio.to_thread.run_sync(summary_xlsx, summary)
            return await sign(rules, data, file_format, reason)
        pdf = await render_pdf(
            "reporting/summary_pdf.html",
            report=summary,
            header=summary.header,
            charts=summary_charts(summary),
            stamp=await stamp_for(rules.id),
        )
    else:
        violations = await build_violations(rules, period)
        if file_format == "xlsx":
            data = await anyio.to_thread.run_sync(violations_xlsx, violations)
            return await sign(rules, data, file_format, reason)
        pdf = await render_pdf(
            "reporting/violations_pdf.html",
            report=violations,
            header=violations.header,
            stamp=await stamp_for(rules.id),
        )
    return await sign(rules, pdf, file_format, reason)


def _write(relative: str, data: bytes) -> None:
    path = get_settings().var_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


async def archive(
    organisation_id: int,
    kind: str,
    signed: SignedFile,
    file_format: str,
    *,
    period: Period | None,
    bounds: tuple[datetime, datetime] | None,
    created_by: int | None,
    dedup_key: str | None = None,
) -> ReportFile | None:
    """Write the file (and its detached signature beside it, `<file>.sig`) and record it;
    None when `dedup_key` was already archived."""
    token = secrets.token_hex(8)
    code = period.code if period else ""
    relative = f"reports/{organisation_id}/{kind}-{code or 'doc'}-{token}.{file_format}"
    data = signed.data
    await anyio.to_thread.run_sync(_write, relative, data)
    signature_path = ""
    if signed.signature is not None:
        signature_path = relative + ".sig"
        await anyio.to_thread.run_sync(_write, signature_path, signed.signature)
    inserted = (
        await Report.insert(
            Report(
                organisation=organisation_id,
                kind=kind,
                period=code,
                period_start=bounds[0] if bounds else None,
                period_end=bounds[1] if bounds else None,
                file_format=file_format,
                path=relative,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                signer=signed.signer,
                signature_path=signature_path,
                created_by=created_by,
                created_at=clock.now(),
                dedup_key=dedup_key or f"demand:{token}",
            )
        )
        .on_conflict(target=Report.dedup_key, action="DO NOTHING")
        .returning(Report.id)
    )
    if not inserted:  # another worker archived it first: keep theirs
        (get_settings().var_dir / relative).unlink(missing_ok=True)
        if signature_path:
            (get_settings().var_dir / signature_path).unlink(missing_ok=True)
        return None
    return await report_file(organisation_id, inserted[0]["id"])


async def produce(
    rules: OrganisationRules,
    kind: str,
    period: Period,
    file_format: str = "pdf",
    *,
    department_id: int | None = None,
    created_by: int | None = None,
    dedup_key: str | None = None,
) -> ReportFile | None:
    """Compute, render, sign and archive one report (None: `dedup_key` already done)."""
    if kind not in KINDS or file_format not in FORMATS:
        raise ValueError(f"unknown report {kind}/{file_format}")
    signed = await render(rules, kind, period, file_format, department_id)
    return await archive(
        rules.id,
        kind,
        signed,
        file_format,
        period=period,
        bounds=period.bounds(rules.calendar.tz),
        created_by=created_by,
        dedup_key=dedup_key,
    )


def _file(row: dict[str, Any]) -> ReportFile:
    return ReportFile(
        row["id"],
        row["organisation"],
        row["kind"],
        row["period"],
        row["file_format"],
        get_settings().var_dir / row["path"],
        row["signer"],
        row["created_at"],
        row["size"],
        get_settings().var_dir / row["signature_path"] if row["signature_path"] else None,
    )


async def report_file(organisation_id: int, report_id: int) -> ReportFile | None:
    """One archived report of the organisation (None: not there or another organisation's)."""
    row = (
        await Report.select()
        .where((Report.id == report_id) & (Report.organisation == organisation_id))
        .first()
    )
    return _file(row) if row else None


async def list_reports(organisation_id: int, limit: int = 100) -> list[ReportFile]:
    """The organisation's archive, newest first."""
    rows = (
        await Report.select()
        .where(Report.organisation == organisation_id)
        .order_by(Report.id, ascending=False)
        .limit(limit)
    )
    return [_file(r) for r in rows]
