"""Django looks for an app's models here; each domain package keeps its own."""

from .api.models import *  # noqa: F403
from .contacts.backfill_models import *  # noqa: F403
from .contacts.models import *  # noqa: F403
from .flows.actions.models import *  # noqa: F403
from .flows.models import *  # noqa: F403
from .flows.triggers.models import *  # noqa: F403
from .messaging.confirm.models import *  # noqa: F403
from .messaging.models import *  # noqa: F403
from .messaging.send_test_models import *  # noqa: F403
from .messaging.sender_models import *  # noqa: F403
from .messaging.sms.models import *  # noqa: F403
from .messaging.suppression_models import *  # noqa: F403
from .saleor.models import *  # noqa: F403
from .stats.models import *  # noqa: F403
