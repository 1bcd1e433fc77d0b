"""People who sign in. What they may do comes from their memberships (directory app)."""

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with an account: staff of a school, organisation, broker or municipality,
    or a student. Parents usually have no account and act through signed links."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
