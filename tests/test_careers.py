"""denchi.careers: the role list and the h09 self-check scoring."""

from __future__ import annotations

import pytest

from denchi import careers


def test_every_role_lists_known_interests_subjects_and_an_example_day():
    keys = {q.key for q in careers.questions()}
    assert len(careers.roles()) >= 10
    for role in careers.roles():
        assert role.interests and set(role.interests) <= keys, role.key
        assert role.subjects_ja and role.day_ja and role.what_ja, role.key


def test_every_question_leads_to_some_role():
    for q in careers.questions():
        assert any(q.key in r.interests for r in careers.roles()), q.key


def test_machines_and_electricity_suggest_maintenance_first():
    ranked = careers.suggest({"machines": True, "electric": True, "people": False})
    role, score = ranked[0]
    assert (role.key, score) == ("maintenance", 2)
    assert all(s <= score for _, s in ranked)
    assert len(ranked) == 3


def test_scores_count_matching_yes_answers_only():
    ranked = dict((r.key, s) for r, s in careers.suggest({"chemistry": True}, top=20))
    assert ranked == {r.key: 1 for r in careers.roles() if "chemistry" in r.interests}


def test_all_no_suggests_nothing():
    assert careers.suggest({q.key: False for q in careers.questions()}) == []


def test_unknown_question_and_non_boolean_answers_are_refused():
    with pytest.raises(ValueError, match="Unknown question"):
        careers.suggest({"football": True})
    with pytest.raises(ValueError, match="True"):
        careers.suggest({"make": "はい"})


def test_paper_tally_and_role_table_list_every_role():
    tally = careers.tally_table_markdown()
    table = careers.roles_table_markdown()
    for role in careers.roles():
        assert role.name_ja in tally and role.name_ja in table
    assert tally.count("\n") == len(careers.questions()) + 1


def test_paper_version_has_an_answer_column_and_a_count_sheet():
    with_column = careers.tally_table_markdown(answer_column=True).splitlines()
    assert with_column[0].startswith("| はい・いいえ | 番号 |")
    assert all(line.count("|") == 5 for line in with_column)
    sheet = careers.count_sheet_markdown()
    assert all(role.name_ja in sheet for role in careers.roles())
