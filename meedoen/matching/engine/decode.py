"""JSON text straight to a validated instance, for the command line and bulk use.

``msgspec`` decodes the text into typed records in one pass in C and checks every field's
type while it parses, so the columns need no second pass over millions of Python objects.
Two decoders are tried: first one where every preference is an integer id (the common case,
which then maps the references in one vectorised step without looking at each one's type),
then one where ids are integers or strings.

Anything either decoder refuses goes to the reference path (:func:`json.loads` and
:func:`~.model.load_instance`), which gives the one-line reason; so the messages, and what
is accepted, are those of :func:`~.model.load_instance` in every case. The typed decoders
accept nothing it would refuse: their types are the same checks (an integer is never a
boolean or a float; a lottery may be an integer; ``priority`` may be missing or null), and
what lies across records (unique ids, known references, ranges) is checked by the same
:func:`~.model.assemble`. Text that is not valid UTF-8 goes to the reference path at once.
"""

from __future__ import annotations

import json
from typing import Literal

import msgspec
import numpy as np

from .model import _GUIDANCE_LEVEL, Columns, Instance, assemble, gc_paused, load_instance

Guidance = Literal["standard", "targeted", "intensive"]


class _Offer(msgspec.Struct, gc=False):
    id: int | str
    capacity: int
    levels: list[str]
    min_age: int
    guidance: Guidance
    priority: list[int | str] | None = None


class _Student(msgspec.Struct, gc=False):
    id: int | str
    preferences: list[int | str]
    level: str
    age: int
    guidance: Guidance
    lottery: float


class _IntPrefsStudent(msgspec.Struct, gc=False):
    """A student whose preferences are all integer ids (the common case)."""

    id: int | str
    preferences: list[int]
    level: str
    age: int
    guidance: Guidance
    lottery: float


class _IntPrefsInstance(msgspec.Struct, gc=False):
    offers: list[_Offer]
    students: list[_IntPrefsStudent]


class _Instance(msgspec.Struct, gc=False):
    offers: list[_Offer]
    students: list[_Student]


_DECODERS = (
    (msgspec.json.Decoder(_IntPrefsInstance), frozenset({int})),
    (msgspec.json.Decoder(_Instance), None),
)


def _codes(values: list) -> np.ndarray:
    return np.fromiter(map(_GUIDANCE_LEVEL.__getitem__, values), dtype=np.int8, count=len(values))


def _columns(decoded, pref_types: frozenset | None) -> Columns:
    offers, students = decoded.offers, decoded.students
    return Columns(
        offer_ids=[o.id for o in offers],
        capacity=[o.capacity for o in offers],
        levels=[o.levels for o in offers],
        min_age=[o.min_age for o in offers],
        offer_guidance=_codes([o.guidance for o in offers]),
        priority=[o.priority for o in offers],
        student_ids=[s.id for s in students],
        prefs=[s.preferences for s in students],
        level=[s.level for s in students],
        age=[s.age for s in students],
        need=_codes([s.guidance for s in students]),
        lottery=[s.lottery for s in students],
        pref_types=pref_types,
    )


def _utf8(raw: bytes | str) -> bool:
    """Whether the text is valid UTF-8 throughout. The decoders skip fields they do not know
    without reading them, where Python's parser refuses any invalid byte (or reads UTF-16)."""
    if isinstance(raw, str) or raw.isascii():
        return True
    try:
        str(raw, "utf-8")
    except UnicodeDecodeError:
        return False
    return True


def loads_instance(raw: bytes | str) -> Instance:
    """Validate an instance given as JSON text. Raises ``MalformedInstance`` (one line), as
    :func:`~.model.load_instance` does; JSON that does not parse raises ``ValueError``."""
    with gc_paused():
        for decoder, pref_types in _DECODERS if _utf8(raw) else ():
            try:
                decoded = decoder.decode(raw)
            except (msgspec.ValidationError, msgspec.DecodeError):
                continue
            instance = assemble(_columns(decoded, pref_types))
            # Freed while the collector is paused: it then finds no new objects to go
            # through when it resumes (at 10,000 students that pass cost 5-10 ms).
            del decoded
            return instance
        return load_instance(json.loads(raw))
