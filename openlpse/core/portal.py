"""What every page needs to know: the current LPSE, the chooser list, the server time."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openlpse.core import clock
from openlpse.core.timezones import local_time_label


def context_for(request: HttpRequest) -> dict[str, Any]:
    from openlpse.organizations.models import Lpse

    lpse = getattr(request, "lpse", None)
    zone = lpse.time_zone if lpse is not None else "Asia/Jakarta"
    return {
        "current_lpse": lpse,
        "all_lpses": Lpse.objects.filter(is_active=True).only("slug", "name"),
        "server_time": local_time_label(clock.now(), zone),
    }
