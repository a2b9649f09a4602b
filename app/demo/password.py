"""The password of every demo user (printed by `make run`; demo data is refused in prod)."""

DEMO_PASSWORD = "otklik-demo"  # noqa: S105
