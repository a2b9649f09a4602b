"""`python -m app.cli`: the same as the `otklik` command."""

from app.cli.main import main

main()
