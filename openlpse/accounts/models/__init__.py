from .access_log import AccessEvent, AccessLogEntry
from .roles import RoleAssignment
from .tokens import ApiToken
from .user import User

__all__ = ["AccessEvent", "AccessLogEntry", "ApiToken", "RoleAssignment", "User"]
