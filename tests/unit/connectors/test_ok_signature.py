"""OK's request signature against a published worked example (issue #14)."""

from __future__ import annotations

import pytest

from app.connectors.base import ConnectorError
from app.connectors.ok import credentials, signature


def test_signature_matches_the_published_server_server_example() -> None:
    # The worked example of the server-server scheme in aiookru's documentation
    # (konstantintogoi.github.io/aiookru/api): session secret
    # md5(access_token + application_secret_key) = b1a2b897…, sig = 232c8eb9….
    creds = credentials(
        "-s-84W-s3egarWUsbkq-IWTucuedzTKT8VUXIA.s4Xx8IW7:ABCDEFGHIGKLMNOPK:ABC123DEF456GHI789JKL123"
    )
    params = {"application_key": "ABCDEFGHIGKLMNOPK", "format": "json", "method": "events.get"}
    assert signature(params, creds) == "232c8eb921951c4dba9b72606f9ddb4c"
    # access_token never takes part in the signature
    assert signature({**params, "access_token": creds.access_token}, creds) == (
        "232c8eb921951c4dba9b72606f9ddb4c"
    )


@pytest.mark.parametrize("token", ["", "only-token", "a:b", "a::c", "a:b:c:d"])
def test_a_malformed_token_is_refused_in_russian(token: str) -> None:
    with pytest.raises(ConnectorError, match="ACCESS_TOKEN:APPLICATION_KEY:APPLICATION_SECRET"):
        credentials(token)
