"""Ready-made flows an operator starts from (issue 5).

    TEMPLATES: dict[str, FlowTemplate]
    flow_create_from_template(*, installation, template_key, name=None, overrides=None) -> Flow

A template becomes an ordinary draft flow: validated by flow_save_draft like any edit and
activated by the operator (flow_activate) once they have reviewed its content.
"""

import copy
from collections.abc import Mapping
from typing import Any

from ...saleor.models import Installation
from ..models import Flow
from ..services import flow_create
from . import (
    best_customers,
    birthday,
    cart_abandonment,
    first_purchase_feedback,
    geolocation,
    upsell_cross_sell,
    welcome_series,
    win_back,
)
from .base import FlowTemplate

TEMPLATES: dict[str, FlowTemplate] = {
    module.TEMPLATE.key: module.TEMPLATE
    for module in (
        cart_abandonment,
        welcome_series,
        first_purchase_feedback,
        upsell_cross_sell,
        win_back,
        birthday,
        best_customers,
        geolocation,
    )
}


def flow_create_from_template(
    *,
    installation: Installation,
    template_key: str,
    name: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Flow:
    """A draft flow with the template's graph and settings; `overrides` replace settings
    keys (e.g. {"quiet_hours": None}). Raises KeyError for an unknown key and
    FlowValidationError when the overrides make the settings invalid."""
    template = TEMPLATES[template_key]
    # Deep copies: the template's JSON is shared module data and must not be mutated.
    settings = copy.deepcopy({**template.settings, **(overrides or {})})
    return flow_create(
        installation=installation,
        name=name or template.name,
        graph=copy.deepcopy(template.graph),
        settings=settings,
    )


__all__ = ["TEMPLATES", "FlowTemplate", "flow_create_from_template"]
