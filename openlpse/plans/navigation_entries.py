"""The plans app's menu entries (core.navigation). Filled in by the RUP pages."""


def register() -> None:
    return None
