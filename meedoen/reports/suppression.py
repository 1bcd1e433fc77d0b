"""Small-count suppression for the aggregate reports (municipality, broker).

No figure about students below ``THRESHOLD`` (5) is shown, and no hidden figure can be
worked out from the others and the total. The rule, applied to every column of a
breakdown (for example "students placed in 2026/27" by school) together with its total:

1. *Total*: when the column's total is 1–4, the total and every cell above zero are hidden.
2. *Primary*: every cell of 1–4 is hidden. A zero is shown: it tells nothing about anyone.
3. *Secondary*: when a column hides at least one cell, it also hides the smallest other
   cell above zero (which is at least 5), so the total minus the shown cells is the sum of
   at least two hidden cells, one of which may be any size. When there is no such cell and
   the hidden cells could only be ones (their sum equals their number), the column's total
   is hidden too.
4. All hidden cells look the same ("<5" for the primary ones would tell which cell is the
   secondary one, and so its size): a hidden cell reads "•" with the legend "fewer than 5,
   or hidden so that a small number cannot be worked out".

Organisations, offers and places are not about students and are not suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 5
HIDDEN = "•"


@dataclass(frozen=True)
class Cell:
    value: int
    hidden: bool = False

    def __str__(self) -> str:
        return HIDDEN if self.hidden else str(self.value)

    @property
    def shown(self) -> int | str:
        return HIDDEN if self.hidden else self.value


def suppress_column(values: list[int], total: int) -> tuple[list[Cell], Cell]:
    """The cells and total of one column, with rules 1–3 applied."""
    if 0 < total < THRESHOLD:
        return [Cell(v, hidden=v > 0) for v in values], Cell(total, hidden=True)
    hidden = {i for i, v in enumerate(values) if 0 < v < THRESHOLD}
    hide_total = False
    if hidden:
        others = sorted((v, i) for i, v in enumerate(values) if i not in hidden and v >= THRESHOLD)
        if others:
            hidden.add(others[0][1])
        elif sum(values[i] for i in hidden) == len(hidden):
            hide_total = True
    cells = [Cell(v, hidden=i in hidden) for i, v in enumerate(values)]
    return cells, Cell(total, hidden=hide_total)


def suppress_table(rows: list[list[int]], totals: list[int]) -> tuple[list[list[Cell]], list[Cell]]:
    """Rows × columns of counts: each column is suppressed on its own with its total."""
    if not totals:
        return [[] for _ in rows], []
    columns = [[row[c] for row in rows] for c in range(len(totals))]
    out_cols, out_totals = [], []
    for c, column in enumerate(columns):
        cells, total = suppress_column(column, totals[c])
        out_cols.append(cells)
        out_totals.append(total)
    return [[out_cols[c][r] for c in range(len(totals))] for r in range(len(rows))], out_totals


def suppress_single(value: int) -> Cell:
    """A lone figure (no breakdown): hidden when 1–4."""
    return Cell(value, hidden=0 < value < THRESHOLD)
