"""Networks of the profiles (Penza p.4, Parfino p.3), publication links, topics (Parfino p.7)."""

from __future__ import annotations

import pytest

from app.domain.intake import IntakeError, validate_incoming
from app.domain.networks import (
    NETWORK_HOSTS,
    NETWORKS,
    accepted_networks,
    publication_link_problem,
    thread_of,
)
from app.domain.regulation import load_profile
from app.domain.topics import TopicEntry, missing_topic_ru, resolve_topics, suggestions_for

PENZA, PARFINO = load_profile("penza-2020"), load_profile("parfino-2020")


def test_penza_p4_parfino_p3_accepted_networks_are_the_profiles_plus_the_enabled() -> None:
    assert accepted_networks(PENZA.networks, ()) == {"ok", "vk", "facebook", "twitter", "instagram"}
    assert accepted_networks(PARFINO.networks, ["telegram", "max"]) == {
        "ok", "vk", "facebook", "instagram", "telegram", "max"
    }  # fmt: skip
    assert set(NETWORK_HOSTS) <= set(NETWORKS)


def test_penza_p4_message_from_a_network_not_accepted_is_refused_with_the_clause() -> None:
    raw = {"network": "telegram", "text": "Нет света"}
    with pytest.raises(IntakeError) as refused:
        validate_incoming(raw, accepted=accepted_networks(PENZA.networks, ()), networks_clause="4")
    assert set(refused.value.errors) == {"network"}
    assert "«Telegram» не входит в перечень" in refused.value.errors["network"]
    assert "п. 4" in refused.value.errors["network"]
    enabled = accepted_networks(PENZA.networks, ["telegram"])
    assert validate_incoming(raw, accepted=enabled).network == "telegram"
    assert validate_incoming(raw).network == "telegram"  # no organisation given: not checked


@pytest.mark.parametrize(
    ("network", "link"),
    [
        ("vk", "https://vk.com/wall-1_100?reply=5"),
        ("vk", "https://m.vk.com/wall-1_100?reply=5"),
        ("ok", "https://ok.ru/group/1/topic/2?reply=3"),
        ("telegram", "https://t.me/penza_chat/41000"),
        ("max", "https://max.ru/penza/AZ12"),
        ("other", "https://example.org/forum/1"),
    ],
)
def test_publication_link_in_the_messages_network_is_accepted(network: str, link: str) -> None:
    assert publication_link_problem(network, "", link) is None


@pytest.mark.parametrize(
    ("network", "link"),
    [
        ("vk", "https://ok.ru/group/1/topic/2"),
        ("vk", "https://evilvk.com/wall-1_100"),
        ("ok", "https://vk.com/wall-1_100"),
        ("telegram", "https://max.ru/penza/1"),
        ("max", "https://t.me/penza/1"),
    ],
)
def test_parfino_p15_publication_link_of_another_network_is_refused(
    network: str, link: str
) -> None:
    problem = publication_link_problem(network, "", link)
    assert problem is not None and "той же сети" in problem


def test_publication_link_must_be_under_the_same_post_where_the_address_shows_it() -> None:
    wall = "https://vk.com/wall-45135112_98211?reply=98230"
    assert (
        publication_link_problem("vk", wall, "https://vk.com/wall-45135112_98211?reply=1") is None
    )
    assert (
        publication_link_problem("vk", wall, "https://vk.com/club1?w=wall-45135112_98211") is None
    )
    other_post = publication_link_problem("vk", wall, "https://vk.com/wall-45135112_1?reply=2")
    assert other_post is not None and "другую запись" in other_post
    topic = "https://ok.ru/group/5/topic/7"
    assert publication_link_problem("ok", topic, "https://ok.ru/group/5/topic/7?c=1") is None
    assert publication_link_problem("ok", topic, "https://ok.ru/group/5/topic/8") is not None
    # A reply in a Telegram chat is a new message of the same chat.
    chat = "https://t.me/penza_chat/40211"
    assert publication_link_problem("telegram", chat, "https://t.me/penza_chat/40300") is None
    assert publication_link_problem("telegram", chat, "https://t.me/other_chat/40300") is not None
    # Lenient where an address does not show the post: a group page, a MAX link.
    assert thread_of("vk", "https://vk.com/club45135112") is None
    assert publication_link_problem("vk", "https://vk.com/club1", "https://vk.com/wall-2_3") is None
    assert publication_link_problem("max", "https://max.ru/a/1", "https://max.ru/b/2") is None


DICTIONARY = [
    TopicEntry("Общественный транспорт", ("Транспорт", "Автобусы")),
    TopicEntry("ЖКХ", ("Коммунальные услуги",)),
    TopicEntry("Дороги"),
    TopicEntry("Освещение улиц", suggested=True, active=True),
    TopicEntry("Гражданская оборона", active=False),
]


def test_parfino_p7_synonym_is_stored_as_its_topic_in_any_case_and_spacing() -> None:
    resolved = resolve_topics(["  транспорт ", "ЖКХ", "Общественный  Транспорт"], DICTIONARY)
    assert resolved.names == ("Общественный транспорт", "ЖКХ")
    assert resolved.unknown == () and resolved.inactive == ()


def test_parfino_p7_unknown_topic_is_kept_as_typed_and_becomes_a_suggestion() -> None:
    resolved = resolve_topics(["Снег во дворах", "снег во дворах", "освещение улиц"], DICTIONARY)
    assert resolved.names == ("Снег во дворах", "Освещение улиц")
    assert resolved.unknown == ("Снег во дворах",)  # a known suggestion is not suggested again


def test_parfino_p7_topic_switched_off_is_not_accepted_nor_offered() -> None:
    resolved = resolve_topics(["Гражданская оборона"], DICTIONARY)
    assert resolved.names == () and resolved.inactive == ("Гражданская оборона",)
    assert "Гражданская оборона" not in suggestions_for("гражд", DICTIONARY)


def test_parfino_p7_topic_required_penza_optional() -> None:
    assert PARFINO.topic_required and PARFINO.clauses["topic"] == "7"
    problem = missing_topic_ru(PARFINO, [])
    assert problem is not None and "п. 7" in problem
    assert missing_topic_ru(PARFINO, ["ЖКХ"]) is None
    assert not PENZA.topic_required and missing_topic_ru(PENZA, []) is None


def test_suggestions_by_prefix_of_a_name_or_synonym_then_by_contained_text() -> None:
    assert suggestions_for("тр", DICTIONARY) == ["Общественный транспорт"]
    assert suggestions_for("авто", DICTIONARY) == ["Общественный транспорт"]
    assert suggestions_for("рог", DICTIONARY) == ["Дороги"]
    assert "Освещение улиц" not in suggestions_for("осв", DICTIONARY)  # suggestions are not offered
