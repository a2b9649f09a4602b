"""Pure rules of electronic signatures: certificates, identifiers, verdicts, signer commands."""
