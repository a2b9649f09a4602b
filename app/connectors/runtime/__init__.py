"""How the connectors run in the worker: passes over accounts (`polling`), the permanent
long-poll loops (`loops`), the leases that give each account to one process (`leases`), and
the shared HTTP clients (`http`)."""
