"""Matching: assigning students to placement offers (capability 4 of the brief).

A matching round collects each student's ranked choices of offers from the bank; the engine
in :mod:`meedoen.matching.engine` then assigns students to offers, respecting capacity and
eligibility (level, minimum age, guidance the offer can give), in one of two modes:

- ``da``: student-proposing deferred acceptance - stable (no student and offer would both
  rather be matched to each other) and strategy-proof for students: ranking honestly is best;
- ``optimal``: the welfare-optimal assignment - as many students placed as possible, then the
  smallest sum of ranks.

Every result is explained per student. The engine is plain Python and numpy, with no Django
import, so it can be tested, benchmarked and run from the command line
(``python -m meedoen.matching solve INSTANCE.json --mode da``) on its own.
"""
