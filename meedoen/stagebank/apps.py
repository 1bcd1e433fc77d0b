from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StagebankConfig(AppConfig):
    name = "meedoen.stagebank"
    label = "stagebank"
    verbose_name = _("Placement bank")
