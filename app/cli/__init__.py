"""The `otklik` console command (entry point: app.cli.main:main)."""
