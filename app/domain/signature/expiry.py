"""When the admin is warned about the signing certificate's end.

A qualified certificate is reissued by the CA in days, not minutes (an application, an
identity check); once it has expired, reports are not signed (and so not made). A month
ahead leaves time to order the new one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.domain.russian import plural_form
from app.domain.signature.certificate import CertificateFacts, validity_problem

WARN_BEFORE = timedelta(days=30)


def expiry_warning(facts: CertificateFacts, at: datetime) -> str | None:
    """A Russian warning when the certificate is out of its validity at `at` or ends within
    WARN_BEFORE; None when it is good for longer."""
    problem = validity_problem(facts, at)
    if problem:
        return f"{problem} Отчёты не подписываются: установите действующий сертификат."
    left = facts.not_after - at
    if left > WARN_BEFORE:
        return None
    days = left // timedelta(days=1)  # whole days left
    when = (
        "менее чем через сутки"
        if days < 1
        else f"через {days} {plural_form(days, 'день', 'дня', 'дней')}"
    )
    return (
        f"Срок действия сертификата заканчивается {when} "
        f"({facts.not_after.strftime('%d.%m.%Y')}): закажите новый в удостоверяющем центре "
        "заранее, без действующего сертификата отчёты не формируются."
    )
