"""``manage.py import_students FILE --school BRIN [--dry-run] [--actor USERNAME]``.

The same import as the page (``students_import``): the whole file is checked first and
nothing is written when a row has an error; the errors are printed one per line
("row 5, column Geb.datum: …", in the active language) and the command exits with an
error. With ``--dry-run`` it only reports what would happen.

Without ``--actor`` the command acts as the system: there is no permission check (who
can run manage.py already runs the platform) and the audit event has no person. With
``--actor`` the person must be allowed to import for the school, like on the page.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meedoen.core.errors import ServiceError
from meedoen.directory.models import School
from meedoen.students.services_import import students_import


class Command(BaseCommand):
    help = "Import students and classes from a Magister or SOMtoday export (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export file (.csv or .xlsx)")
        parser.add_argument("--school", required=True, metavar="BRIN", help="the school's BRIN")
        parser.add_argument("--dry-run", action="store_true", help="only report what would change")
        parser.add_argument(
            "--actor",
            metavar="USERNAME",
            help="import as this person (checked and audited); default: the system",
        )

    def handle(self, *args, file: str, school: str, dry_run: bool, actor: str | None, **opts):
        found = School.objects.filter(brin__iexact=school.strip()).first()
        if found is None:
            raise CommandError(_("No school with BRIN %(brin)s.") % {"brin": school})
        person = None
        if actor:
            person = get_user_model().objects.filter(username=actor).first()
            if person is None:
                raise CommandError(_("No user %(name)s.") % {"name": actor})
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        try:
            report = students_import(actor=person, school=found, rows_or_file=path, dry_run=dry_run)
        except ServiceError as exc:
            raise CommandError(exc.messages[0]) from exc

        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                ngettext(
                    "%(count)s error; nothing has been imported.",
                    "%(count)s errors; nothing has been imported.",
                    len(report.errors),
                )
                % {"count": len(report.errors)}
            )
        heading = _("Dry run, nothing saved") if dry_run else _("Imported")
        self.stdout.write(f"{heading}: {found}")
        lines = [
            (_("new students"), report.created),
            (_("changed students"), report.changed),
            (_("unchanged students"), report.unchanged),
            (_("students of the school not in the file (kept)"), report.not_in_file),
            (_("new classes"), len(report.classes_created)),
            (_("new cohorts"), len(report.cohorts_created)),
            (_("new parents and guardians"), report.guardians_created),
        ]
        for label, count in lines:
            self.stdout.write(f"  {label}: {count}")
        for row in report.changed_rows:
            fields = ", ".join(row.field_labels)
            detail = f" ({fields})" if fields else ""
            self.stdout.write(
                _("row %(row)s: %(number)s %(name)s — %(outcome)s%(detail)s")
                % {
                    "row": row.row,
                    "number": row.student_number,
                    "name": row.name,
                    "outcome": row.outcome_label,
                    "detail": detail,
                }
            )
