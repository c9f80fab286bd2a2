"""messaging/rendering: content rendered with real MJML (MRML), Django templates and Babel.
Pure: no database."""

import re
from urllib.parse import quote

import pytest

from saleor_automation.messaging.rendering import (
    Links,
    RenderError,
    Store,
    email_render,
    sms_render,
)
from saleor_automation.messaging.rendering.formatting import date_local, locale_choose, money
from saleor_automation.messaging.rendering.text import html_to_text

from .content_samples import CART, render_context

STORE = Store(
    name="Trail & Co",
    postal_address="Hauptstraße 1\n10115 Berlin",
    checkout_url="https://shop.example.com/checkout?token={token}",
)


def track(url: str) -> str:
    return f"https://app.example.com/r/{quote(url, safe='')}"


LINKS = Links(
    track=track,
    unsubscribe_url="https://app.example.com/u/tok",
    preferences_url="https://app.example.com/p/tok",
)


def render(**context):
    return email_render(CART, render_context(**context), store=STORE, links=LINKS)


def test_checkout_lines_render_image_name_quantity_and_prices_in_usd_for_en_us():
    email = render(language="en-US", country="US", currency="USD")
    assert email.language == "en"
    html = email.html
    assert html.startswith("<!doctype html>")
    assert '<img alt="Trail Runner"' in html
    assert 'src="https://cdn.example.com/trail-runner.png"' in html
    assert "<strong>Trail Runner</strong><br />EU 42<br />2 &times; $1,234.50" in html
    assert "$2,469.00" in html
    # Responsive: MJML's media queries for the columns.
    assert "@media only screen and (min-width:480px)" in html


def test_prices_and_dates_follow_the_currency_and_the_readers_locale():
    email = render(language="de", country="DE", currency="EUR", timezone="Europe/Berlin")
    assert email.language == "de"
    assert "2 &times; 1.234,50\xa0€" in email.html
    assert "22. Juni 2026" in email.html  # 21:59 UTC is 23:59 in Berlin: still the 22nd
    email = render(language="en-US", country="US", currency="EUR", timezone="America/New_York")
    assert "€1,234.50" in email.html
    assert "June 22, 2026" in email.html


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("1234.5", "EUR", "de_DE", "1.234,50\xa0€"),
        ("1234.5", "USD", "en_US", "$1,234.50"),
        ("1234.5", "EUR", "de_AT", "€\xa01.234,50"),
        ("1234", "JPY", "ja_JP", "￥1,234"),
        ("1234.5", "", "fr_FR", "1\u202f234,5"),
        ("1234.5", "ZZZ", "en_US", "1,234.50 ZZZ"),
        ("not a number", "EUR", "en_US", "not a number"),
    ],
)
def test_money(amount, currency, locale, expected):
    assert money(amount, currency, locale) == expected


@pytest.mark.parametrize(
    ("language", "country", "expected"),
    [
        ("de-AT", "", "de_AT"),
        ("DE_AT", "DE", "de_AT"),
        ("de", "CH", "de_CH"),
        ("de", "US", "de"),  # no such locale: the language alone
        ("pt-BR", "", "pt_BR"),
        ("", "FR", "en"),
        ("xx", "", "en"),
    ],
)
def test_locale_choose(language, country, expected):
    assert locale_choose(language, country) == expected


def test_date_local_is_the_date_in_the_readers_zone():
    moment = "2026-06-22T23:30:00+00:00"
    assert date_local(moment, "en_US", "UTC") == "June 22, 2026"
    assert date_local(moment, "en_US", "Asia/Tokyo") == "June 23, 2026"
    assert date_local("garbage", "en_US", "UTC") == "garbage"


def test_voucher_block_shows_code_discount_and_end_of_validity():
    html = render().html
    assert "Your code" in html
    assert "SA-ABCD2345EFGH" in html
    assert "10%" in html
    assert "Valid until June 22, 2026" in html


def test_recovery_link_goes_through_the_tracked_redirect():
    html = render().html
    target = "https://shop.example.com/checkout?token=4b2c-token"
    assert f'href="{track(target)}"' in html
    assert f'href="{target}"' not in html
    assert "Complete your order" in html


def test_no_recovery_button_without_a_storefront_checkout_url():
    email = email_render(CART, render_context(), store=Store(), links=LINKS)
    assert "Complete your order" not in email.html


def test_recommendations_render_whatever_list_the_context_holds():
    html = render().html
    assert "You may also like" in html
    assert "Trail Socks" in html
    assert 'src="https://cdn.example.com/socks.png"' in html
    assert track("https://shop.example.com/products/trail-socks") in html
    assert "$12.90" in html
    empty = email_render(CART, render_context(recommendations=[]), store=STORE, links=LINKS)
    assert "You may also like" not in empty.html


def test_first_name_and_its_fallback_and_escaping():
    assert "Hi Ana," in render().html
    assert render().subject == "Ana, you left something behind"
    nameless = render(first_name="")
    assert "Hi there," in nameless.html
    assert nameless.subject == "Hey, you left something behind"
    hostile = render(first_name='<img src=x onerror="alert(1)">')
    assert "<img src=x" not in hostile.html
    assert "Hi &lt;img src=x onerror=&quot;alert(1)&quot;&gt;," in hostile.html
    # The subject is a header, not HTML: nothing to escape, nothing to break.
    assert hostile.subject.startswith('<img src=x onerror="alert(1)">')


def test_preheader_is_hidden_at_the_top_of_the_html_and_not_in_the_text():
    email = render()
    assert email.preheader == "Your cart is waiting for you"
    hidden = re.search(r'<div style="display:none;[^"]*">([^<]*)</div>', email.html)
    assert hidden and hidden.group(1) == "Your cart is waiting for you"
    assert "waiting for you" not in email.text


def test_footer_has_unsubscribe_preferences_and_the_postal_address_in_the_readers_language():
    en = render()
    assert 'href="https://app.example.com/u/tok"' in en.html
    assert 'href="https://app.example.com/p/tok"' in en.html
    assert ">Unsubscribe</a>" in en.html
    assert "Trail &amp; Co, Hauptstraße 1<br />10115 Berlin" in en.html
    de = render(language="de-DE", country="DE")
    assert ">Abmelden</a>" in de.html and ">E-Mail-Einstellungen</a>" in de.html


def test_plain_text_part_is_made_from_the_html():
    text = render().text
    assert text.startswith("Hi Ana,\n")
    assert "Trail Runner\nEU 42\n2 × $1,234.50" in text
    assert "SA-ABCD2345EFGH" in text
    target = track("https://shop.example.com/checkout?token=4b2c-token")
    assert f"Complete your order ({target})" in text
    assert "Unsubscribe (https://app.example.com/u/tok)" in text
    assert "Trail & Co, Hauptstraße 1\n10115 Berlin" in text
    assert "<" not in text and "mso" not in text and "{" not in text
    assert "\n\n\n" not in text


def test_html_to_text_skips_hidden_and_head_content():
    html = (
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        '<div style="display:none">pre</div><p>One <a href="https://x.example/">link</a></p>'
        '<!--[if mso]><p>outlook</p><![endif]--><a href="https://x.example/i"><img src="i"></a>'
        "<table><tr><td>a</td></tr><tr><td>b</td></tr></table></body></html>"
    )
    assert html_to_text(html) == "One link (https://x.example/)\n\na\nb\n"


@pytest.mark.parametrize(
    ("language", "checkout_language", "expected"),
    [
        ("de-AT", None, "de"),  # region falls back to the language
        ("DE_CH", None, "de"),  # Saleor's LanguageCodeEnum spelling
        ("de", None, "de"),
        ("fr-FR", None, "en"),  # no French variant: the default language
        ("", "de-DE", "de"),  # no language on the contact: the checkout's
        ("", None, "en"),
    ],
)
def test_language_fallback(language, checkout_language, expected):
    context = render_context(language=language, country="")
    if checkout_language:
        context["context"]["checkout"]["language"] = checkout_language
    assert email_render(CART, context, store=STORE, links=LINKS).language == expected


def test_a_variant_in_another_language_is_formatted_in_that_language():
    # A Swedish reader gets the English default: English month names, numbers as English
    # is written in Sweden (CLDR's en_SE), not Swedish ones next to English words.
    email = render(language="sv-SE", country="SE", currency="EUR")
    assert email.language == "en"
    assert "22 June 2026" in email.html and "juni" not in email.html
    assert "2 &times; 1\xa0234,50\xa0€" in email.html


def test_single_language_content_without_variants():
    content = {"subject": "Hi {{ first_name }}", "mjml": CART["variants"]["en"]["mjml"]}
    email = email_render(content, render_context(language="de"), store=STORE, links=LINKS)
    assert (email.language, email.subject) == ("", "Hi Ana")
    assert "1.234,50" in email.html  # formatted for the German reader all the same


def test_subject_is_one_line():
    content = {"subject": "Hi\n{{ first_name }}\r\n  again", "mjml": "<mj-section></mj-section>"}
    assert email_render(content, render_context()).subject == "Hi Ana again"


def test_render_errors_name_the_field():
    content = {**CART["variants"]["en"], "mjml": "<mj-section>{% if first_name %}</mj-section>"}
    with pytest.raises(RenderError) as caught:
        email_render(content, render_context())
    assert caught.value.issues[0].field == "mjml"
    with pytest.raises(RenderError, match="subject: is required"):
        email_render({"mjml": "<mj-section></mj-section>"}, render_context())


def test_sms_text_renders_unescaped_with_the_same_context():
    content = {
        "default_language": "en",
        "variants": {
            "en": {"text": "{{ first_name }} & co: {{ checkout.total }} {{ voucher.code }}"},
            "de": {"text": "Hallo {{ first_name }}: {{ checkout.total }}"},
        },
    }
    sms = sms_render(content, render_context(currency="USD"))
    assert (sms.language, sms.text) == ("en", "Ana & co: $2,469.00 SA-ABCD2345EFGH")
    german = sms_render(content, render_context(language="de", country="DE", currency="EUR"))
    assert german.text == "Hallo Ana: 2.469,00\xa0€"


def test_a_render_context_of_an_unexpected_shape_is_a_render_error():
    with pytest.raises(RenderError, match="render_context: AttributeError"):
        email_render(CART, {"contact": "nobody", "context": []})


def test_only_web_links_reach_the_html():
    context = render_context()
    context["context"]["checkout"]["lines"][0]["thumbnail_url"] = "javascript:alert(1)"
    context["context"]["recommendations"][0]["url"] = "https:///no-host"
    html = email_render(CART, context, store=STORE, links=LINKS).html
    assert "javascript:" not in html and "no-host" not in html
    assert "Trail Runner" in html and "Trail Socks" in html
