"""arq worker: timers and notifications. Jobs take ids and call services."""
