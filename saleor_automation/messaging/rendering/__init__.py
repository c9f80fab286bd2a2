"""Message content: its format (content.py), save-time validation (validate.py) and rendering
(render.py) with MJML, Django's template language and Babel.

    message_validate(content, *, channel="email") -> list[MessageIssue]
    email_render(content, render_context, *, store, links) -> RenderedEmail
    sms_render(content, render_context, *, links) -> RenderedSms
    render_context_make(*, contact, timezone, context) -> dict
    sample_render_context(language="") -> dict

Pure functions of their arguments: the send path (messaging/compose.py) and previews supply
the store, the links and the render context.
"""

from .content import MessageIssue, RenderError
from .context import Links, Store, render_context_make
from .render import RenderedEmail, RenderedSms, email_render, sms_render
from .validate import message_validate, sample_render_context

__all__ = [
    "Links",
    "MessageIssue",
    "RenderError",
    "RenderedEmail",
    "RenderedSms",
    "Store",
    "email_render",
    "message_validate",
    "render_context_make",
    "sample_render_context",
    "sms_render",
]
