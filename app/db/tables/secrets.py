"""Secrets at rest by name: SMTP password, networks' access tokens (sealed, AES-GCM)."""

from __future__ import annotations

from piccolo.columns import Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class StoredSecret(Table):
    """A named secret, sealed by app.core.secrets (the key id is part of the token).

    Names: "smtp-password"; network connectors use "network/<account id>/token" and the like.
    """

    id = Serial(primary_key=True)
    name = Varchar(length=200, unique=True)
    sealed_value = Text()
    updated_at = Timestamptz()
