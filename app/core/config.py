"""One settings object, read from the environment once and cached."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("dev", "test", "prod")


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration."""


@dataclass(frozen=True)
class Settings:
    """Everything the app and the worker read from the environment."""

    env: str
    database_url: str | None
    redis_url: str | None
    secret_key: str
    host: str
    port: int
    var_dir: Path
    media_dir: Path
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str
    smtp_tls: bool
    base_url: str
    # Reverse proxies whose X-Forwarded-For is believed (OTKLIK_TRUSTED_PROXIES, comma-separated).
    trusted_proxies: frozenset[str] = frozenset()
    # The AES-GCM key file of secrets at rest (OTKLIK_KEY_FILE; dev/test: var/secrets.key;
    # prod without it: a key derived from SECRET_KEY). See app.core.keyring.
    key_file: Path | None = None
    # The address networks call in webhook mode (OTKLIK_PUBLIC_URL; default BASE_URL): an
    # intranet portal publishes only /hooks/ through a reverse proxy at this address.
    public_url: str = ""

    @property
    def is_prod(self) -> bool:
        """Production hardening (secure cookies, no demo data) is on."""
        return self.env == "prod"


def _secret_key(env: str, var_dir: Path) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if env == "prod" and len(key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production")
        return key
    if env == "prod":
        raise ConfigError("SECRET_KEY is required when OTKLIK_ENV=prod")
    # Dev and test: one key generated on first run and kept, so sessions survive restarts.
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _key_file(env: str, var_dir: Path) -> Path | None:
    raw = os.environ.get("OTKLIK_KEY_FILE", "").strip()
    if raw:
        return Path(raw).resolve()
    return None if env == "prod" else var_dir / "secrets.key"


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment (tests set it first and call get_settings.cache_clear())."""
    env = os.environ.get("OTKLIK_ENV", "dev").strip() or "dev"
    if env not in ENVIRONMENTS:
        raise ConfigError(f"OTKLIK_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    var_dir = Path(os.environ.get("OTKLIK_VAR_DIR") or PROJECT_ROOT / "var").resolve()
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    base_url = os.environ.get("BASE_URL", f"http://{host}:{port}").rstrip("/")
    return Settings(
        env=env,
        database_url=os.environ.get("DATABASE_URL") or None,
        redis_url=os.environ.get("REDIS_URL") or None,
        secret_key=_secret_key(env, var_dir),
        host=host,
        port=port,
        var_dir=var_dir,
        media_dir=Path(os.environ.get("OTKLIK_MEDIA_DIR") or var_dir / "media").resolve(),
        smtp_host=os.environ.get("SMTP_HOST") or None,
        smtp_port=int(os.environ.get("SMTP_PORT", "25")),
        smtp_user=os.environ.get("SMTP_USER") or None,
        smtp_password=os.environ.get("SMTP_PASSWORD") or None,
        smtp_from=os.environ.get("SMTP_FROM", "otklik@localhost"),
        smtp_tls=_flag("SMTP_TLS", False),
        base_url=base_url,
        trusted_proxies=frozenset(
            p.strip() for p in os.environ.get("OTKLIK_TRUSTED_PROXIES", "").split(",") if p.strip()
        ),
        key_file=_key_file(env, var_dir),
        public_url=(os.environ.get("OTKLIK_PUBLIC_URL", "").strip() or base_url).rstrip("/"),
    )
