"""Reading a student export of the school administration system (Magister, SOMtoday).

Schools keep their students in a *leerlingadministratiesysteem*; the coordinator
exports a list from it (CSV or XLSX) and imports it here. This module turns such a
file into validated rows and nothing else: it never touches the database. Writing is
``meedoen.students.services_import.students_import``.

The rules, in the order they are applied:

* **File.** XLSX is recognised by its zip signature, anything else is read as CSV.
  CSV must be UTF-8 (with or without BOM) or, failing that, Windows-1252 that
  decodes without a single undefined byte or control character; UTF-16 and binary
  files are refused with an explanation. The delimiter is whichever of ``;``, ``,``
  and tab occurs most in the header row. Files above ``MAX_FILE_BYTES`` or with more
  than ``MAX_ROWS`` rows are refused.
* **Header.** The first non-empty row. Column names are compared without case, spaces
  or punctuation, so "Geb. datum", "geb.datum" and "GEBDATUM" are the same. Known
  Magister and SOMtoday names are in ``COLUMNS``; other columns are ignored (and
  listed in the report). Required: student number, first name, last name, date of
  birth and class.
* **Rows.** Row numbers are those a spreadsheet shows (the header is row 1). Every
  cell of every column is checked for spreadsheet formulas (CSV injection): a value
  starting with ``=``, ``+`` or ``@``, or ``-`` followed by a letter or ``(``, and any
  XLSX formula cell, is an error. Dates: dd-mm-yyyy, d-m-yyyy, yyyy-mm-dd (also with
  ``/`` or ``.``) or a real date cell; dates that do not exist, lie in the future or
  give an age outside 8–25 are errors. A student number used twice is an error on
  every row that uses it.
* **Year of study and level.** Taken from "Leerjaar" and "Niveau"/"Opleiding"/
  "Studie" when present. Missing, the year is the leading digit of the class name
  ("3T1" → 3) and both are taken from an existing class of that name in the current
  school year; otherwise the row gets an error asking for the column. Combined
  levels ("havo/vwo" in a first-year class) count as the lowest level mentioned.
* **Empty cells.** Names follow the file (an empty "Voorvoegsel" clears the prefix);
  an empty e-mail or postcode means "not known" and keeps what is stored, and
  guardians are added or renamed, never removed.

Messages are English msgids, translated to Dutch through the ``.po`` files.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Level

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # refuses zip bombs before openpyxl opens them
MIN_AGE, MAX_AGE = 8, 25

# field -> recognised header names (normalised with ``normalise_header``), in order of
# preference: when a file has two columns for one field, the first name listed wins.
COLUMNS: dict[str, tuple[str, ...]] = {
    "student_number": (
        "leerlingnummer",
        "stamnr",
        "stamnummer",
        "leerlingnr",
        "llnr",
        "studentnummer",
    ),
    "first_name": ("roepnaam", "voornaam", "voornamen"),
    "name_prefix": (
        "voorvoegsel",
        "voorvoegsels",
        "tussenv",
        "tussenvoegsel",
        "tussenvoegsels",
    ),
    "last_name": ("achternaam", "geslachtsnaam"),
    "date_of_birth": ("geboortedatum", "gebdatum", "gebdat", "geboortedat"),
    "school_class": ("klas", "stamgroep", "klasnaam"),
    "year_of_study": ("leerjaar",),
    "level": ("niveau", "opleiding", "studie"),
    "email": (
        "email",
        "emailadres",
        "emailleerling",
        "emailadresleerling",
    ),
    "home_postcode": ("postcode", "postcodewoonadres"),
    "guardian1_name": (
        "verzorger1naam",
        "naamverzorger1",
        "ouder1naam",
        "naamouder1",
        "ouderverzorger1naam",
        "naamouderverzorger1",
        "ouderverzorgernaam",
        "naamouderverzorger",
    ),
    "guardian1_email": (
        "verzorger1email",
        "verzorger1emailadres",
        "emailverzorger1",
        "ouder1email",
        "emailouder1",
        "ouderverzorger1email",
        "emailouderverzorger1",
        "ouderverzorgeremail",
        "ouderverzorgeremailadres",
        "emailouderverzorger",
        "emailouder",
        "ouderemail",
    ),
    "guardian2_name": (
        "verzorger2naam",
        "naamverzorger2",
        "ouder2naam",
        "naamouder2",
        "ouderverzorger2naam",
        "naamouderverzorger2",
    ),
    "guardian2_email": (
        "verzorger2email",
        "verzorger2emailadres",
        "emailverzorger2",
        "ouder2email",
        "emailouder2",
        "ouderverzorger2email",
        "emailouderverzorger2",
    ),
}
REQUIRED = ("student_number", "first_name", "last_name", "date_of_birth", "school_class")
# The header shown for a required column that is missing.
REQUIRED_LABELS = {
    "student_number": "Leerlingnummer / Stamnr",
    "first_name": "Roepnaam",
    "last_name": "Achternaam",
    "date_of_birth": "Geboortedatum / Geb.datum",
    "school_class": "Klas / Stamgroep",
}
MAX_LENGTHS = {
    "student_number": 20,
    "first_name": 100,
    "name_prefix": 20,
    "last_name": 100,
    "school_class": 30,
    "email": 254,
    "guardian1_name": 200,
    "guardian2_name": 200,
    "guardian1_email": 254,
    "guardian2_email": 254,
}

# Words (lower case, without punctuation) naming a level; a text may name several.
LEVEL_WORDS: dict[str, str] = {
    "pro": Level.PRO,
    "praktijkonderwijs": Level.PRO,
    "vmbob": Level.VMBO_B,
    "vmbobb": Level.VMBO_B,
    "bb": Level.VMBO_B,
    "basis": Level.VMBO_B,
    "basisberoepsgericht": Level.VMBO_B,
    "basisberoepsgerichte": Level.VMBO_B,
    "vmbok": Level.VMBO_K,
    "vmbokb": Level.VMBO_K,
    "kb": Level.VMBO_K,
    "kader": Level.VMBO_K,
    "kaderberoepsgericht": Level.VMBO_K,
    "kaderberoepsgerichte": Level.VMBO_K,
    "vmbog": Level.VMBO_G,
    "vmbogl": Level.VMBO_G,
    "gl": Level.VMBO_G,
    "gemengd": Level.VMBO_G,
    "gemengde": Level.VMBO_G,
    "vmbot": Level.VMBO_T,
    "vmbotl": Level.VMBO_T,
    "tl": Level.VMBO_T,
    "mavo": Level.VMBO_T,
    "theoretisch": Level.VMBO_T,
    "theoretische": Level.VMBO_T,
    "m": Level.VMBO_T,
    "havo": Level.HAVO,
    "h": Level.HAVO,
    "vwo": Level.VWO,
    "atheneum": Level.VWO,
    "gymnasium": Level.VWO,
    "tvwo": Level.VWO,
    "v": Level.VWO,
    "a": Level.VWO,
}
LEVEL_ORDER = [
    Level.PRO,
    Level.VMBO_B,
    Level.VMBO_K,
    Level.VMBO_G,
    Level.VMBO_T,
    Level.HAVO,
    Level.VWO,
]
# Words that go with a level but do not name one ("vmbo 3", "leerjaar 2", "tto").
LEVEL_NOISE = {"vmbo", "leerjaar", "klas", "jaar", "tto", "lj", "de"}

FORMULA_RE = re.compile(r"^(?:[=+@]|-[^\W\d_]|-\()")
DATE_DMY_RE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
DATE_YMD_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
POSTCODE_RE = re.compile(r"^(\d{4})\s?([A-Za-z]{2})$")
STUDENT_NUMBER_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]*$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing in it is imported."""

    def __init__(self, message: str, row: int | None = None, column: str = ""):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


@dataclass(frozen=True)
class RowError:
    """One problem: the row as a spreadsheet numbers it (None: the whole file)."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if not self.column:
            return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Table:
    """A file's cells: the header, and data rows as (row number, cells)."""

    header: list[str]
    rows: list[tuple[int, list[Any]]]
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, column index)
    header_row: int = 1

    @classmethod
    def from_dicts(cls, records: Iterable[dict[str, Any]]) -> Table:
        """Rows given as dictionaries header -> value (row 2 onwards)."""
        records = list(records)
        header = list(records[0]) if records else []
        rows = [(i, [r.get(h) for h in header]) for i, r in enumerate(records, start=2)]
        return cls(header=header, rows=rows)


@dataclass
class GuardianRow:
    name: str
    email: str


@dataclass
class StudentRow:
    """One valid row, ready to compare with the database."""

    row: int
    student_number: str
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    class_name: str
    year_of_study: int | None
    level: str | None
    # None: not in the file, keep what is stored. The prefix column, when present, is
    # authoritative ("" clears it); e-mail, postcode and guardians are only ever added.
    name_prefix: str | None = None
    email: str | None = None
    home_postcode: str | None = None
    guardians: list[GuardianRow] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        parts = [self.first_name, self.name_prefix or "", self.last_name]
        return " ".join(p for p in parts if p)


@dataclass
class ParsedImport:
    """The outcome of reading and checking a file, before looking at the database."""

    rows: list[StudentRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as in the file
    ignored_columns: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Reading the file.
# ---------------------------------------------------------------------------


def read_table(data: bytes, filename: str = "") -> Table:
    """Cells of a CSV or XLSX file; raises ImportFileError when it cannot be read."""
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB."))
    name = filename.lower()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read; save the file as .xlsx or as CSV.")
        )
    if name.endswith((".xlsx", ".xlsm")):
        raise ImportFileError(_("The file is not a valid XLSX workbook."))
    return _read_csv(decode_text(data))


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252 when that decodes cleanly; nothing else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise ImportFileError(
            _(
                "The file is not a text file in a known encoding (it may be UTF-16 or "
                "binary). Save it as “CSV UTF-8” or as XLSX."
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = None
    if text is None or CONTROL_RE.search(text):
        raise ImportFileError(
            _(
                "The file's encoding is not recognised (expected UTF-8 or Windows-1252). "
                "Save it as “CSV UTF-8” or as XLSX."
            )
        )
    return text


def sniff_delimiter(text: str) -> str:
    """The delimiter occurring most in the first non-empty line: ';', ',' or tab."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(text: str) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > MAX_COLUMNS:
                raise ImportFileError(_("The file has too many columns."), row=number)
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header, header_number = cells, number
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    except csv.Error as exc:
        raise ImportFileError(
            _("The file is not valid CSV (%(reason)s).") % {"reason": exc}
        ) from exc
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return Table(header=header, rows=rows, header_row=header_number)


def _read_xlsx(data: bytes) -> Table:
    import openpyxl  # imported here: only XLSX imports pay for it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ImportFileError(_("The workbook is too large."))
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign zip
        raise ImportFileError(_("The file is not a valid XLSX workbook.")) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The file is empty."))
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        rows: list[tuple[int, list[Any]]] = []
        formulas: set[tuple[int, int]] = set()
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1), start=1):
            values = [c.value for c in cells]
            if len(values) > MAX_COLUMNS and values[MAX_COLUMNS] is not None:
                raise ImportFileError(_("The file has too many columns."), row=number)
            for index, cell in enumerate(cells):
                if cell.data_type == "f":
                    formulas.add((number, index))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            if header is None:
                header = ["" if v is None else str(v) for v in values]
                header_number = number
                continue
            rows.append((number, values))
            if len(rows) > MAX_ROWS:
                raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_("The file is not a valid XLSX workbook.")) from exc
    finally:
        workbook.close()
    if header is None:
        raise ImportFileError(_("The file is empty."))
    # A formula in the header shows as its text ("=…") and is reported by map_columns.
    return Table(header=header, rows=rows, formula_cells=formulas, header_row=header_number)


# ---------------------------------------------------------------------------
# Columns.
# ---------------------------------------------------------------------------


def normalise_header(text: Any) -> str:
    """'Geb. datum' → 'gebdatum': lower case, letters and digits only."""
    return "".join(ch for ch in str(text or "").casefold() if ch.isalnum())


def map_columns(
    header: list[str], header_row: int = 1
) -> tuple[dict[str, int], list[RowError], list[str]]:
    """Field → column index; errors for missing required or doubled columns; ignored."""
    known = {alias for aliases in COLUMNS.values() for alias in aliases}
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        key = normalise_header(name)
        if not key:
            continue
        if looks_like_formula(name):
            errors.append(
                RowError(
                    header_row,
                    str(name).strip(),
                    _("Contains a spreadsheet formula; export values only."),
                )
            )
        if key not in seen:
            seen[key] = index
        elif key in known:
            errors.append(
                RowError(header_row, str(name).strip(), _("This column appears more than once."))
            )
    mapping: dict[str, int] = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in seen:
                mapping[name] = seen[alias]
                break
    for name in REQUIRED:
        if name not in mapping:
            names = ", ".join(_pretty_aliases(name))
            errors.append(
                RowError(
                    header_row,
                    REQUIRED_LABELS[name],
                    _("Required column is missing; recognised names: %(names)s.")
                    % {"names": names},
                )
            )
    used = set(mapping.values())
    ignored = [
        str(h).strip() for i, h in enumerate(header) if i not in used and normalise_header(h)
    ]
    return mapping, errors, ignored


def _pretty_aliases(name: str) -> list[str]:
    pretty = {
        "student_number": ["Leerlingnummer", "Stamnr", "Stamnummer"],
        "first_name": ["Roepnaam", "Voornaam"],
        "last_name": ["Achternaam"],
        "date_of_birth": ["Geboortedatum", "Geb.datum"],
        "school_class": ["Klas", "Stamgroep"],
    }
    return pretty.get(name, list(COLUMNS[name]))


# ---------------------------------------------------------------------------
# Values.
# ---------------------------------------------------------------------------


def looks_like_formula(value: Any) -> bool:
    """A text a spreadsheet would run: '=…', '+…', '@…', '-A…' or '-(…'."""
    return isinstance(value, str) and bool(FORMULA_RE.match(value.strip()))


def cell_text(value: Any) -> str:
    """A cell as trimmed text; whole numbers from XLSX lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    return " ".join(str(value).split())


def parse_date(value: Any) -> datetime.date:
    """A date of birth from a date cell or text; ValueError with a message otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise ValueError(_("Not a date; use dd-mm-yyyy, for example 05-03-2012."))
    text = value.strip()
    match = DATE_DMY_RE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = DATE_YMD_RE.match(text)
        if not match:
            raise ValueError(_("Not a date; use dd-mm-yyyy, for example 05-03-2012."))
        year, month, day = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise ValueError(_("This date does not exist (%(value)s).") % {"value": text}) from exc


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def parse_level(text: str) -> str | None:
    """The level a text names ("VMBO TL 3", "h3", "havo/vwo"); None when none is named.

    Raises ValueError for a text that names no level we know.
    """
    words = re.findall(r"[^\W\d_]+", text.casefold())
    if not words:
        return None
    # "vmbo t", "vmbo-kb", "vmbo gl": glue the track to "vmbo".
    glued: list[str] = []
    for word in words:
        if glued and glued[-1] == "vmbo" and f"vmbo{word}" in LEVEL_WORDS:
            glued[-1] = f"vmbo{word}"
        else:
            glued.append(word)
    found = {LEVEL_WORDS[w] for w in glued if w in LEVEL_WORDS}
    unknown = [w for w in glued if w not in LEVEL_WORDS and w not in LEVEL_NOISE]
    if not found or unknown:
        raise ValueError(
            _(
                "Unknown level “%(value)s”; use for example pro, vmbo-b, vmbo-k, vmbo-g, "
                "vmbo-t, havo or vwo."
            )
            % {"value": text}
        )
    return min(found, key=LEVEL_ORDER.index)


def parse_year(text: str) -> int | None:
    """The first number in a text, when it is a year of study 1–6."""
    match = re.search(r"\d+", text)
    if not match:
        return None
    year = int(match.group())
    return year if 1 <= year <= 6 else None


def year_from_class_name(name: str) -> int | None:
    """The leading digit of a class name: '3T1' → 3, 'H4a' → None."""
    match = re.match(r"^([1-6])(?!\d)", name.strip())
    return int(match.group(1)) if match else None


def normalise_postcode(text: str) -> str:
    match = POSTCODE_RE.match(text.strip())
    if not match:
        raise ValueError(_("Not a Dutch postcode (1234 AB)."))
    return f"{match.group(1)} {match.group(2).upper()}"


# ---------------------------------------------------------------------------
# Rows.
# ---------------------------------------------------------------------------


def parse_rows(
    table: Table,
    *,
    known_classes: dict[str, tuple[int, str]] | None = None,
    today: datetime.date | None = None,
) -> ParsedImport:
    """Check every row of ``table``; collect all errors rather than stop at the first.

    ``known_classes`` maps a class name (case-folded) to the (year of study, level) of
    the school's existing class of that name this school year, to complete rows whose
    file has no such columns.
    """
    known_classes = known_classes or {}
    today = today or timezone.localdate()
    result = ParsedImport()
    mapping, header_errors, result.ignored_columns = map_columns(table.header, table.header_row)
    result.columns = {f: str(table.header[i]).strip() for f, i in mapping.items()}
    result.errors.extend(header_errors)
    if header_errors:
        return result
    if not table.rows:
        result.errors.append(RowError(None, "", _("The file contains no students.")))
        return result

    numbers: dict[str, list[int]] = {}  # student number -> rows using it
    for number, cells in table.rows:
        errors_before = len(result.errors)
        # Formulas anywhere in the row, also in columns we do not import.
        for index, value in enumerate(cells):
            if (number, index) in table.formula_cells or looks_like_formula(value):
                column = str(table.header[index]).strip() if index < len(table.header) else ""
                result.errors.append(
                    RowError(
                        number,
                        column or _("column %(n)s") % {"n": index + 1},
                        _("Contains a spreadsheet formula; export values only."),
                    )
                )
        row = _parse_row(number, cells, mapping, result, known_classes, today)
        if row is not None and len(result.errors) == errors_before:
            result.rows.append(row)
        index = mapping["student_number"]
        if index < len(cells) and cell_text(cells[index]):
            numbers.setdefault(cell_text(cells[index]).casefold(), []).append(number)

    _check_duplicates(result, numbers)
    _check_class_consistency(result)
    result.errors.sort(key=lambda e: (e.row or 0, e.column))
    if result.errors:
        result.rows = []
    return result


def _parse_row(
    number: int,
    cells: list[Any],
    mapping: dict[str, int],
    result: ParsedImport,
    known_classes: dict[str, tuple[int, str]],
    today: datetime.date,
) -> StudentRow | None:
    errors_before = len(result.errors)

    def raw(name: str) -> Any:
        index = mapping.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def error(name: str, message: str) -> None:
        result.errors.append(RowError(number, result.columns.get(name, ""), message))

    def text(name: str, *, required: bool = False) -> str:
        value = raw(name)
        if looks_like_formula(value):
            return ""  # reported above, once per cell
        value = cell_text(value)
        if required and not value:
            error(name, _("This value is required."))
        limit = MAX_LENGTHS.get(name)
        if limit and len(value) > limit:
            error(name, _("Too long: at most %(max)s characters.") % {"max": limit})
        return value

    student_number = text("student_number", required=True)
    if student_number and not STUDENT_NUMBER_RE.match(student_number):
        error("student_number", _("Not a valid student number: use letters and digits."))
    first_name = text("first_name", required=True)
    last_name = text("last_name", required=True)
    prefix = text("name_prefix")
    class_name = text("school_class", required=True)

    born = None
    raw_date = raw("date_of_birth")
    if raw_date is None or (isinstance(raw_date, str) and not raw_date.strip()):
        error("date_of_birth", _("This value is required."))
    elif not looks_like_formula(raw_date):
        try:
            born = parse_date(raw_date)
        except ValueError as exc:
            error("date_of_birth", str(exc))
        else:
            if born > today:
                error("date_of_birth", _("The date of birth is in the future."))
                born = None
            elif not MIN_AGE <= age_on(born, today) <= MAX_AGE:
                error(
                    "date_of_birth",
                    _("An age of %(age)s cannot be right for a student (expected 8 to 25).")
                    % {"age": age_on(born, today)},
                )
                born = None

    email = text("email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            error("email", _("Not a valid e-mail address."))

    postcode = text("home_postcode")
    if postcode:
        try:
            postcode = normalise_postcode(postcode)
        except ValueError as exc:
            error("home_postcode", str(exc))

    guardians: list[GuardianRow] = []
    for n in (1, 2):
        g_name = text(f"guardian{n}_name")
        g_email = text(f"guardian{n}_email")
        if g_email:
            try:
                validate_email(g_email)
            except ValidationError:
                error(f"guardian{n}_email", _("Not a valid e-mail address."))
        if g_name or g_email:
            duplicate = any(
                (g_email and g.email.casefold() == g_email.casefold())
                or (not g_email and not g.email and g.name.casefold() == g_name.casefold())
                for g in guardians
            )
            if not duplicate:
                guardians.append(GuardianRow(name=g_name or g_email, email=g_email))

    year, level = _year_and_level(class_name, raw, error, known_classes)

    if len(result.errors) > errors_before or born is None:
        return None
    return StudentRow(
        row=number,
        student_number=student_number,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=born,
        class_name=class_name,
        year_of_study=year,
        level=level,
        name_prefix=prefix if "name_prefix" in mapping else None,
        email=email or None,
        home_postcode=postcode or None,
        guardians=guardians,
    )


def _year_and_level(
    class_name: str,
    raw: Callable[[str], Any],
    error: Callable[[str, str], None],
    known_classes: dict[str, tuple[int, str]],
) -> tuple[int | None, str | None]:
    """Year of study and level from their columns, else from the class (see module doc)."""
    year: int | None = None
    level: str | None = None
    year_value = cell_text(raw("year_of_study"))
    if year_value and not looks_like_formula(raw("year_of_study")):
        year = parse_year(year_value)
        if year is None:
            error("year_of_study", _("The year of study must be a number from 1 to 6."))
            return None, None
    level_value = cell_text(raw("level"))
    if level_value and not looks_like_formula(raw("level")):
        try:
            level = parse_level(level_value)
        except ValueError as exc:
            error("level", str(exc))
            return None, None
        if year is None:
            year = parse_year(level_value)  # "H3", "vmbo-t 3"
    if not class_name:
        return year, level
    known = known_classes.get(class_name.casefold())
    if year is None:
        year = year_from_class_name(class_name) or (known[0] if known else None)
    if level is None and known:
        level = known[1]
    return year, level


def _check_duplicates(result: ParsedImport, rows_by_number: dict[str, list[int]]) -> None:
    column = result.columns.get("student_number", "")
    for numbers in rows_by_number.values():
        if len(numbers) < 2:
            continue
        listed = ", ".join(str(n) for n in numbers)
        for n in numbers:
            result.errors.append(
                RowError(
                    n,
                    column,
                    ngettext(
                        "This student number appears more than once in the file (row %(rows)s).",
                        "This student number appears more than once in the file (rows %(rows)s).",
                        len(numbers),
                    )
                    % {"rows": listed},
                )
            )


def _check_class_consistency(result: ParsedImport) -> None:
    """Every row of one class needs one year of study and one level (or none known)."""
    first: dict[str, StudentRow] = {}
    for row in result.rows:
        if row.year_of_study is None:
            result.errors.append(
                RowError(
                    row.row,
                    result.columns.get("year_of_study") or result.columns["school_class"],
                    _(
                        "The year of study cannot be derived from class “%(name)s”; add a "
                        "column Leerjaar."
                    )
                    % {"name": row.class_name},
                )
            )
            continue
        if row.level is None:
            result.errors.append(
                RowError(
                    row.row,
                    result.columns.get("level") or result.columns["school_class"],
                    _(
                        "The level cannot be derived from class “%(name)s”; add a column "
                        "Niveau (or Opleiding) with for example havo or vmbo-t."
                    )
                    % {"name": row.class_name},
                )
            )
            continue
        key = row.class_name.casefold()
        if key not in first:
            first[key] = row
            continue
        other = first[key]
        if (other.year_of_study, other.level) != (row.year_of_study, row.level):
            result.errors.append(
                RowError(
                    row.row,
                    result.columns["school_class"],
                    _("Class “%(name)s” has another year of study or level in row %(other)s.")
                    % {"name": row.class_name, "other": other.row},
                )
            )
