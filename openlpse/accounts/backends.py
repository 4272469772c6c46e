from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from openlpse.accounts.models.user import User
from openlpse.core.models import Notification


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with the user name or the e-mail address, both case-insensitive."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        field = "email__iexact" if "@" in username else "username__iexact"
        user = User.objects.filter(**{field: username.strip()}).first()
        if user is None:
            # Same work as a real check, so timing does not reveal unknown accounts (ASVS 6.3.8).
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        """The session's user, with `unread_notifications` (the header's inbox badge) counted
        in the same query, so the badge adds no query to any page."""
        unread = (
            Notification.objects.filter(user_id=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("user_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        user = (
            User._default_manager.annotate(unread_notifications=Coalesce(Subquery(unread), 0))
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
