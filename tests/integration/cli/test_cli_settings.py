"""`otklik signing set` and `otklik profile check`: an organisation's settings from files."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from app.core.config import PROJECT_ROOT
from app.db.tables import SigningKey
from app.identity.organisations import organisation_rules
from app.reporting.archive import sign
from app.reporting.rendering import html_to_pdf
from app.signature.keys import known_roots
from app.signature.pades import demo_pkcs12, verify_pdf
from tests.integration.cases_helpers import org_id
from tests.integration.cli.test_cli import otklik

PENZA_PROFILE = PROJECT_ROOT / "app" / "domain" / "regulation" / "profiles" / "penza-2020.toml"


async def test_signing_set_installs_a_pkcs12_that_then_signs_reports(
    demo: None, tmp_path: Path
) -> None:
    data, password = demo_pkcs12("МКУ «Центр» г. Пензы", datetime.now(UTC))
    (tmp_path / "key.p12").write_bytes(data)
    (tmp_path / "wrong.txt").write_text("not the password\n")
    (tmp_path / "password.txt").write_bytes(password + b"\n")
    key = ["signing", "set", "--org", "penza", "--p12-file", str(tmp_path / "key.p12")]

    refused = otklik(*key, "--password-file", str(tmp_path / "wrong.txt"))
    assert refused.returncode == 1 and "парол" in refused.stderr.lower()
    penza = await org_id("penza")
    before = await SigningKey.select().where(SigningKey.organisation == penza).first()
    assert before is None or before["is_demo"]  # a refused file changes nothing

    done = otklik(*key, "--password-file", str(tmp_path / "password.txt"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Ключ подписи установлен: МКУ «Центр» г. Пензы")
    row = await SigningKey.select().where(SigningKey.organisation == penza).first()
    assert row is not None and not row["is_demo"]
    pdf = html_to_pdf("<p>Отчёт</p>")
    signed = await sign(await organisation_rules(penza), pdf, "pdf", "т")
    assert signed.signer.startswith("МКУ «Центр» г. Пензы") and signed.signature is None
    assert (await verify_pdf(signed.data, await known_roots())).ok


def test_signing_set_refuses_a_missing_organisation_or_file(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text("x")
    missing = otklik(
        "signing",
        "set",
        "--org",
        "penza",
        "--p12-file",
        str(tmp_path / "no.p12"),
        "--password-file",
        str(tmp_path / "p.txt"),
    )
    assert missing.returncode == 1 and "не найден" in missing.stderr


def test_profile_check_accepts_the_shipped_profile_as_toml_and_json(tmp_path: Path) -> None:
    toml = otklik("profile", "check", str(PENZA_PROFILE))
    assert toml.returncode == 0, toml.stderr
    assert "(penza-2020) пригоден для работы" in toml.stdout
    as_json = tmp_path / "penza.json"
    as_json.write_text(json.dumps(tomllib.loads(PENZA_PROFILE.read_text()), ensure_ascii=False))
    assert otklik("profile", "check", str(as_json)).stdout == toml.stdout


def test_profile_check_refuses_unreadable_or_impossible_profiles(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("code = ")
    unreadable = otklik("profile", "check", str(broken))
    assert unreadable.returncode == 1 and "не читается" in unreadable.stderr
    impossible = tmp_path / "impossible.toml"
    impossible.write_text('code = "x"\n')
    refused = otklik("profile", "check", str(impossible))
    assert refused.returncode == 1 and "Регламент" in refused.stderr
    assert "Traceback" not in refused.stderr
