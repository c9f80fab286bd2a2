"""Between the outbox and the renderer: a message's content rendered at send time with
fresh data, its links tracked, its footer the store's.

    message_compose(message) -> None
    message_preview(content, render_context, *, channel="email", profile=None)
        -> RenderedEmail | RenderedSms
    store_of(profile) -> Store
"""

from collections.abc import Mapping
from typing import Any

from .confirm import confirm_url
from .links import tracked_url
from .models import Message, MessageChannel
from .rendering import (
    Links,
    RenderedEmail,
    RenderedSms,
    Store,
    email_render,
    sms_render,
)
from .sender import EmailProfile, email_profile
from .signals import pre_render
from .unsubscribe import preferences_url, unsubscribe_url

# The fields message_compose writes (saved with the claim).
COMPOSED_FIELDS = ("language", "subject", "preheader", "body_text", "body_html")


def store_of(profile: EmailProfile) -> Store:
    return Store(
        name=profile.store_name,
        postal_address=profile.postal_address,
        checkout_url=profile.checkout_url,
    )


def _links(message: Message) -> Links:
    def track(url: str) -> str:
        return tracked_url(message, url)

    def track_product(url: str, product_id: str) -> str:
        return tracked_url(message, url, product_id=product_id)

    # A confirmation email is transactional (it goes out before any consent): its link is
    # there for every message, the content decides whether to show it.
    confirm = confirm_url(message)
    if not message.marketing:
        # Transactional mail has no unsubscribe: there is nothing to opt out of.
        return Links(track=track, track_product=track_product, confirm_url=confirm)
    return Links(
        track=track,
        track_product=track_product,
        unsubscribe_url=unsubscribe_url(message),
        preferences_url=preferences_url(message),
        confirm_url=confirm,
    )


def message_compose(message: Message) -> None:
    """Render the message's content into its subject and bodies (unsaved). A message
    without content was rendered by its producer and is left as it is. Raises RenderError
    when the content cannot be rendered."""
    if not message.content:
        return
    render_context = dict(message.render_context or {})
    pre_render.send(sender=Message, message=message, render_context=render_context)
    if message.channel == MessageChannel.SMS:
        sms = sms_render(message.content, render_context, links=_links(message))
        message.language, message.body_text = sms.language, sms.text
        return
    profile = email_profile(message.installation_id)
    email = email_render(
        message.content, render_context, store=store_of(profile), links=_links(message)
    )
    message.language = email.language
    message.subject = email.subject
    message.preheader = email.preheader
    message.body_text = email.text
    message.body_html = email.html


def message_preview(
    content: Any,
    render_context: Mapping[str, Any],
    *,
    channel: str = MessageChannel.EMAIL,
    profile: EmailProfile | None = None,
) -> RenderedEmail | RenderedSms:
    """How `content` renders for a contact's render context (rendering.render_context_make
    or rendering.sample_render_context): pure, links left as they are, footer links as "#".
    Raises RenderError like a send would."""
    if channel == MessageChannel.SMS:
        return sms_render(content, render_context)
    store = store_of(profile) if profile is not None else Store()
    links = Links(unsubscribe_url="#", preferences_url="#", confirm_url="#")
    return email_render(content, render_context, store=store, links=links)
