"""Hooks that domain apps provide to the core, found by module name.

An app may define, next to its models:
- ``nav.py`` with ``items(principal) -> list[(label, url)]`` for the main navigation;
- ``panels.py`` with ``panels(user, principal) -> list[(template, context)]`` for the dashboard;
- ``demo.py`` with ``seed(ctx)`` to add its part of the demo region;
- ``tests/access_matrix.py`` with ``MATRIX`` entries for the authorisation matrix test.
The core calls them in INSTALLED_APPS order, so no app has to edit another app's files.
"""

from functools import cache
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import apps


def app_modules(name: str, attr: str | None = None) -> list[ModuleType]:
    """The ``<app>.<name>`` modules of Meedoen's own apps that exist (and define ``attr``),
    in INSTALLED_APPS order."""
    return list(_app_modules(name, attr))


@cache
def _app_modules(name: str, attr: str | None) -> tuple[ModuleType, ...]:
    # Looked up once per process: the navigation asks on every page, and finding a
    # module spec touches the file system. The installed apps do not change at run time.
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("meedoen."):
            continue
        dotted = f"{config.name}.{name}"
        try:
            spec = find_spec(dotted)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            module = import_module(dotted)
            if attr is None or hasattr(module, attr):
                found.append(module)
    return tuple(found)
