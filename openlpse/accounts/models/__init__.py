from .user import User  # noqa: F401
from .roles import RoleAssignment  # noqa: F401
from .access_log import AccessEvent, AccessLogEntry  # noqa: F401
from .tokens import ApiToken  # noqa: F401
