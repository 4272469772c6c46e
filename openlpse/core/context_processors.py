from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    """Current LPSE (from the URL or the chooser), all LPSEs for the chooser, the server time."""
    from openlpse.core import portal as portal_ctx

    return portal_ctx.context_for(request)
