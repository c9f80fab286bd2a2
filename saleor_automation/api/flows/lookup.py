"""The caller's flow by its global id: a flow of another installation is not found, the
same as one that does not exist."""

from strawberry import relay

from ...flows.models import Flow
from ...flows.selectors import flow_get
from ..context import Info
from ..errors import not_found
from ..ids import node_pk


def flow_or_none(info: Info, global_id: relay.GlobalID) -> Flow | None:
    pk = node_pk(global_id, "Flow")
    if pk is None:
        return None
    try:
        return flow_get(installation=info.context.installation, flow_id=pk)
    except Flow.DoesNotExist:
        return None


def flow_or_not_found(info: Info, global_id: relay.GlobalID) -> Flow:
    """As flow_or_none, raising "Flow not found." for a mutation's error payload."""
    flow = flow_or_none(info, global_id)
    if flow is None:
        raise not_found("Flow")
    return flow
