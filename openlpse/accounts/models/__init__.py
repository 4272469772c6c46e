from .access_log import AccessEvent, AccessLogEntry
from .registrations import (
    AuditorInstitution,
    AuditorRegistration,
    AuditorRegistrationStatus,
    OfficialProfile,
)
from .roles import RoleAssignment
from .tokens import ApiToken
from .user import User

__all__ = [
    "AccessEvent",
    "AccessLogEntry",
    "ApiToken",
    "AuditorInstitution",
    "AuditorRegistration",
    "AuditorRegistrationStatus",
    "OfficialProfile",
    "RoleAssignment",
    "User",
]
