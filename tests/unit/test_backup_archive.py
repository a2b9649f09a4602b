"""The backup archive's pure parts: a database password never goes on a command line, and
member names cannot leave the staging folder."""

from __future__ import annotations

from app.cli.backup import _safe_name, _without_password


def test_password_travels_in_the_environment_not_in_the_arguments() -> None:
    url, env = _without_password("postgresql://otk:p%40ss@db.example:5433/otklik?sslmode=require")
    assert url == "postgresql://otk@db.example:5433/otklik?sslmode=require"
    assert env["PGPASSWORD"] == "p@ss"
    local = "postgresql://postgres@/otklik?host=/tmp/pg"
    assert _without_password(local)[0] == local


def test_member_names_stay_inside_the_archive() -> None:
    assert _safe_name("media/penza/7/photo.jpg")
    assert not _safe_name("../etc/passwd")
    assert not _safe_name("/etc/passwd")
    assert not _safe_name("media/../../x")
    assert not _safe_name("media//x")
