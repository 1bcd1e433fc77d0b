"""The one error a service raises for a refused change: a message for the user."""

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A change that is not allowed; the message is shown to the user as it is."""
