"""JSON text decoded straight into an instance: the same instance, and the same refusals, as
parsing the JSON and validating the records."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meedoen.matching.engine import MalformedInstance, load_instance
from meedoen.matching.engine.decode import loads_instance

from .instances import instances
from .test_cli import GOOD, MALFORMED, broken

ARRAYS = (
    "capacity",
    "need",
    "lottery",
    "pref_ptr",
    "pref_offer",
    "pref_why",
    "prio_offer",
    "prio_student",
    "prio_pos",
    "prio_len",
    "el_ptr",
    "el_offer",
    "el_student",
    "el_rank",
    "el_key",
)


def assert_same(a, b) -> None:
    assert a.offer_ids == b.offer_ids and a.student_ids == b.student_ids
    assert [type(x) for x in a.offer_ids] == [type(x) for x in b.offer_ids]
    for name in ARRAYS:
        assert (getattr(a, name) == getattr(b, name)).all(), name


def integer_ids(data: dict) -> dict:
    """The same instance with every id an integer (the decoder's fast path)."""
    offer = {o["id"]: 10 + i for i, o in enumerate(data["offers"])}
    student = {s["id"]: 1000 + i for i, s in enumerate(data["students"])}
    out = json.loads(json.dumps(data))
    for o, src in zip(out["offers"], data["offers"], strict=True):
        o["id"] = offer[src["id"]]
        if src.get("priority") is not None:
            o["priority"] = [student[s] for s in src["priority"]]
    for s, src in zip(out["students"], data["students"], strict=True):
        s["id"] = student[src["id"]]
        s["preferences"] = [offer[p] for p in src["preferences"]]
    return out


@settings(max_examples=200, deadline=None)
@given(instances(), st.booleans())
def test_decoded_text_builds_the_same_instance(data, as_integers):
    data = integer_ids(data) if as_integers else data
    text = json.dumps(data)
    assert_same(loads_instance(text), load_instance(json.loads(text)))
    assert_same(loads_instance(text.encode()), load_instance(data))


def test_integer_ids_beyond_64_bits_and_extra_fields():
    data = broken(lambda d: d["offers"][0].update(id=2**70, note={"free": [1, "text"]}))
    for student in data["students"]:
        student["preferences"] = [2**70 if p == 1 else p for p in student["preferences"]]
    data["meta"] = {"region": "Utrecht"}
    assert_same(loads_instance(json.dumps(data)), load_instance(data))


def test_priority_missing_or_null_means_no_list():
    data = broken(lambda d: d["offers"][0].update(priority=None))
    inst = loads_instance(json.dumps(data))
    assert inst.prio_len.tolist() == [-1, 1]


@pytest.mark.parametrize("case", [c for c in MALFORMED if c != "bad JSON"])
def test_refusals_are_those_of_the_record_validator(case):
    text = json.dumps(MALFORMED[case])
    with pytest.raises(MalformedInstance) as reference:
        load_instance(json.loads(text))
    with pytest.raises(MalformedInstance) as decoded:
        loads_instance(text)
    assert str(decoded.value) == str(reference.value)


@pytest.mark.parametrize(
    "text",
    [
        '{"offers": [',
        '{"offers": [], "students": [{"id": 1, "lottery": NaN}]}',
        b'{"offers": [], "students": [], "x": "\xff"}',
    ],
)
def test_text_that_is_not_json_is_a_value_error(text):
    with pytest.raises(ValueError):
        loads_instance(text)


def test_a_repeated_key_counts_as_the_parser_reads_it():
    # Python's parser keeps the last value of a repeated key; so does the decoder's fallback.
    text = json.dumps(GOOD).replace('"capacity": 1,', '"capacity": "x", "capacity": 1,', 1)
    assert_same(loads_instance(text), load_instance(json.loads(text)))


def test_a_short_priority_list_among_many_students():
    # A few references among many students are looked up without mapping every student.
    students = [
        {"id": f"s{i}", "preferences": [1], "level": "havo", "age": 14}
        | {"guidance": "standard", "lottery": i / 100}
        for i in range(100)
    ]
    offer = {"id": 1, "capacity": 2, "levels": [], "min_age": 12, "guidance": "standard"}
    data = {"offers": [offer | {"priority": ["s70", "s3"]}], "students": students}
    inst = loads_instance(json.dumps(data))
    assert inst.prio_student.tolist() == [70, 3] and inst.prio_pos.tolist() == [0, 1]
    assert_same(inst, load_instance(data))
    data["offers"][0]["priority"].append("s100")
    with pytest.raises(MalformedInstance, match="unknown student 's100' in priority"):
        loads_instance(json.dumps(data))
