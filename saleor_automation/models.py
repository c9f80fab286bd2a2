"""Django looks for an app's models here; each domain package keeps its own."""

from .contacts.models import *  # noqa: F403
from .saleor.models import *  # noqa: F403
