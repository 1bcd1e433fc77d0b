"""The student import: a school's export of students and classes into Meedoen.

``students_import`` is the one service. It reads and checks the whole file first
(``meedoen.students.importer``); if a single row has an error, nothing is written
and the report lists every error with its row, column and reason. Otherwise it
compares the rows with what the school already has and, unless it is a dry run,
writes the differences in one transaction:

* cohorts (this school year, year of study, level; required hours from the school)
  and classes are created when missing;
* students are matched on the school's student number; a new number is created, a
  known one is updated where the file differs (names, date of birth, class, and
  e-mail and postcode when the file has one), and re-enrolled if it was not active;
* guardians are matched per student on e-mail (or on name when they have none) and
  are added or renamed;
* students of the school who are not in the file are left alone and only counted:
  a partial export (one year of study) must not unenrol the others.

Importing the same file twice changes nothing the second time. A real import leaves
one audit event on the school with the counts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meedoen.core.audit import audit_record
from meedoen.core.errors import ServiceError
from meedoen.core.policy import may
from meedoen.directory.models import School

from .importer import (
    MAX_FILE_BYTES,
    ImportFileError,
    RowError,
    StudentRow,
    Table,
    parse_rows,
    read_table,
)
from .models import Cohort, Guardian, Level, SchoolClass, Student, current_school_year

CREATED, CHANGED, UNCHANGED = "created", "changed", "unchanged"
OUTCOME_LABELS = {
    CREATED: gettext_lazy("new"),
    CHANGED: gettext_lazy("changed"),
    UNCHANGED: gettext_lazy("unchanged"),
}
FIELD_LABELS = {
    "first_name": gettext_lazy("first name"),
    "name_prefix": gettext_lazy("prefix"),
    "last_name": gettext_lazy("last name"),
    "date_of_birth": gettext_lazy("date of birth"),
    "email": gettext_lazy("e-mail"),
    "home_postcode": gettext_lazy("home postcode"),
    "school_class": gettext_lazy("class"),
    "active": gettext_lazy("enrolled"),
    "guardians": gettext_lazy("parents and guardians"),
}
ClassKey = tuple[int, str, str]  # year of study, level, class name (case-folded)


@dataclass
class RowOutcome:
    """What the import does (or would do) with one row of the file."""

    row: int
    student_number: str
    name: str
    class_name: str
    outcome: str
    fields: list[str] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    @property
    def field_labels(self) -> list[str]:
        return [str(FIELD_LABELS[f]) for f in self.fields]


@dataclass
class ImportReport:
    """The result of an import or dry run; ``errors`` non-empty means nothing was written."""

    school: School
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    cohorts_created: list[str] = field(default_factory=list)
    classes_created: list[str] = field(default_factory=list)
    guardians_created: int = 0
    not_in_file: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def _count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def created(self) -> int:
        return self._count(CREATED)

    @property
    def changed(self) -> int:
        return self._count(CHANGED)

    @property
    def unchanged(self) -> int:
        return self._count(UNCHANGED)

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.changed or self.classes_created or self.cohorts_created)

    @property
    def changed_rows(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.outcome != UNCHANGED]

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "not_in_file": self.not_in_file,
            "classes_created": len(self.classes_created),
            "cohorts_created": len(self.cohorts_created),
            "guardians_created": self.guardians_created,
            "errors": len(self.errors),
        }


def students_import(*, actor, school: School, rows_or_file: Any, dry_run: bool) -> ImportReport:
    """Import a school's student export, or with ``dry_run`` only report what would happen.

    ``rows_or_file``: the file's bytes, a file object (an upload), a path, a ``Table``
    or a list of dicts (header → value). ``actor=None`` means the system itself (the
    management command without ``--actor``): no permission check, audited without a
    person. Raises ServiceError when ``actor`` may not import for ``school``; every
    problem with the file itself is reported in ``ImportReport.errors``.
    """
    if actor is not None and not may(actor, "school.import_students", school):
        raise ServiceError(_("You may not import students for this school."))
    report = ImportReport(school=school, dry_run=dry_run)
    try:
        table = _table_from(rows_or_file)
    except ImportFileError as exc:
        report.errors.append(RowError(exc.row, exc.column, exc.message))
        return report
    school_year = current_school_year()
    parsed = parse_rows(table, known_classes=_known_classes(school, school_year))
    report.columns = parsed.columns
    report.ignored_columns = parsed.ignored_columns
    report.errors = parsed.errors
    if parsed.errors:
        return report
    if dry_run:
        _plan(school, parsed.rows, school_year).fill(report)
        return report
    with transaction.atomic():
        # One import per school at a time: a second one waits, then finds the first's work.
        School.objects.select_for_update().filter(pk=school.pk).first()
        plan = _plan(school, parsed.rows, school_year)
        plan.apply()
        plan.fill(report)
        report.applied = True
        audit_record(
            actor=actor,
            action="import",
            obj=school,
            note=" ".join(f"{k}={v}" for k, v in report.counts().items()),
        )
    return report


def _table_from(source: Any) -> Table:
    if isinstance(source, Table):
        return source
    if isinstance(source, bytes | bytearray):
        return read_table(bytes(source))
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportFileError(_("The file is larger than 5 MB."))
        return read_table(path.read_bytes(), path.name)
    if isinstance(source, list | tuple):
        return Table.from_dicts(source)
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(MAX_FILE_BYTES + 1)
        return read_table(data, str(getattr(source, "name", "") or ""))
    raise TypeError(f"Cannot import from {type(source).__name__}")


def _known_classes(school: School, school_year: int) -> dict[str, tuple[int, str]]:
    """This year's classes by name, to complete rows without year or level columns."""
    found: dict[str, set[tuple[int, str]]] = {}
    for name, year, level in SchoolClass.objects.filter(
        school=school, cohort__school_year=school_year
    ).values_list("name", "cohort__year_of_study", "cohort__level"):
        found.setdefault(name.casefold(), set()).add((year, level))
    # A name used in two cohorts says nothing: leave it out.
    return {name: next(iter(keys)) for name, keys in found.items() if len(keys) == 1}


@dataclass
class _Plan:
    """The differences between the file and the database, and how to write them."""

    school: School
    school_year: int
    cohorts: dict[tuple[int, str], Cohort]
    classes: dict[ClassKey, SchoolClass]
    new_cohorts: list[tuple[int, str]] = field(default_factory=list)
    new_classes: dict[ClassKey, str] = field(default_factory=dict)
    new_students: list[StudentRow] = field(default_factory=list)
    updates: list[tuple[Student, StudentRow, list[str]]] = field(default_factory=list)
    new_guardians: list[tuple[str, str, str]] = field(default_factory=list)  # number, name, e-mail
    renamed_guardians: list[Guardian] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    not_in_file: int = 0

    def fill(self, report: ImportReport) -> None:
        report.outcomes = self.outcomes
        report.cohorts_created = [
            f"{Level(level).label} {year}" for year, level in self.new_cohorts
        ]
        report.classes_created = sorted(self.new_classes.values())
        report.guardians_created = len(self.new_guardians)
        report.not_in_file = self.not_in_file

    def apply(self) -> None:
        for year, level in self.new_cohorts:
            self.cohorts[(year, level)] = Cohort.objects.create(
                school=self.school,
                school_year=self.school_year,
                year_of_study=year,
                level=level,
                required_hours=self.school.required_hours,
            )
        for key, name in self.new_classes.items():
            year, level, _name = key
            self.classes[key] = SchoolClass.objects.create(
                school=self.school, cohort=self.cohorts[(year, level)], name=name
            )
        Student.objects.bulk_create(
            [
                Student(
                    school=self.school,
                    school_class=self.classes[_class_key(row)],
                    student_number=row.student_number,
                    first_name=row.first_name,
                    name_prefix=row.name_prefix or "",
                    last_name=row.last_name,
                    date_of_birth=row.date_of_birth,
                    email=row.email or "",
                    home_postcode=row.home_postcode or "",
                )
                for row in self.new_students
            ],
            batch_size=500,
        )
        now = timezone.now()
        changed_fields: set[str] = set()
        students = []
        for student, row, fields in self.updates:
            for name in fields:
                if name == "school_class":
                    student.school_class = self.classes[_class_key(row)]
                elif name == "active":
                    student.active = True
                elif name != "guardians":
                    setattr(student, name, getattr(row, name))
            changed_fields.update(f for f in fields if f != "guardians")
            student.updated_at = now
            students.append(student)
        if students:
            Student.objects.bulk_update(
                students, sorted(changed_fields | {"updated_at"}), batch_size=500
            )
        if self.new_guardians:
            numbers = {number for number, _n, _e in self.new_guardians}
            ids = dict(
                Student.objects.filter(school=self.school, student_number__in=numbers).values_list(
                    "student_number", "pk"
                )
            )
            Guardian.objects.bulk_create(
                [
                    Guardian(student_id=ids[number], name=name, email=email)
                    for number, name, email in self.new_guardians
                ],
                batch_size=500,
            )
        if self.renamed_guardians:
            Guardian.objects.bulk_update(self.renamed_guardians, ["name"], batch_size=500)


def _class_key(row: StudentRow) -> ClassKey:
    return (row.year_of_study, row.level, row.class_name.casefold())


def _plan(school: School, rows: list[StudentRow], school_year: int) -> _Plan:
    cohorts = {
        (c.year_of_study, c.level): c
        for c in Cohort.objects.filter(school=school, school_year=school_year)
    }
    classes = {
        (c.cohort.year_of_study, c.cohort.level, c.name.casefold()): c
        for c in SchoolClass.objects.filter(
            school=school, cohort__school_year=school_year
        ).select_related("cohort")
    }
    students = {
        s.student_number: s
        for s in Student.objects.filter(school=school).only(
            "student_number",
            "first_name",
            "name_prefix",
            "last_name",
            "date_of_birth",
            "email",
            "home_postcode",
            "school_class_id",
            "active",
        )
    }
    guardians: dict[int, list[Guardian]] = {}
    for g in Guardian.objects.filter(student__school=school).order_by("pk"):
        guardians.setdefault(g.student_id, []).append(g)
    class_of = {c.pk: key for key, c in classes.items()}

    plan = _Plan(school=school, school_year=school_year, cohorts=cohorts, classes=classes)
    in_file = set()
    for row in rows:
        in_file.add(row.student_number)
        key = _class_key(row)
        cohort_key = (row.year_of_study, row.level)
        if cohort_key not in cohorts and cohort_key not in plan.new_cohorts:
            plan.new_cohorts.append(cohort_key)
        if key not in classes and key not in plan.new_classes:
            plan.new_classes[key] = row.class_name
        student = students.get(row.student_number)
        outcome = RowOutcome(
            row=row.row,
            student_number=row.student_number,
            name=row.full_name,
            class_name=row.class_name,
            outcome=CREATED,
        )
        if student is None:
            plan.new_students.append(row)
            for g in row.guardians:
                plan.new_guardians.append((row.student_number, g.name, g.email))
        else:
            fields = _student_changes(student, row, class_of.get(student.school_class_id), key)
            if _guardian_changes(plan, row, guardians.get(student.pk, [])):
                fields.append("guardians")
            if fields:
                plan.updates.append((student, row, fields))
            outcome.outcome = CHANGED if fields else UNCHANGED
            outcome.fields = fields
        plan.outcomes.append(outcome)
    plan.not_in_file = sum(
        1 for number, s in students.items() if s.active and number not in in_file
    )
    return plan


def _student_changes(
    student: Student, row: StudentRow, current: ClassKey | None, wanted: ClassKey
) -> list[str]:
    fields = []
    for name in ["first_name", "name_prefix", "last_name", "date_of_birth", "email"]:
        value = getattr(row, name)
        if value is not None and value != getattr(student, name):
            fields.append(name)
    if row.home_postcode is not None and row.home_postcode != student.home_postcode:
        fields.append("home_postcode")
    if current != wanted:
        fields.append("school_class")
    if not student.active:
        fields.append("active")
    return fields


def _guardian_changes(plan: _Plan, row: StudentRow, existing: list[Guardian]) -> bool:
    """Queue guardians to add or rename for a known student; True when there are any."""
    changed = False
    for g in row.guardians:
        if g.email:
            match = next((e for e in existing if e.email.casefold() == g.email.casefold()), None)
        else:
            match = next((e for e in existing if e.name.casefold() == g.name.casefold()), None)
        if match is None:
            plan.new_guardians.append((row.student_number, g.name, g.email))
            changed = True
        elif g.email and g.name != g.email and match.name != g.name:
            match.name = g.name
            plan.renamed_guardians.append(match)
            changed = True
    return changed
