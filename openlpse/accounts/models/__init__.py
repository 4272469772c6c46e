from .user import User  # noqa: F401
from .roles import RoleAssignment  # noqa: F401
