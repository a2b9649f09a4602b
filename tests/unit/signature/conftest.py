"""The GOST test PKI of tests/integration/signature, for signature tests that need no database.

The integration folder's own tests start the embedded PostgreSQL for every test (its autouse
`clean_state`); signing through a program and checking with OpenSSL needs none of it.
"""

from tests.integration.signature.conftest import gost_pki

__all__ = ["gost_pki"]
