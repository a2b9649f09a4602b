"""The one base of every error a person sees: a Russian message and a stable code.

Services raise a subclass (CaseError, MediaError, …); handlers catch UserError (or the
subclass they expect) and show `message_ru` as it is. `code` is for tests and logs, and
`detail` (English, optional) is what the exception says in a log or a traceback.
This module is pure: the domain's errors derive from it too.
"""

from __future__ import annotations


class UserError(ValueError):
    """An action refused for a reason the person can act on; nothing was changed."""

    default_ru = "Действие не выполнено."
    default_code = "refused"

    def __init__(
        self, message_ru: str | None = None, code: str | None = None, *, detail: str | None = None
    ) -> None:
        self.message_ru = message_ru or self.default_ru
        self.code = code or self.default_code
        super().__init__(detail or self.message_ru)


class FieldErrors(UserError):
    """A form refused field by field: Russian messages by field name ("" = the whole form)."""

    def __init__(self, errors: dict[str, str], *, detail: str | None = None) -> None:
        self.errors = errors
        super().__init__(" ".join(errors.values()), "invalid", detail=detail)
