"""Otklik: monitoring and response to citizens' messages (see docs/architecture.md)."""
