"""What a signature check found, and how it is said: the same lines on the /verify page and in
`otklik verify`. Works for both kinds: PAdES (the signature inside the PDF) and a detached
CMS signature (`report.pdf` + `report.pdf.sig`, GOST R 34.10-2012)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.signature.certificate import CertificateFacts, validity_problem


class SignatureKind(StrEnum):
    """Where the signature lives."""

    PADES = "pades"  # inside the PDF
    DETACHED = "detached"  # a separate .sig file (CMS SignedData)


@dataclass(frozen=True)
class Verdict:
    """The answer of a signature check. `problem` is set when no signature could be read."""

    kind: SignatureKind
    signed: bool
    problem: str = ""
    matches: bool = False  # the file is the one signed, byte for byte
    signature_valid: bool = False  # the signature is made with the certificate's key
    signer: CertificateFacts | None = None
    signed_at: datetime | None = None
    trusted: bool = False  # chains to a trusted root (or is an organisation's own key)
    trust_note: str = ""  # why not, when not

    @property
    def valid_at_signing(self) -> bool:
        """The certificate was in force at the signing time it states."""
        if self.signer is None or self.signed_at is None:
            return False
        return validity_problem(self.signer, self.signed_at) is None

    @property
    def ok(self) -> bool:
        """Everything a recipient relies on holds."""
        return (
            self.signed
            and self.matches
            and self.signature_valid
            and self.valid_at_signing
            and self.trusted
        )


def verdict_lines(verdict: Verdict, when: str) -> list[tuple[bool, str]]:
    """(good?, Russian line) for each finding; `when` is the signing time as the reader's
    zone shows it ("" when the signature states none)."""
    if not verdict.signed:
        return [(False, verdict.problem or "Подписи нет.")]
    lines: list[tuple[bool, str]] = []
    if verdict.problem:
        lines.append((False, verdict.problem))
    kind = (
        "Подпись встроена в PDF (PAdES)."
        if verdict.kind is SignatureKind.PADES
        else "Откреплённая подпись CMS (файл .sig)."
    )
    lines.append((True, kind))
    if verdict.matches:
        lines.append((True, "Файл совпадает с подписанным: не изменён после подписания."))
    else:
        lines.append(
            (
                False,
                "Файл НЕ совпадает с подписанным: он изменён после подписания "
                "или подпись сделана для другого файла.",
            )
        )
    if verdict.signature_valid:
        lines.append((True, "Подпись математически верна: сделана ключом сертификата."))
    elif verdict.matches:
        lines.append((False, "Подпись повреждена: её не удаётся проверить ключом сертификата."))
    signer = verdict.signer
    if signer is not None:
        lines.append((True, f"Подписал: {signer.owner}"))
        ids = ", ".join(f"{name} {value}" for name, value in signer.identifiers.items())
        if ids:
            lines.append((True, ids))
        lines.append((True, f"Сертификат № {signer.serial_hex.upper()}, {signer.algorithm_title}"))
        lines.append((True, f"Издатель: {signer.issuer}"))
    if when:
        lines.append((True, f"Когда: {when}"))
    if signer is not None and verdict.signed_at is not None:
        problem = validity_problem(signer, verdict.signed_at)
        lines.append(
            (False, f"На момент подписания: {problem}")
            if problem
            else (True, "Сертификат действовал на момент подписания.")
        )
    elif signer is not None:
        lines.append((False, "В подписи нет времени подписания: срок сертификата не проверить."))
    lines.append(
        (True, "Сертификат ведёт к доверенному корневому сертификату.")
        if verdict.trusted
        else (False, verdict.trust_note or "Сертификат не ведёт к доверенному сертификату.")
    )
    return lines
