from .fixtures import in_english, world  # noqa: F401
