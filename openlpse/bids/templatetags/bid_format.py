"""Template filters of the sealed-bid pages."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def breakable(value: object, every: int = 16) -> SafeString:
    """A long hash that may wrap in a narrow table cell: `<wbr>` every `every` characters
    (the text and a copied value stay the same)."""
    text = str(value or "")
    step = max(int(every), 1)
    parts = [escape(text[i : i + step]) for i in range(0, len(text), step)]
    return mark_safe("<wbr>".join(parts))  # noqa: S308 - every part is escaped
