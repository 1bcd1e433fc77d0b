"""Small-count suppression: no count under 5, and none that the total gives away."""

from hypothesis import given
from hypothesis import strategies as st

from meedoen.reports.suppression import THRESHOLD, suppress_column, suppress_single


def shown(cells):
    return [None if c.hidden else c.value for c in cells]


def test_small_cells_are_hidden_with_a_second_cell():
    cells, total = suppress_column([3, 12, 7, 0], 22)
    assert shown(cells) == [None, 12, None, 0]  # 3 primary, 7 the smallest other
    assert not total.hidden


def test_small_total_hides_everything():
    cells, total = suppress_column([1, 2, 0], 3)
    assert shown(cells) == [None, None, 0]
    assert total.hidden


def test_only_small_cells_of_one_each_hide_the_total():
    cells, total = suppress_column([1, 1, 1, 1, 1], 5)
    assert all(c.hidden for c in cells)
    assert total.hidden


def test_no_small_cells_nothing_hidden():
    cells, total = suppress_column([5, 9, 0], 14)
    assert shown(cells) == [5, 9, 0]
    assert not total.hidden


def test_single_figures():
    assert suppress_single(4).hidden
    assert not suppress_single(5).hidden
    assert not suppress_single(0).hidden


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12))
def test_no_small_count_shown_and_none_derivable(values):
    total = sum(values)
    cells, total_cell = suppress_column(values, total)
    for cell in cells:
        if not cell.hidden:
            assert cell.value == 0 or cell.value >= THRESHOLD
    if not total_cell.hidden:
        assert total == 0 or total >= THRESHOLD
        hidden = [c.value for c in cells if c.hidden]
        # The total minus the shown cells never pins down a single hidden cell: either
        # nothing is hidden, or at least two cells share the remainder and they are not
        # all ones.
        assert not hidden or (len(hidden) >= 2 and sum(hidden) > len(hidden))
