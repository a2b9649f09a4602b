"""Use-cases: load → domain → save → log event → publish change."""
