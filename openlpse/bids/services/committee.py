"""Committee keys (placeholder until filled in)."""


def register_hooks() -> None:
    return None
