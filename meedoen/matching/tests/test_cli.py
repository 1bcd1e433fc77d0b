"""The command line: output shape, and one refusal per kind of malformed instance."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meedoen.matching.__main__ import main

GOOD = {
    "offers": [
        {"id": 1, "capacity": 1, "levels": [], "min_age": 12, "guidance": "standard"},
        {
            "id": "b",
            "capacity": 2,
            "levels": ["havo"],
            "min_age": 14,
            "guidance": "intensive",
            "priority": ["y"],
        },
    ],
    "students": [
        {
            "id": "x",
            "preferences": ["b", 1],
            "level": "vwo",
            "age": 15,
            "guidance": "standard",
            "lottery": 0.1,
        },
        {
            "id": "y",
            "preferences": [1, "b"],
            "level": "havo",
            "age": 15,
            "guidance": "targeted",
            "lottery": 0.5,
        },
        {
            "id": 3,
            "preferences": [1],
            "level": "havo",
            "age": 13,
            "guidance": "standard",
            "lottery": 0,
        },
    ],
}


def run(tmp_path: Path, capsys, data, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "instance.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    code = main([args[0], str(path), *args[1:]])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("mode", ["da", "optimal"])
def test_solve_prints_assignment_and_stats(tmp_path, capsys, mode):
    code, out, err = run(tmp_path, capsys, GOOD, "solve", "--mode", mode)
    assert code == 0 and err == ""
    result = json.loads(out)
    assert result["mode"] == mode
    assert set(result["assignment"]) == {"x", "y", "3"}  # keys are strings
    assert set(result["assignment"].values()) <= {1, "b", None}  # values as given
    stats = result["stats"]
    assert set(stats) == {"assigned", "unassigned", "rank_histogram", "dropped_ineligible"}
    assert stats["assigned"] + stats["unassigned"] == 3
    assert sum(stats["rank_histogram"].values()) == stats["assigned"]
    assert stats["dropped_ineligible"] == 2  # x: "b" is havo only; y: offer 1 lacks guidance


def test_da_result_and_explanations(tmp_path, capsys):
    code, out, _ = run(tmp_path, capsys, GOOD, "solve", "--mode", "da", "--explain")
    result = json.loads(out)
    assert result["assignment"] == {"x": None, "y": "b", "3": 1}
    assert result["stats"]["rank_histogram"] == {"1": 1, "2": 1}
    why = result["explanations"]["x"]["higher_choices"]
    assert why == [
        {"offer": "b", "rank": 1, "reason": "ineligible", "rules": ["level"]},
        # y (targeted) comes first, then 3 (lower lottery): 3 was the last one taken.
        {
            "offer": 1,
            "rank": 2,
            "reason": "full",
            "capacity": 1,
            "last_admitted": 2,
            "own_position": 3,
        },
    ]
    assert result["explanations"]["3"] == {"offer": 1, "rank": 1, "higher_choices": []}


def test_odds(tmp_path, capsys):
    code, out, _ = run(tmp_path, capsys, GOOD, "odds", "--draws", "200", "--seed", "4")
    result = json.loads(out)
    assert code == 0 and result["draws"] == 200
    assert result["odds"]["y"] == {"2": 1.0, "none": 0.0}
    for row in result["odds"].values():
        assert sum(row.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "command", [["solve", "--mode", "da"], ["solve", "--mode", "optimal"], ["odds", "--draws", "3"]]
)
def test_an_empty_instance_has_an_empty_answer(tmp_path, capsys, command):
    empty = {"offers": [], "students": []}
    code, out, err = run(tmp_path, capsys, empty, *command)
    assert code == 0 and err == ""
    result = json.loads(out)
    assert result.get("assignment", result.get("odds")) == {}


def test_runs_as_a_module(tmp_path):
    path = tmp_path / "i.json"
    path.write_text(json.dumps(GOOD))
    done = subprocess.run(
        [sys.executable, "-m", "meedoen.matching", "solve", str(path), "--mode", "optimal"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stats"]["assigned"] == 2  # offer 1 has one place


def broken(change) -> dict:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


MALFORMED = {
    "unknown offer in preferences": broken(lambda d: d["students"][0]["preferences"].append(9)),
    "unknown student in priority": broken(lambda d: d["offers"][1]["priority"].append("zz")),
    "duplicate offer id": broken(lambda d: d["offers"].append(dict(d["offers"][0]))),
    "duplicate student id": broken(lambda d: d["students"].append(dict(d["students"][0]))),
    "ids colliding as text": broken(lambda d: d["students"][0].update(id="3")),
    "offer twice in one list": broken(lambda d: d["students"][2]["preferences"].append(1)),
    "student twice in a priority list": broken(lambda d: d["offers"][1]["priority"].append("y")),
    "negative capacity": broken(lambda d: d["offers"][0].update(capacity=-1)),
    "missing field": broken(lambda d: d["students"][1].pop("age")),
    "missing offers": broken(lambda d: d.pop("offers")),
    "wrong type (capacity)": broken(lambda d: d["offers"][0].update(capacity="1")),
    "wrong type (bool age)": broken(lambda d: d["students"][0].update(age=True)),
    "wrong type (preferences)": broken(lambda d: d["students"][0].update(preferences="b")),
    "wrong type (id)": broken(lambda d: d["students"][0].update(id=1.5)),
    "student not an object": broken(lambda d: d["students"].append([1])),
    "lottery 1": broken(lambda d: d["students"][0].update(lottery=1.0)),
    "lottery negative": broken(lambda d: d["students"][0].update(lottery=-0.1)),
    "unknown guidance": broken(lambda d: d["students"][0].update(guidance="extra")),
    "levels not strings": broken(lambda d: d["offers"][0].update(levels=[1])),
    "bool in preferences": broken(lambda d: d["students"][0]["preferences"].append(True)),
    "float in preferences": broken(lambda d: d["students"][0]["preferences"].append(2.0)),
    "huge unknown offer": broken(lambda d: d["students"][0]["preferences"].append(2**70)),
    "negative unknown offer": broken(lambda d: d["students"][0]["preferences"].append(-5)),
    "capacity beyond 64 bits": broken(lambda d: d["offers"][0].update(capacity=2**70)),
    "min_age beyond 64 bits": broken(lambda d: d["offers"][1].update(min_age=2**64)),
    "age beyond 64 bits": broken(lambda d: d["students"][2].update(age=-(2**65))),
    "not an object": [1, 2],
    "bad JSON": '{"offers": [',
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_instances_are_refused_with_one_line(tmp_path, capsys, case):
    code, out, err = run(tmp_path, capsys, MALFORMED[case], "solve", "--mode", "da")
    assert code != 0
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("malformed instance: ")


def test_missing_file(tmp_path, capsys):
    code = main(["solve", str(tmp_path / "nope.json")])
    out, err = capsys.readouterr()
    assert code != 0 and out == "" and err.count("\n") == 1


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=2)
    ),
    max_leaves=6,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["offers", "students"]),
    st.integers(0, 2),
    st.sampled_from(
        [
            "id",
            "capacity",
            "levels",
            "min_age",
            "guidance",
            "priority",
            "preferences",
            "level",
            "age",
            "lottery",
            None,
        ]
    ),
    JSON_VALUES,
    st.sampled_from(["da", "optimal", "odds"]),
)
def test_any_damaged_field_is_refused_or_solved_never_a_crash(
    tmp_path, capsys, kind, i, field, value, mode
):
    data = copy.deepcopy(GOOD)
    records = data[kind]
    if field is None:  # the whole record replaced
        records[i % len(records)] = value
    else:
        records[i % len(records)][field] = value
    args = ("odds", "--draws", "3") if mode == "odds" else ("solve", "--mode", mode)
    code, out, err = run(tmp_path, capsys, data, *args)
    if code == 0:
        assert err == "" and len(json.loads(out)["odds" if mode == "odds" else "assignment"]) == 3
    else:
        assert code == 2 and out == "" and err.startswith("malformed instance: ")
        assert err.count("\n") == 1
