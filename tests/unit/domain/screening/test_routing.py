"""The routing model: learns one example at a time, ranks with «почему», starts from topics."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.screening.routing import RoutingModel, Seed, features, seeded_model
from app.screening.morphology import lemma

HOUSING, ROADS, CULTURE = "ЖКХ", "Дороги", "Культура"


def ranked(model: RoutingModel, text: str) -> list[str]:
    return [s.name for s in model.rank(features(text, lemma))]


def cold() -> RoutingModel:
    return seeded_model(
        [
            Seed(HOUSING, ("ЖКХ", "нет горячей воды", "батареи холодные", "течет крыша")),
            Seed(ROADS, ("Дороги", "яма на дороге", "ремонт асфальта")),
            Seed(CULTURE, ("Культура", "дом культуры концерт", "библиотека")),
        ],
        lemma,
    )


def test_features_are_lemmas_and_bigrams_without_stop_words() -> None:
    found = features("Здравствуйте! Нет горячей воды, батареи не греют", lemma)
    assert found[:4] == ["горячий", "вода", "батарея", "греть"]
    assert "горячий_вода" in found
    assert "здравствуйте" not in found and "нет" not in found


def test_cold_start_ranks_by_the_topics_words_in_any_inflection() -> None:
    model = cold()
    assert ranked(model, "В подъезде холодно, батарей почти не греют")[0] == HOUSING
    assert ranked(model, "Огромные ямы на дорогах")[0] == ROADS
    assert model.examples == 0  # pseudo-examples are not counted as learned


def test_suggestions_have_scores_and_the_words_behind_them() -> None:
    best, *rest = cold().rank(features("Яма на дороге у школы", lemma))
    assert best.name == ROADS
    assert 0 < best.score <= 1 and all(s.score <= best.score for s in rest)
    assert "яма" in best.why
    assert len(rest) == 2


def test_learning_one_example_at_a_time_moves_the_ranking() -> None:
    model = cold()
    text = "Соседи жалуются на шумный фестиваль во дворе"
    assert ranked(model, text) == []  # no word it knows: nothing to suggest
    model.learn(features("Громкий фестиваль во дворе до ночи", lemma), [CULTURE])
    assert ranked(model, text)[0] == CULTURE
    assert model.examples == 1


def test_several_labels_of_one_example_each_learn_it() -> None:
    model = RoutingModel()
    model.learn(features("упало дерево на провода", lemma), [HOUSING, ROADS])
    assert set(ranked(model, "дерево упало")) == {HOUSING, ROADS}


def test_candidates_limit_the_ranking() -> None:
    model = cold()
    assert ranked(model, "яма на дороге")[0] == ROADS
    names = [s.name for s in model.rank(features("яма", lemma), [HOUSING, CULTURE])]
    assert ROADS not in names


def test_state_round_trips_through_json() -> None:
    model = cold()
    model.learn(features("концерт в парке", lemma), [CULTURE])
    stored = json.loads(json.dumps(model.to_json(), ensure_ascii=False))
    again = RoutingModel.from_json(stored)
    assert again.labels == model.labels and again.examples == model.examples
    text = features("концерт в библиотеке", lemma)
    assert again.rank(text) == model.rank(text)
    assert RoutingModel.from_json({"version": 0}).labels == {}


def test_merged_models_add_their_counts() -> None:
    learned = RoutingModel()
    learned.learn(features("концерт в парке", lemma), [CULTURE])
    both = cold().merged(learned)
    assert both.labels[CULTURE].docs == cold().labels[CULTURE].docs + 1
    assert both.examples == 1


WORDS = st.sampled_from(["яма", "дорога", "вода", "батарея", "концерт", "крыша", "асфальт"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(WORDS, min_size=1, max_size=5), st.sampled_from([HOUSING, ROADS, CULTURE])
        ),
        max_size=20,
    ),
    st.lists(WORDS, max_size=6),
)
def test_scores_are_a_ranking_of_probabilities(
    examples: list[tuple[list[str], str]], query: list[str]
) -> None:
    model = cold()
    for words, label in examples:
        model.learn(words, [label])
    result = model.rank(query)
    assert len(result) <= 3
    assert all(0 <= s.score <= 1 for s in result)
    assert [s.score for s in result] == sorted((s.score for s in result), reverse=True)
    assert sum(s.score for s in result) <= 1.0001


def test_a_routing_the_counts_get_wrong_moves_the_linear_part() -> None:
    # Many housing messages about the yard against one road message: the counts alone keep
    # suggesting housing for «двор»; routed examples that were ranked wrong correct that.
    model = RoutingModel()
    for _ in range(6):
        model.learn(features("Во дворе течет крыша, нет воды", lemma), [HOUSING])
    road = "Во дворе яма на проезде, нужен асфальт"
    model.learn(features(road, lemma), [ROADS])
    assert model.weights[ROADS]  # the mistake was learned, not only counted
    for _ in range(2):
        model.learn(features(road, lemma), [ROADS])
    best = model.rank(features("Двор: яма на проезде", lemma))[0]
    assert best.name == ROADS
    assert "яма" in best.why or "проезд" in best.why


def test_a_version_1_state_is_read_as_its_counts() -> None:
    old = {
        "version": 1,
        "examples": 1,
        "labels": {ROADS: {"docs": 1.0, "total": 2.0, "words": {"яма": 1.0, "дорога": 1.0}}},
    }
    model = RoutingModel.from_json(old)
    assert model.examples == 1 and model.labels[ROADS].words["яма"] == 1.0
    assert model.weights == {} and model.rank(["яма"])[0].name == ROADS


def test_compacting_bounds_the_features_and_keeps_the_frequent_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.domain.screening import routing

    monkeypatch.setattr(routing, "MAX_FEATURES", 3)
    model = RoutingModel()
    for word in ["яма", "яма", "асфальт", "вода", "крыша", "концерт"]:
        model.learn([word, "дорога"], [ROADS if word in {"яма", "асфальт"} else HOUSING])
    model.compact()
    kept = {w for c in model.labels.values() for w in c.words}
    assert len(kept) == 3 and {"дорога", "яма"} <= kept
    assert set(model.documents) <= kept
    assert all(set(w) <= kept for w in model.weights.values())
    assert all(c.total == sum(c.words.values()) for c in model.labels.values())
