"""People and places of a MaS region.

A *region* is the area one broker (maatschappelijk makelaar, e.g. iDOE in Leiden)
serves. It holds municipalities (gemeenten), schools with their locations
(vestigingen, each school identified by its BRIN number) grouped under school
boards (besturen), and host organisations (stagebieders). People hold
*memberships*: a role in one scope (a school, an organisation, a board, a region
or a municipality). What a membership lets a person see is decided in
``meedoen.core.policy``, not here.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

brin_validator = RegexValidator(
    r"^[0-9]{2}[A-Z]{2}$", _("A BRIN number is two digits followed by two capital letters.")
)
postcode_validator = RegexValidator(
    r"^[1-9][0-9]{3} ?[A-Z]{2}$", _("Enter a Dutch postcode such as 2311 AB.")
)


class Sector(models.TextChoices):
    CARE = "care", _("Care")
    WELFARE = "welfare", _("Welfare")
    SPORT = "sport", _("Sport")
    CULTURE = "culture", _("Culture")
    NATURE = "nature", _("Nature and environment")
    OTHER = "other", _("Other")


class Address(models.Model):
    """Street address with coordinates (WGS84) for distance searches."""

    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[postcode_validator]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def address_line(self) -> str:
        return ", ".join(p for p in [self.street, f"{self.postcode} {self.city}".strip()] if p)


class Region(models.Model):
    """The area of one broker."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    broker_name = models.CharField(_("broker"), max_length=100)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="municipalities", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=100)
    cbs_code = models.CharField(_("CBS code"), max_length=6, blank=True)
    inhabitants = models.PositiveIntegerField(_("inhabitants"), default=0)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="uniq_municipality_name")
        ]

    def __str__(self) -> str:
        return self.name


class SchoolBoard(models.Model):
    """A school board (bestuur) that runs one or more schools; its project lead sees all."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="boards", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("school board")
        verbose_name_plural = _("school boards")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="schools", verbose_name=_("region")
    )
    board = models.ForeignKey(
        SchoolBoard,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schools",
        verbose_name=_("school board"),
    )
    brin = models.CharField(
        _("BRIN number"), max_length=4, unique=True, validators=[brin_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    required_hours = models.PositiveSmallIntegerField(
        _("required MaS hours"),
        default=30,
        help_text=_("Default for the school's cohorts (30 in the Leiden covenant)."),
    )
    guardian_signature_age = models.PositiveSmallIntegerField(
        _("parent signs below age"), default=16
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.brin})"


class Location(Address):
    """A school location (vestiging)."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="locations", verbose_name=_("school")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="locations",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("school location")
        verbose_name_plural = _("school locations")
        ordering = ["school__name", "name"]

    def __str__(self) -> str:
        return self.name


class LegalForm(models.TextChoices):
    FOUNDATION = "stichting", _("Foundation (stichting)")
    ASSOCIATION = "vereniging", _("Association (vereniging)")
    PUBLIC = "public", _("Public body")
    CHURCH = "church", _("Church or religious community")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class Organisation(Address):
    """A host organisation (stagebieder)."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="organisations", verbose_name=_("region")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, default=LegalForm.FOUNDATION
    )
    non_profit = models.BooleanField(_("non-profit"), default=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    verified = models.BooleanField(
        _("verified by the broker"),
        default=True,
        help_text=_("Organisations proposed by students start unverified."),
    )
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [str(labels.get(s, s)) for s in self.sectors]


class ContactPerson(models.Model):
    """A contact of an organisation; may or may not have an account."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    function = models.CharField(_("function"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Platform administrator")
    BROKER = "broker", _("Broker")
    MUNICIPALITY = "municipality", _("Municipality")
    PROJECT_LEAD = "project_lead", _("School-board project lead")
    COORDINATOR = "coordinator", _("School coordinator")
    MENTOR = "mentor", _("Mentor")
    ORGANISATION = "organisation", _("Host organisation")
    STUDENT = "student", _("Student")


# Which scope each role's membership names.
ROLE_SCOPE = {
    Role.ADMIN: None,
    Role.BROKER: "region",
    Role.MUNICIPALITY: "municipality",
    Role.PROJECT_LEAD: "board",
    Role.COORDINATOR: "school",
    Role.MENTOR: "school",
    Role.ORGANISATION: "organisation",
    Role.STUDENT: "school",
}
STAFF_ROLES = {Role.ADMIN, Role.BROKER, Role.MUNICIPALITY, Role.COORDINATOR, Role.PROJECT_LEAD}


class Membership(models.Model):
    """A person's role in one scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True)
    board = models.ForeignKey(SchoolBoard, on_delete=models.CASCADE, null=True, blank=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role="admin")
                    | Q(role="broker", region__isnull=False)
                    | Q(role="municipality", municipality__isnull=False)
                    | Q(role="project_lead", board__isnull=False)
                    | Q(role__in=["coordinator", "mentor", "student"], school__isnull=False)
                    | Q(role="organisation", organisation__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.scope}"

    @property
    def scope(self):
        field = ROLE_SCOPE.get(Role(self.role))
        return getattr(self, field) if field else None
