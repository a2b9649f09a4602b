"""HTTP layer: controllers, guards, sessions, rendering."""
