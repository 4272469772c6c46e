"""The tenders app's menu entries (core.navigation). Filled in by the tender pages."""


def register() -> None:
    return None
