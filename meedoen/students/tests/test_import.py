"""The student import: parsing, the all-or-nothing service, the pages and the command."""

import datetime
import io
from io import StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from meedoen.core.errors import ServiceError
from meedoen.core.models import AuditEvent
from meedoen.core.tests import factories as f
from meedoen.students.importer import (
    looks_like_formula,
    parse_date,
    parse_level,
    read_table,
    sniff_delimiter,
    year_from_class_name,
)
from meedoen.students.models import (
    Cohort,
    Guardian,
    Level,
    SchoolClass,
    Student,
    current_school_year,
)
from meedoen.students.services_import import students_import

pytestmark = pytest.mark.django_db

MAGISTER_HEADER = "Stamnr;Roepnaam;Tussenv;Achternaam;Geb.datum;Klas;Studie;E-mail"
MAGISTER_ROWS = [
    "200001;Sébastien;van;Dijk;05-03-2012;3T1;vmbo-t 3;seb@example.org",
    "200002;Fleur;;Bos;1-9-2011;3T1;vmbo-t 3;",
    "200003;Daan;de;Groot;2012-01-31;3H2;havo 3;",
]
SOM_HEADER = [
    "Leerlingnummer",
    "Roepnaam",
    "Voorvoegsels",
    "Achternaam",
    "Geboortedatum",
    "Stamgroep",
    "Leerjaar",
    "Opleiding",
    "E-mailadres",
    "Postcode",
    "Verzorger 1 naam",
    "Verzorger 1 e-mail",
    "Geslacht",
]
# A date cell in a workbook is a naive datetime, as openpyxl reads it back.
BORN_NOAH = datetime.datetime(2011, 6, 15)  # noqa: DTZ001
SOM_ROWS = [
    ["300001", "Noah", "", "Smit", BORN_NOAH, "2V1", 2, "Atheneum",
     "noah@example.org", "2311ab", "Eva Smit", "eva@example.org", "M"],
    [300002, "Lotte", "van der", "Berg", datetime.date(2012, 2, 29), "2V1", 2, "Atheneum",
     None, None, None, None, "V"],
]  # fmt: skip


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.DEMO_SKIP_MFA = True
    settings.MEEDOEN_IMPORT_DIR = tmp_path / "imports"


def magister_csv(rows=None, header=MAGISTER_HEADER, encoding="cp1252") -> bytes:
    lines = [header, *(MAGISTER_ROWS if rows is None else rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx(header=SOM_HEADER, rows=SOM_ROWS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (
        Student.objects.count(),
        SchoolClass.objects.count(),
        Cohort.objects.count(),
        Guardian.objects.count(),
    )


def run(personas, data, *, dry_run=False, name="export.csv", actor=None):
    return students_import(
        actor=actor or personas.coordinator,
        school=personas.school_a,
        rows_or_file=SimpleUploadedFile(name, data),
        dry_run=dry_run,
    )


# ---------------------------------------------------------------------------
# Reading files and values.
# ---------------------------------------------------------------------------


def test_parsing_helpers():
    assert sniff_delimiter("a;b;c\n1;2;3") == ";"
    assert sniff_delimiter("a,b,c") == ","
    assert sniff_delimiter("a\tb\tc") == "\t"
    assert parse_date("5-3-2012") == datetime.date(2012, 3, 5)
    assert parse_date("05/03/2012") == datetime.date(2012, 3, 5)
    assert parse_date("2012-03-05") == datetime.date(2012, 3, 5)
    with pytest.raises(ValueError):
        parse_date("31-02-2012")
    with pytest.raises(ValueError):
        parse_date("morgen")
    assert year_from_class_name("3T1") == 3
    assert year_from_class_name("H4a") is None
    for formula in ["=SUM(A1)", "+31 6", "@cmd", "-A1", "-(1)", " =1"]:
        assert looks_like_formula(formula), formula
    for harmless in ["-5", "van der", "Jan-Willem", "", None, 12]:
        assert not looks_like_formula(harmless), harmless


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("vmbo-t", Level.VMBO_T),
        ("VMBO TL", Level.VMBO_T),
        ("mavo", Level.VMBO_T),
        ("havo", Level.HAVO),
        ("vwo", Level.VWO),
        ("Atheneum", Level.VWO),
        ("gymnasium", Level.VWO),
        ("pro", Level.PRO),
        ("vmbo-b/bb", Level.VMBO_B),
        ("vmbo-k/kb", Level.VMBO_K),
        ("vmbo-g/gl", Level.VMBO_G),
        ("H3", Level.HAVO),
        ("havo/vwo", Level.HAVO),  # a combined class counts as the lowest level
    ],
)
def test_levels_are_recognised(text, level):
    assert parse_level(text) == level


def test_unknown_level_is_refused():
    with pytest.raises(ValueError):
        parse_level("bovenbouw")


def test_utf8_with_bom_and_comma_is_read():
    data = "\ufeffStamnr,Roepnaam,Achternaam\n1,Zoë,Ünal\n".encode()
    table = read_table(data, "x.csv")
    assert table.header == ["Stamnr", "Roepnaam", "Achternaam"]
    assert table.rows == [(2, ["1", "Zoë", "Ünal"])]


# ---------------------------------------------------------------------------
# The service.
# ---------------------------------------------------------------------------


def test_magister_csv_dry_run_reports_and_writes_nothing(personas):
    before = counts()
    report = run(personas, magister_csv(), dry_run=True)
    assert report.ok, report.errors
    assert (report.created, report.changed, report.unchanged) == (3, 0, 0)
    assert report.classes_created == ["3H2", "3T1"]
    assert not report.applied
    assert report.not_in_file == 2  # Sanne Jansen and Daan Bakker are kept, only counted
    assert counts() == before
    assert not AuditEvent.objects.filter(action="import").exists()


def test_magister_csv_in_windows_1252_is_imported(personas):
    report = run(personas, magister_csv())
    assert report.ok and report.applied
    student = Student.objects.get(school=personas.school_a, student_number="200001")
    assert (student.first_name, student.name_prefix, student.last_name) == (
        "Sébastien",
        "van",
        "Dijk",
    )
    assert student.date_of_birth == datetime.date(2012, 3, 5)
    assert student.email == "seb@example.org"
    cohort = student.school_class.cohort
    assert (cohort.school_year, cohort.year_of_study, cohort.level) == (
        current_school_year(),
        3,
        Level.VMBO_T,
    )
    assert cohort.required_hours == personas.school_a.required_hours
    assert Student.objects.get(student_number="200003").school_class.cohort.level == Level.HAVO
    event = AuditEvent.objects.get(action="import")
    assert event.actor == personas.coordinator
    assert event.object_id == str(personas.school_a.pk)
    assert "created=3" in event.note


def test_reimporting_the_same_file_changes_nothing(personas):
    run(personas, magister_csv())
    before = counts()
    stamp = Student.objects.get(student_number="200001").updated_at
    report = run(personas, magister_csv())
    assert report.ok
    assert (report.created, report.changed, report.unchanged) == (0, 0, 3)
    assert report.classes_created == [] and report.cohorts_created == []
    assert counts() == before
    assert Student.objects.get(student_number="200001").updated_at == stamp


def test_a_changed_name_and_class_are_reported_as_changed(personas):
    run(personas, magister_csv())
    rows = [MAGISTER_ROWS[0].replace("Sébastien", "Bas"), *MAGISTER_ROWS[1:]]
    rows[1] = rows[1].replace("3T1", "3T2")
    report = run(personas, magister_csv(rows), dry_run=True)
    assert (report.created, report.changed, report.unchanged) == (0, 2, 1)
    by_row = {o.row: o for o in report.outcomes}
    assert by_row[2].fields == ["first_name"]
    assert by_row[3].fields == ["school_class"]
    assert report.classes_created == ["3T2"]
    assert Student.objects.get(student_number="200001").first_name == "Sébastien"
    report = run(personas, magister_csv(rows))
    assert report.changed == 2
    assert Student.objects.get(student_number="200001").first_name == "Bas"
    assert Student.objects.get(student_number="200002").school_class.name == "3T2"


def test_somtoday_xlsx_with_guardians(personas):
    report = run(personas, xlsx(), name="somtoday.xlsx")
    assert report.ok, report.errors
    assert report.created == 2 and report.guardians_created == 1
    assert "Geslacht" in report.ignored_columns
    noah = Student.objects.get(school=personas.school_a, student_number="300001")
    assert noah.date_of_birth == datetime.date(2011, 6, 15)
    assert noah.home_postcode == "2311 AB"
    assert (noah.school_class.cohort.year_of_study, noah.school_class.cohort.level) == (
        2,
        Level.VWO,
    )
    assert list(noah.guardians.values_list("name", "email")) == [("Eva Smit", "eva@example.org")]
    lotte = Student.objects.get(student_number="300002")  # a number cell, and 29 February
    assert lotte.name_prefix == "van der"
    assert lotte.date_of_birth == datetime.date(2012, 2, 29)
    again = run(personas, xlsx(), name="somtoday.xlsx")
    assert (again.created, again.changed, again.guardians_created) == (0, 0, 0)


def test_a_new_guardian_makes_the_row_changed(personas):
    run(personas, xlsx(), name="somtoday.xlsx")
    rows = [list(r) for r in SOM_ROWS]
    rows[1][10:12] = ["Kees Berg", "kees@example.org"]
    report = run(personas, xlsx(rows=rows), name="somtoday.xlsx")
    assert report.changed == 1 and report.guardians_created == 1
    assert report.changed_rows[0].fields == ["guardians"]
    assert Student.objects.get(student_number="300002").guardians.get().name == "Kees Berg"


def test_year_and_level_come_from_an_existing_class(personas):
    cohort = f.CohortFactory(
        school=personas.school_a, school_year=current_school_year(), year_of_study=4
    )
    f.SchoolClassFactory(cohort=cohort, name="T4b")
    header = "Leerlingnummer;Roepnaam;Achternaam;Geboortedatum;Klas"
    report = run(personas, magister_csv(["1;Ada;Lovelace;10-12-2010;T4b"], header), dry_run=True)
    assert report.ok and report.classes_created == []
    report = run(personas, magister_csv(["1;Ada;Lovelace;10-12-2010;3X9"], header), dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "Klas")]
    assert "Niveau" in report.errors[0].message


def test_someone_of_another_school_may_not_import(personas):
    with pytest.raises(ServiceError):
        run(personas, magister_csv(), actor=personas.coordinator2)
    with pytest.raises(ServiceError):
        run(personas, magister_csv(), actor=personas.mentor)


def _formula_xlsx():
    rows = [list(r) for r in SOM_ROWS]
    rows[1][12] = '=HYPERLINK("http://evil","x")'
    return xlsx(rows=rows)


BAD_FILES = {
    "utf16": (magister_csv(encoding="utf-16"), "export.csv", None, ""),
    "binary": (bytes(range(256)) * 4, "export.csv", None, ""),
    "undecodable_cp1252": (magister_csv() + b"\x81\x8d", "export.csv", None, ""),
    "empty": (b"", "export.csv", None, ""),
    "header_only": (magister_csv([]), "export.csv", None, ""),
    "missing_column": (
        magister_csv(header=MAGISTER_HEADER.replace(";Geb.datum", ";Geboorteplaats")),
        "export.csv",
        1,
        "Geboortedatum / Geb.datum",
    ),
    "impossible_date": (
        magister_csv([*MAGISTER_ROWS[:2], MAGISTER_ROWS[2].replace("2012-01-31", "31-02-2012")]),
        "export.csv",
        4,
        "Geb.datum",
    ),
    "future_date": (
        magister_csv([MAGISTER_ROWS[0].replace("05-03-2012", "01-01-2099")]),
        "export.csv",
        2,
        "Geb.datum",
    ),
    "too_old": (
        magister_csv([MAGISTER_ROWS[0].replace("05-03-2012", "01-01-1960")]),
        "export.csv",
        2,
        "Geb.datum",
    ),
    "bad_email": (
        magister_csv([MAGISTER_ROWS[0].replace("seb@example.org", "seb@")]),
        "export.csv",
        2,
        "E-mail",
    ),
    "formula_csv": (
        magister_csv(
            [*MAGISTER_ROWS[:2], MAGISTER_ROWS[2].replace(";Groot;", ";=cmd|' /C calc'!A0;")]
        ),
        "export.csv",
        4,
        "Achternaam",
    ),
    "formula_xlsx": (_formula_xlsx(), "export.xlsx", 3, "Geslacht"),
    "xlsx_not_zip": (b"this is not a workbook", "export.xlsx", None, ""),
    "damaged_zip": (b"PK\x03\x04" + b"\x00" * 100, "export.xlsx", None, ""),
    "old_xls": (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "export.xls", None, ""),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_writes_nothing_and_explains_itself(personas, case):
    data, name, row, column = BAD_FILES[case]
    before = counts()
    report = run(personas, data, name=name)
    assert report.errors and not report.applied
    assert all(e.message for e in report.errors)
    if row is not None:
        assert (row, column) in [(e.row, e.column) for e in report.errors], report.errors
    assert counts() == before
    assert not AuditEvent.objects.filter(action="import").exists()


def test_duplicate_numbers_are_an_error_on_each_row(personas):
    rows = [*MAGISTER_ROWS, MAGISTER_ROWS[0].replace("Sébastien", "Bas")]
    before = counts()
    report = run(personas, magister_csv(rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "Stamnr"), (5, "Stamnr")]
    assert "2, 5" in report.errors[0].message
    assert counts() == before


def test_a_formula_is_reported_once_and_a_negative_number_is_not_a_formula(personas):
    header = MAGISTER_HEADER + ";Saldo"
    rows = [MAGISTER_ROWS[0] + ";-5", MAGISTER_ROWS[1].replace(";3T1;", ";@SUM(A1);") + ";-5"]
    report = run(personas, magister_csv(rows, header), dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(3, "Klas")]


def test_one_bad_row_among_good_ones_writes_nothing(personas):
    rows = [*MAGISTER_ROWS, "200004;Kim;;Vos;12-13-2012;3T1;vmbo-t 3;"]
    before = counts()
    report = run(personas, magister_csv(rows))
    assert [(e.row, e.column) for e in report.errors] == [(5, "Geb.datum")]
    assert report.outcomes == [] and counts() == before


# ---------------------------------------------------------------------------
# The pages.
# ---------------------------------------------------------------------------


def upload(client, personas, data, name="export.csv", school=None):
    return client.post(
        reverse("students:import"),
        {"school": (school or personas.school_a).pk, "file": SimpleUploadedFile(name, data)},
    )


def test_upload_shows_dry_run_then_confirm_imports(personas, client):
    client.force_login(personas.coordinator)
    assert client.get(reverse("students:import")).status_code == 200
    before = counts()
    response = upload(client, personas, magister_csv())
    assert response.status_code == 200
    report, token = response.context["report"], response.context["token"]
    assert report.ok and report.created == 3 and token
    assert counts() == before
    text = response.content.decode()
    assert "Sébastien" in text and reverse("students:import_confirm") in text
    assert "<caption>" in text

    response = client.post(reverse("students:import_confirm"), {"token": token})
    assert response.status_code == 200
    assert response.context["report"].applied
    assert Student.objects.filter(school=personas.school_a, student_number="200001").exists()
    assert Student.objects.count() == before[0] + 3

    # The staged file is gone: confirming twice imports nothing more.
    response = client.post(reverse("students:import_confirm"), {"token": token})
    assert response.status_code == 200 and "report" not in response.context
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_confirm_needs_the_token_of_this_session(personas, client):
    client.force_login(personas.coordinator)
    token = upload(client, personas, magister_csv()).context["token"]
    before = counts()
    response = client.post(reverse("students:import_confirm"), {"token": "0" * 32})
    assert response.status_code == 200 and counts() == before
    other = type(client)()
    other.force_login(personas.coordinator)
    other.post(reverse("students:import_confirm"), {"token": token})
    assert counts() == before


def test_confirm_refuses_a_staged_file_that_changed(personas, client, settings):
    client.force_login(personas.coordinator)
    token = upload(client, personas, magister_csv()).context["token"]
    (settings.MEEDOEN_IMPORT_DIR / token).write_bytes(magister_csv(MAGISTER_ROWS[:1]))
    before = counts()
    response = client.post(reverse("students:import_confirm"), {"token": token})
    assert response.status_code == 200 and "report" not in response.context
    assert counts() == before


def test_upload_with_errors_shows_them_and_offers_no_confirm(personas, client):
    client.force_login(personas.coordinator)
    rows = [*MAGISTER_ROWS[:2], MAGISTER_ROWS[2].replace("2012-01-31", "31-02-2012")]
    response = upload(client, personas, magister_csv(rows))
    assert response.status_code == 200
    assert response.context["token"] is None
    assert [(e.row, e.column) for e in response.context["report"].errors] == [(4, "Geb.datum")]
    text = response.content.decode()
    assert "Geb.datum" in text and reverse("students:import_confirm") not in text


@pytest.mark.parametrize(
    ("name", "data"),
    [("export.pdf", b"%PDF-1.4"), ("export.csv", b"x" * (5 * 1024 * 1024 + 1))],
)
def test_upload_refuses_wrong_type_and_too_big(personas, client, name, data):
    client.force_login(personas.coordinator)
    response = upload(client, personas, data, name=name)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert "report" not in response.context


def test_another_schools_coordinator_gets_404(personas, client):
    client.force_login(personas.coordinator2)
    before = counts()
    response = upload(client, personas, magister_csv(), school=personas.school_a)
    assert response.status_code == 404
    assert counts() == before
    for persona in (personas.mentor, personas.outsider, personas.broker):
        client.force_login(persona)
        assert client.get(reverse("students:import")).status_code == 404
        assert upload(client, personas, magister_csv()).status_code == 404


# ---------------------------------------------------------------------------
# The command.
# ---------------------------------------------------------------------------


def test_command_imports_and_dry_runs(personas, tmp_path):
    path = tmp_path / "magister.csv"
    path.write_bytes(magister_csv())
    out = StringIO()
    call_command("import_students", str(path), "--school", "11AA", "--dry-run", stdout=out)
    assert "3" in out.getvalue() and Student.objects.filter(student_number="200001").count() == 0
    call_command("import_students", str(path), "--school", "11aa", stdout=StringIO())
    assert Student.objects.filter(school=personas.school_a, student_number="200001").exists()
    event = AuditEvent.objects.get(action="import")
    assert event.actor is None  # without --actor the command acts as the system


def test_command_reports_errors_and_writes_nothing(personas, tmp_path):
    rows = [*MAGISTER_ROWS[:2], MAGISTER_ROWS[2].replace("2012-01-31", "31-02-2012")]
    path = tmp_path / "magister.csv"
    path.write_bytes(magister_csv(rows))
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_students", str(path), "--school", "11AA", stderr=err)
    assert "4" in err.getvalue() and "Geb.datum" in err.getvalue()
    assert counts() == before


def test_command_checks_the_actor(personas, tmp_path):
    path = tmp_path / "magister.csv"
    path.write_bytes(magister_csv())
    with pytest.raises(CommandError):
        call_command("import_students", str(path), "--school", "11AA", "--actor", "coordinator2")
    with pytest.raises(CommandError):
        call_command("import_students", str(path), "--school", "99ZZ")
    call_command(
        "import_students", str(path), "--school", "11AA", "--actor", "coordinator",
        stdout=StringIO(),
    )  # fmt: skip
    assert AuditEvent.objects.get(action="import").actor == personas.coordinator
