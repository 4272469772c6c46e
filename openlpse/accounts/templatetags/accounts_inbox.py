"""``{% load accounts_inbox %}`` then ``{% unread_notifications as unread %}``: how many inbox
messages the signed-in user has not read, for the badge in the page header.

The number normally comes with the user from the session (the authentication backend annotates
it in the same query), so the badge costs no query; without it, one COUNT.
"""

from __future__ import annotations

from django import template

from openlpse.core import notifications

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    known = getattr(user, "unread_notifications", None)
    if isinstance(known, int):
        return known
    return notifications.unread_count(user=user)
