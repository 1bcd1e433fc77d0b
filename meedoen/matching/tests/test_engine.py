"""Property tests of the engine against brute force on tiny instances, and fast vs plain DA."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.matching.engine import (
    Offer,
    Student,
    build,
    check_feasible,
    check_stable,
    da_fast,
    da_reference,
    load_instance,
    odds,
    solve,
)
from meedoen.matching.engine.model import INELIGIBLE_AGE, INELIGIBLE_GUIDANCE, INELIGIBLE_LEVEL
from meedoen.matching.engine.odds import draw_entries

from .instances import best_objective, instances, student_optimal_stable


def objective(inst, entry) -> tuple[int, int]:
    used = entry[entry >= 0]
    return (-len(used), int(inst.el_rank[used].sum()))


@settings(max_examples=300, deadline=None)
@given(instances())
def test_da_is_the_student_optimal_stable_matching(data):
    inst = load_instance(data)
    expected = student_optimal_stable(inst)
    in_index_order = da_fast(inst, inst.el_key, np.arange(inst.n_students))
    for entry in (da_fast(inst), in_index_order, da_reference(inst)):
        check_stable(inst, entry)
        assert entry.tolist() == expected.tolist()


@settings(max_examples=300, deadline=None)
@given(instances())
def test_optimal_reaches_the_brute_force_objective(data):
    inst = load_instance(data)
    entry = solve(inst, "optimal").entry
    check_feasible(inst, entry)
    assert objective(inst, entry) == best_objective(inst)


@settings(max_examples=200, deadline=None)
@given(instances(max_students=6, max_offers=4))
def test_results_respect_eligibility_and_capacity(data):
    inst = load_instance(data)
    by_id = {o["id"]: o for o in data["offers"]}
    levels = {"standard": 0, "targeted": 1, "intensive": 2}
    for mode in ("da", "optimal"):
        result = solve(inst, mode)
        assignment = result.assignment()
        load: dict = {}
        for student in data["students"]:
            oid = assignment[student["id"]]
            if oid is None:
                continue
            offer = by_id[oid]
            assert oid in student["preferences"]
            assert not offer["levels"] or student["level"] in offer["levels"]
            assert student["age"] >= offer["min_age"]
            assert levels[offer["guidance"]] >= levels[student["guidance"]]
            load[oid] = load.get(oid, 0) + 1
        assert all(load[o] <= by_id[o]["capacity"] for o in load)
        stats = result.stats()
        assert stats["assigned"] + stats["unassigned"] == len(data["students"])
        assert sum(stats["rank_histogram"].values()) == stats["assigned"]


@settings(max_examples=150, deadline=None)
@given(instances())
def test_da_explanations_name_every_higher_choice(data):
    inst = load_instance(data)
    result = solve(inst, "da")
    for s, expl in enumerate(result.explain()):
        listed = data["students"][s]["preferences"]
        stop = expl.rank - 1 if expl.rank else len(listed)
        assert [n.offer for n in expl.higher_choices] == listed[:stop]
        for note in expl.higher_choices:
            if note.reason == "full":
                # Full with students who come first: the last one taken ranks above this one.
                assert note.last_admitted is None or note.last_admitted < note.own_position
            else:
                assert note.rules


def random_instance(rng: np.random.Generator, n: int, m: int, prefs: int = 6) -> dict:
    offers = [
        {
            "id": o,
            "capacity": int(rng.integers(0, 6)),
            "levels": ["havo"] if rng.random() < 0.1 else [],
            "min_age": int(rng.choice([12, 14])),
            "guidance": str(rng.choice(["standard", "targeted", "intensive"], p=[0.6, 0.3, 0.1])),
        }
        for o in range(m)
    ]
    popular = rng.pareto(1.2, size=m) + 0.1
    students = []
    for s in range(n):
        k = int(rng.integers(0, prefs + 1))
        choice = rng.choice(m, size=min(k, m), replace=False, p=popular / popular.sum())
        students.append(
            {
                "id": f"s{s}",
                "preferences": choice.tolist(),
                "level": str(rng.choice(["havo", "vwo"])),
                "age": int(rng.choice([13, 15])),
                "guidance": str(rng.choice(["standard", "targeted"], p=[0.85, 0.15])),
                "lottery": float(rng.random()),
            }
        )
    for o in rng.choice(m, size=m // 20, replace=False).tolist():
        offers[o]["priority"] = [f"s{s}" for s in rng.choice(n, size=n // 10, replace=False)]
    return {"offers": offers, "students": students}


@pytest.mark.parametrize("seed", range(6))
def test_fast_da_equals_plain_da_on_larger_instances(seed):
    rng = np.random.default_rng(seed)
    inst = load_instance(random_instance(rng, n=3000, m=400))
    expected = da_reference(inst)
    orders = (None, np.arange(inst.n_students), rng.permutation(inst.n_students))
    for order in orders:
        assert (da_fast(inst, None if order is None else inst.el_key, order) == expected).all()
    check_stable(inst, expected)


@pytest.mark.parametrize("seed", range(3))
def test_optimal_beats_or_ties_da_and_matches_an_independent_solver(seed):
    scipy_optimize = pytest.importorskip("scipy.optimize")
    rng = np.random.default_rng(100 + seed)
    inst = load_instance(random_instance(rng, n=120, m=30, prefs=4))
    opt = solve(inst, "optimal").entry
    da = solve(inst, "da").entry
    check_feasible(inst, opt)
    assert objective(inst, opt) <= objective(inst, da)
    # Independent check: the same objective as a dense assignment problem over seats, with an
    # "unassigned" cost large enough to make the order lexicographic.
    seats = np.repeat(np.arange(inst.n_offers), inst.capacity)
    big = 10_000
    cost = np.full((inst.n_students, len(seats) + inst.n_students), 10 * big, dtype=np.int64)
    for k in range(len(inst.el_offer)):
        cost[inst.el_student[k], np.flatnonzero(seats == inst.el_offer[k])] = inst.el_rank[k]
    cost[:, len(seats) :] = 10 * big
    np.fill_diagonal(cost[:, len(seats) :], big)
    rows, cols = scipy_optimize.linear_sum_assignment(cost)
    placed = cols < len(seats)
    assert -int(placed.sum()) == objective(inst, opt)[0]
    assert int(cost[rows[placed], cols[placed]].sum()) == objective(inst, opt)[1]


def test_priority_rules_and_tie_break():
    data = {
        "offers": [
            {"id": "open", "capacity": 1, "levels": [], "min_age": 12, "guidance": "intensive"},
            {"id": "listed", "capacity": 1, "levels": [], "min_age": 12, "guidance": "intensive"},
        ],
        "students": [
            {
                "id": "a",
                "preferences": ["open"],
                "level": "havo",
                "age": 14,
                "guidance": "standard",
                "lottery": 0.1,
            },
            {
                "id": "b",
                "preferences": ["open"],
                "level": "havo",
                "age": 14,
                "guidance": "targeted",
                "lottery": 0.9,
            },
        ],
    }
    # Higher guidance need first, whatever the lottery.
    assert solve(load_instance(data), "da").assignment() == {"a": None, "b": "open"}
    # Equal need and equal lottery: the student given first wins (documented tie-break).
    for s in data["students"]:
        s.update(guidance="standard", lottery=0.5)
    assert solve(load_instance(data), "da").assignment() == {"a": "open", "b": None}
    # An explicit list puts its students first, then the rest in the default order.
    data["students"].append(
        {
            "id": "c",
            "preferences": ["listed"],
            "level": "havo",
            "age": 14,
            "guidance": "standard",
            "lottery": 0.99,
        }
    )
    data["offers"][1]["priority"] = ["c"]
    for s in data["students"]:
        s["preferences"] = ["listed", "open"]
    result = solve(load_instance(data), "da").assignment()
    assert result == {"c": "listed", "a": "open", "b": None}


def test_ineligible_preferences_are_dropped_reported_and_still_count_for_rank():
    inst = build(
        offers=[
            Offer("x", 5, levels=("vwo",), guidance="intensive"),
            Offer("y", 5, min_age=16, guidance="targeted"),
            Offer("z", 5, guidance="standard"),
            Offer("w", 5, guidance="intensive"),
        ],
        students=[Student(1, ("x", "y", "z", "w"), level="havo", age=14, guidance="targeted")],
    )
    assert inst.pref_why.tolist() == [INELIGIBLE_LEVEL, INELIGIBLE_AGE, INELIGIBLE_GUIDANCE, 0]
    for mode in ("da", "optimal"):
        result = solve(inst, mode)
        assert result.assignment() == {1: "w"}
        assert result.stats()["rank_histogram"] == {"4": 1}
        assert result.stats()["dropped_ineligible"] == 3
        [expl] = result.explain()
        assert [n.rules for n in expl.higher_choices] == [("level",), ("age",), ("guidance",)]


def test_optimal_places_more_students_than_da_when_it_can():
    # DA (priority by lottery) gives 'a' the only seat both want; 'b' could have had 'y'.
    data = {
        "offers": [
            {"id": "x", "capacity": 1, "levels": [], "min_age": 0, "guidance": "standard"},
            {"id": "y", "capacity": 1, "levels": [], "min_age": 0, "guidance": "standard"},
        ],
        "students": [
            {
                "id": "a",
                "preferences": ["x", "y"],
                "level": "l",
                "age": 1,
                "guidance": "standard",
                "lottery": 0.1,
            },
            {
                "id": "b",
                "preferences": ["x"],
                "level": "l",
                "age": 1,
                "guidance": "standard",
                "lottery": 0.2,
            },
        ],
    }
    inst = load_instance(data)
    assert solve(inst, "da").stats()["assigned"] == 1
    assert solve(inst, "optimal").assignment() == {"a": "y", "b": "x"}


@settings(max_examples=30, deadline=None)
@given(instances(), st.integers(0, 2**32 - 1))
def test_odds_are_probabilities_and_certain_outcomes_are_certain(data, seed):
    inst = load_instance(data)
    od = odds(inst, draws=40, seed=seed)
    assert (od.counts.sum(axis=1) == 40).all()
    # Whoever has no eligible choice never gets a place.
    empty = np.diff(inst.el_ptr) == 0
    assert (od.counts[empty, 0] == 40).all()


def _reference_draws(inst, lottery):
    return np.array([da_reference(inst, inst.priority_keys(row)) for row in lottery])


@settings(max_examples=150, deadline=None)
@given(
    instances(max_students=8, max_offers=4),
    st.integers(0, 2**32 - 1),
    st.sampled_from([1, 3, 100]),
)
def test_odds_draws_equal_the_reference_da_on_the_same_lottery(data, seed, draws):
    inst = load_instance(data)
    rng = np.random.default_rng(seed)
    # few distinct lottery values, so ties (broken by position) happen
    lottery = rng.choice([0.0, 0.25, 0.5, 0.75], size=(draws, inst.n_students))
    assert (draw_entries(inst, lottery) == _reference_draws(inst, lottery)).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_odds_with_many_priority_lists_equal_the_reference(seed):
    # Many explicit lists and small capacities: long chains of students let go.
    rng = np.random.default_rng(seed)
    n, m = 300, 40
    sids = [f"s{i}" for i in range(n)]
    offers = [
        {
            "id": o,
            "capacity": int(rng.integers(0, 8)),
            "levels": [],
            "min_age": 0,
            "guidance": str(rng.choice(["standard", "targeted", "intensive"])),
            **(
                {"priority": rng.permutation(sids)[: int(rng.integers(0, n))].tolist()}
                if rng.random() < 0.4
                else {}
            ),
        }
        for o in range(m)
    ]
    students = [
        {
            "id": sid,
            "preferences": rng.permutation(m)[: int(rng.integers(0, 8))].tolist(),
            "level": "havo",
            "age": 14,
            "guidance": str(rng.choice(["standard", "targeted", "intensive"], p=[0.7, 0.2, 0.1])),
            "lottery": float(rng.random()),
        }
        for sid in sids
    ]
    inst = load_instance({"offers": offers, "students": students})
    lottery = rng.random((100, n))
    assert (draw_entries(inst, lottery) == _reference_draws(inst, lottery)).all()
    od = odds(inst, draws=100, seed=seed)
    assert (od.counts.sum(axis=1) == 100).all()


@settings(max_examples=150, deadline=None)
@given(instances(), st.integers(-(2**40), 2**40), st.booleans())
def test_validation_is_the_same_for_integer_and_text_offer_ids(data, shift, spread):
    # Integer offer ids take a vectorised path (a lookup table when they are compact); text
    # ids a dictionary. Both must build the same instance.
    ints, texts = copy.deepcopy(data), copy.deepcopy(data)
    number = {o["id"]: shift + (i * 10**6 if spread else i) for i, o in enumerate(data["offers"])}
    for o_int, o_txt in zip(ints["offers"], texts["offers"], strict=True):
        o_txt["id"] = f"o{number[o_int['id']]}"
        o_int["id"] = number[o_int["id"]]
    for s_int, s_txt in zip(ints["students"], texts["students"], strict=True):
        s_txt["preferences"] = [f"o{number[p]}" for p in s_int["preferences"]]
        s_int["preferences"] = [number[p] for p in s_int["preferences"]]
    a, b = load_instance(ints), load_instance(texts)
    for name in ("pref_ptr", "pref_offer", "pref_why", "el_offer", "el_key", "el_rank"):
        assert (getattr(a, name) == getattr(b, name)).all(), name
