"""The seed's subsidy figures as the first versions of each scheme (see subsidy.PRESETS).

The figures are written out here, not imported, so that later changes to the presets in
code never rewrite history: a change is a new scheme version.
"""

import datetime

from django.db import migrations

SOURCE = "Leeuwarden plan MaS, chapter 7 'Financiën'"
PRESETS = [
    ("pilot", 1, "Subsidie pilot Friesland 2008/09", datetime.date(2008, 8, 1),
     {"amount_per_student": "100.00", "advance_share": "0.5"}),
    ("additional", 1, "Aanvullende bekostiging 2008/09", datetime.date(2008, 8, 1),
     {"budget": "27000000", "national_counted_pupils": "933000", "ratio": "4.7",
      "floor_per_brin": "18000", "application_deadline": "01-06", "report_deadline": "15-09"}),
    ("additional", 2, "Aanvullende bekostiging vanaf 2011/12", datetime.date(2011, 8, 1),
     {"amount_per_counted_pupil": "105.00", "ratio": "4.7", "floor_per_brin": "18000",
      "application_deadline": "01-06", "report_deadline": "15-09"}),
    ("municipal", 1, "Verdeling gemeenten 2008", datetime.date(2008, 1, 1),
     {"budget": "5000000", "inhabitants_share": "0.5"}),
    ("municipal", 2, "Verdeling gemeenten 2009", datetime.date(2009, 1, 1),
     {"budget": "15000000", "inhabitants_share": "0.5"}),
    ("municipal", 3, "Verdeling gemeenten 2010", datetime.date(2010, 1, 1),
     {"budget": "20000000", "inhabitants_share": "0.5"}),
    ("municipal", 4, "Verdeling gemeenten 2011", datetime.date(2011, 1, 1),
     {"budget": "30000000", "inhabitants_share": "0.5"}),
    ("national_org", 1, "Tegemoetkoming intentieverklaringen", datetime.date(2008, 1, 1),
     {"amount_per_placement": "10.00"}),
]  # fmt: skip


def add_presets(apps, schema_editor):
    Scheme = apps.get_model("reports", "SubsidyScheme")
    for kind, version, name, valid_from, parameters in PRESETS:
        Scheme.objects.get_or_create(
            kind=kind,
            version=version,
            defaults={
                "name": name,
                "valid_from": valid_from,
                "parameters": parameters,
                "source": SOURCE,
            },
        )


def remove_presets(apps, schema_editor):
    Scheme = apps.get_model("reports", "SubsidyScheme")
    for kind, version, *_rest in PRESETS:
        Scheme.objects.filter(kind=kind, version=version, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(add_presets, remove_presets)]
