"""The bids app's menu entries (core.navigation)."""


def register() -> None:
    return None
