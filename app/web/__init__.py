"""The shared web layer: dependencies, guards, sessions, forms, rendering, errors, sign-in."""
