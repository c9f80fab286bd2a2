"""write_metadata: set one key on the contact's Saleor customer, public or private.

Setting a key to a value is idempotent, so an attempt interrupted mid-call is simply made
again. A guest contact has no Saleor customer to write on: the effect fails with that
reason. Saleor echoes CUSTOMER_METADATA_UPDATED with our app as the issuing principal; the
inbox ignores its own echoes.
"""

from datetime import datetime

from ..models import Effect
from .base import ActionFailed, errors_text, payload_errors, saleor_execute

GUEST = "skipped: the contact is a guest, with no Saleor customer account to write on"

_DOCUMENTS = {
    False: ("mutations/customer-metadata-update", "updateMetadata"),
    True: ("mutations/customer-private-metadata-update", "updatePrivateMetadata"),
}


def run(effect: Effect, now: datetime) -> None:
    user_id = effect.enrollment.contact.saleor_user_id
    if not user_id:
        raise ActionFailed(GUEST)
    params = effect.params
    document, field = _DOCUMENTS[bool(params.get("private", False))]
    variables = {"id": user_id, "input": [{"key": params["key"], "value": params["value"]}]}
    data = saleor_execute(effect.installation, document, variables)
    errors = payload_errors(data, field)
    if errors:
        raise ActionFailed(errors_text(field, errors))
