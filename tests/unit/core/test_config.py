"""Settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.config import ConfigError, get_settings


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Settings read anew from a controlled environment, restored afterwards."""
    monkeypatch.setenv("OTKLIK_VAR_DIR", str(tmp_path))
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_prod_refuses_to_start_without_secret_key(fresh_settings, monkeypatch) -> None:
    monkeypatch.setenv("OTKLIK_ENV", "prod")
    with pytest.raises(ConfigError, match="SECRET_KEY is required"):
        get_settings()


def test_prod_refuses_a_short_secret_key(fresh_settings, monkeypatch) -> None:
    monkeypatch.setenv("OTKLIK_ENV", "prod")
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="at least 32"):
        get_settings()


def test_dev_generates_a_secret_key_once_and_keeps_it(
    fresh_settings, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("OTKLIK_ENV", "dev")
    first = get_settings().secret_key
    get_settings.cache_clear()
    assert get_settings().secret_key == first
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_unknown_environment_is_refused(fresh_settings, monkeypatch) -> None:
    monkeypatch.setenv("OTKLIK_ENV", "staging")
    with pytest.raises(ConfigError, match="OTKLIK_ENV"):
        get_settings()


def test_urls_host_and_port_come_from_the_environment(fresh_settings, monkeypatch) -> None:
    monkeypatch.setenv("OTKLIK_ENV", "prod")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/otklik")
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/0")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9000")
    settings = get_settings()
    assert settings.is_prod
    assert settings.database_url == "postgresql://u:p@db/otklik"
    assert settings.redis_url == "redis://redis:6379/0"
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)


def test_project_root_holds_templates_static_and_migrations() -> None:
    from app.core.config import PROJECT_ROOT

    assert (PROJECT_ROOT / "templates" / "base.html").is_file()
    assert (PROJECT_ROOT / "static").is_dir()
    assert (PROJECT_ROOT / "migrations").is_dir()


def test_the_webhook_address_defaults_to_the_base_url(fresh_settings, monkeypatch) -> None:
    monkeypatch.setenv("BASE_URL", "https://otklik.example.ru/")
    monkeypatch.delenv("OTKLIK_PUBLIC_URL", raising=False)
    assert get_settings().public_url == "https://otklik.example.ru"
    monkeypatch.setenv("OTKLIK_PUBLIC_URL", " https://hooks.example.ru/ ")
    get_settings.cache_clear()
    assert get_settings().public_url == "https://hooks.example.ru"
