"""Pure rules of electronic signatures: certificates, validity, verdicts, templates."""
