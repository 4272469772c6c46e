from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Long passphrases are welcome (ASVS 6.2.9), but not unbounded input to the hasher."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long. Use at most %(max)d characters.")
                % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Your password may be up to %(max)d characters long.") % {"max": self.max_length}


CONTEXT_WORDS = (
    "lpse",
    "spse",
    "pokja",
    "openlpse",
    "pengadaan",
    "inaproc",
    "lkpp",
    "password",
    "katasandi",
)


class ContextWordValidator:
    """Refuse passwords built on words of this service (ASVS 6.1.2, 6.2.11)."""

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        for word in CONTEXT_WORDS:
            if word in lowered and len(lowered) - len(word) < 8:
                raise ValidationError(
                    _(
                        "This password is mostly the word “%(word)s”. Choose a password that is not about this service."
                    )
                    % {"word": word},
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return _("Your password cannot be built on words such as “lpse” or “pokja”.")
