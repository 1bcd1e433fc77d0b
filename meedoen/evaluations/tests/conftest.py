from meedoen.hours.tests.fixtures import in_english, world  # noqa: F401
