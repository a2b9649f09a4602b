"""Reports for the head: figures (SQL), rendering (Jinja → WeasyPrint), signing (pyHanko)."""
