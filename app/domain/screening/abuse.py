"""Abuse and threat flags (Penza p.17, Parfino p.20) with the words that raised them.

The regulations refuse messages with intent to harm another person, obscene or insulting
language, or threats to the life, health or property of an official. These rules suggest the
reason and show the words; the specialist decides. Criticism of the administration («позор»,
«бездействует», «дороги ужасные») is a citizen's right and is never flagged: only words that
insult a person, obscene roots and threat phrases are in the lexicon.

Words are read as meant (app.domain.screening.normalise) and matched whole: obscene roots by
a whole-word pattern with the prefixes they take (so «застрахуйте», «скипидар», «оскорблять»
do not match), insults by lemma, threats as phrases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from app.domain.screening.normalise import Word, squeeze, word_list
from app.domain.screening.phrases import PhraseIndex
from app.domain.screening.result import Evidence, FlagCode
from app.domain.screening.tokens import Lemmatizer

# An insult needing an addressee counts when one stands this many words away or closer.
ADDRESSEE_WINDOW = 3
FLAG_ORDER = tuple(FlagCode)
# Words remembered with their verdict before the memory starts over (a few MB).
VERDICT_CACHE = 100_000


@dataclass(frozen=True)
class AbuseLexicon:
    """The words behind the flags (app/screening/lexicons/abuse.toml)."""

    obscene: re.Pattern[str]  # a whole word, matched on the squeezed form too
    obscene_forms: tuple[str, ...]  # common forms, most likely first, for masked words
    not_obscene: frozenset[str]  # words the obscene pattern would take but are not
    vulgar: re.Pattern[str]  # coarse words («жопа», «говно»): obscene_language, milder why
    insult_lemmas: frozenset[str]
    insult_forms: tuple[str, ...]  # the insult lemmas in lexicon order, for masked words
    insult: re.Pattern[str]  # slang insults pymorphy3 does not know
    weak_insult_lemmas: frozenset[str]  # insults only when said to someone («вы козлы»)
    addressee_forms: frozenset[str]  # «ты», «вы», «вам»…
    official_lemmas: frozenset[str]  # «мэр», «глава», «чиновник»…
    threats: PhraseIndex
    # Ordinary words with an abusive root's letters inside («скипидар», «оскорблять»), by
    # lemma: the model does not read them, as the lexicon's patterns do not match them.
    innocent_lemmas: frozenset[str] = frozenset()
    why_obscene: str = "нецензурное слово"
    why_vulgar: str = "грубое слово"
    why_insult: str = "оскорбление"
    why_weak_insult: str = "оскорбление в адрес человека"
    _verdicts: dict[tuple[str, str | None, str], tuple[str, str] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def is_obscene(self, norm: str) -> bool:
        """Whether a word (as meant, lower case) is obscene."""
        if norm in self.not_obscene:
            return False
        if self.obscene.fullmatch(norm):
            return True
        squeezed = squeeze(norm)
        return squeezed not in self.not_obscene and self.obscene.fullmatch(squeezed) is not None

    def verdict(self, norm: str, alt: str | None, lemma: str) -> tuple[str, str] | None:
        """The flag and reason a word raises by itself (remembered: words repeat)."""
        key = (norm, alt, lemma)
        cache = self._verdicts
        if key in cache:
            return cache[key]
        if len(cache) > VERDICT_CACHE:
            cache.clear()
        result: tuple[str, str] | None = None
        candidates = (norm,) if alt is None else (norm, alt)
        if any(self.is_obscene(c) for c in candidates):
            result = FlagCode.obscene_language, self.why_obscene
        elif any(self.vulgar.fullmatch(squeeze(c)) for c in candidates):
            result = FlagCode.obscene_language, self.why_vulgar
        elif lemma in self.insult_lemmas or any(self.is_insult_form(c) for c in candidates):
            result = FlagCode.insulting_language, self.why_insult
        cache[key] = result
        return result

    def forget(self) -> None:
        """Empty the memory of verdicts (a fresh process, for the benchmark's cold figures)."""
        self._verdicts.clear()

    def is_insult_form(self, norm: str) -> bool:
        """Whether a word is an insult by its form alone (slang, or a dictionary form)."""
        return (
            norm in self.insult_lemmas
            or self.insult.fullmatch(norm) is not None
            or self.insult.fullmatch(squeeze(norm)) is not None
        )

    def known(self, norm: str) -> bool:
        """Whether spaced-out letters joined into `norm` make a lexicon word."""
        return self.is_obscene(norm) or self.is_insult_form(norm)

    def masked(self, mask: re.Pattern[str]) -> tuple[str, str] | None:
        """The flag and the word a masked word stands for, if it hides a lexicon word."""
        for form in self.obscene_forms:
            if mask.fullmatch(form):
                return FlagCode.obscene_language, form
        for form in self.insult_forms:
            if mask.fullmatch(form):
                return FlagCode.insulting_language, form
        return None


@dataclass(frozen=True)
class ModelVerdict:
    """What the statistical model says of a message: probability of abuse, the words behind it."""

    score: float
    words: tuple[tuple[int, int], ...]  # offsets of the words that weighed most


# The model reads the words as meant: (start, end, word) each.
ToxicityModel = Callable[[Sequence[tuple[int, int, str]]], ModelVerdict]


@dataclass(frozen=True)
class AbuseFlags:
    """Flags in a stable order, each with at least one piece of evidence."""

    flags: tuple[str, ...]
    evidence: tuple[Evidence, ...]


def flag_abuse(
    text: str,
    lexicon: AbuseLexicon,
    lemma: Lemmatizer,
    *,
    to_official: bool = False,
    model: ToxicityModel | None = None,
    model_threshold: float = 0.5,
) -> AbuseFlags:
    """Flags of a message with their evidence.

    `to_official` says the message answers the administration, so «ты»/«вы» address an
    official. `model` adds insulting_language where the lexicon found nothing and the model is
    at least `model_threshold` sure."""
    found = word_list(text, lexicon.known)
    found.sort(key=lambda w: w.start)
    forms = [w.norm for w in found]
    lemmas = [lemma(w.norm) if w.mask is None else w.norm for w in found]
    evidence: list[Evidence] = []
    verdict_of, weak = lexicon.verdict, lexicon.weak_insult_lemmas
    for i, word in enumerate(found):
        if (
            word.mask is None
            and lemmas[i] not in weak
            and not verdict_of(word.norm, word.alt, lemmas[i])
        ):
            continue  # most words: nothing by themselves (the verdict is remembered)
        evidence.extend(_word_evidence(word, i, found, lemmas, lexicon, text))
    evidence.extend(_threats(text, found, forms, lemmas, lexicon, to_official))
    if model is not None and not evidence:
        verdict = model(
            [
                (w.start, w.end, w.norm)
                for w, lem in zip(found, lemmas, strict=True)
                if w.mask is None
                and w.norm.isalpha()
                and lem not in lexicon.innocent_lemmas
                and _model_reads(text[w.start : w.end])
            ]
        )
        if verdict.score >= model_threshold:
            for start, end in verdict.words:
                why = f"похоже на оскорбление (модель, {verdict.score:.0%})"
                evidence.append(
                    Evidence(FlagCode.insulting_language, start, end, text[start:end], why)
                )
    evidence = [replace(e, code=str(e.code)) for e in _unique(evidence)]  # plain str for JSON
    flags = tuple(str(code) for code in FLAG_ORDER if any(e.code == code for e in evidence))
    return AbuseFlags(flags, tuple(sorted(evidence, key=lambda e: (e.start, e.code))))


def _model_reads(written: str) -> bool:
    """The model learned Russian comments: it reads words of three letters or more written
    with at least one Cyrillic letter. Markup, code and Latin words («onerror», a lone «x»)
    are out of its reach (obfuscated obscenities in Latin are the lexicon's)."""
    return len(written) >= 3 and any("а" <= ch <= "я" or ch in "ёЁ" for ch in written.lower())


def _word_evidence(
    word: Word,
    i: int,
    found: Sequence[Word],
    lemmas: Sequence[str],
    lexicon: AbuseLexicon,
    text: str,
) -> list[Evidence]:
    fragment = text[word.start : word.end]
    if word.mask is not None:
        hit = lexicon.masked(word.mask)
        if hit is None:
            return []
        code, form = hit
        why = lexicon.why_obscene if code == FlagCode.obscene_language else lexicon.why_insult
        return [Evidence(code, word.start, word.end, fragment, f"{why} (скрыто: {form})")]
    verdict = lexicon.verdict(word.norm, word.alt, lemmas[i])
    if verdict is not None:
        code, why = verdict
        return [Evidence(code, word.start, word.end, fragment, why)]
    if lemmas[i] in lexicon.weak_insult_lemmas and _addressed(i, found, lemmas, lexicon):
        code, why = FlagCode.insulting_language, lexicon.why_weak_insult
        return [Evidence(code, word.start, word.end, fragment, why)]
    return []


def _addressed(i: int, found: Sequence[Word], lemmas: Sequence[str], lexicon: AbuseLexicon) -> bool:
    lo, hi = max(0, i - ADDRESSEE_WINDOW), min(len(found), i + ADDRESSEE_WINDOW + 1)
    return any(
        found[j].norm in lexicon.addressee_forms or lemmas[j] in lexicon.official_lemmas
        for j in range(lo, hi)
        if j != i
    )


def _threats(
    text: str,
    found: Sequence[Word],
    forms: Sequence[str],
    lemmas: Sequence[str],
    lexicon: AbuseLexicon,
    to_official: bool,
) -> list[Evidence]:
    result: list[Evidence] = []
    matches = list(lexicon.threats.find(forms, lemmas))
    if not matches:
        return result
    officials = [j for j, lem in enumerate(lemmas) if lem in lexicon.official_lemmas]
    for match in matches:
        start, end = found[match.first].start, found[match.last].end
        fragment = text[start:end]
        official = _nearest(officials, match.first)
        if official is not None or to_official:
            whom = f" рядом с „{found[official].raw}“" if official is not None else ""
            why = f"угроза должностному лицу: „{fragment}“{whom}"
            result.append(Evidence(FlagCode.threat_to_official, start, end, fragment, why))
        if match.phrase.kind == "harm" or (official is None and not to_official):
            why = f"{match.phrase.why_ru or 'намерение причинить вред'}: „{fragment}“"
            result.append(Evidence(FlagCode.harm_intent, start, end, fragment, why))
    return result


def _nearest(positions: Sequence[int], i: int) -> int | None:
    return min(positions, key=lambda j: abs(j - i)) if positions else None


def _unique(evidence: list[Evidence]) -> list[Evidence]:
    seen: set[tuple[str, int, int]] = set()
    result = []
    for item in evidence:
        key = (item.code, item.start, item.end)
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result
