"""messaging/rendering/validate.py: content mistakes reported at save time, with their line."""

import pytest

from saleor_automation.messaging.rendering import MessageIssue, message_validate

from .content_samples import CART


def email(mjml: str, subject: str = "Hi {{ first_name }}") -> dict:
    return {"default_language": "en", "variants": {"en": {"subject": subject, "mjml": mjml}}}


def issues(content, channel="email") -> list[tuple[str, int | None, str]]:
    return [(i.field, i.line, i.message) for i in message_validate(content, channel=channel)]


def test_good_content_has_no_issues():
    assert message_validate(CART) == []
    assert (
        message_validate(
            email(
                "<mj-section><mj-column><mj-text>1 &lt; 2 &amp; 3</mj-text>"
                "</mj-column></mj-section>"
            )
        )
        == []
    )
    assert message_validate({"text": "Hi {{ first_name }}"}, channel="sms") == []


def test_a_template_syntax_error_is_reported_with_its_line():
    mjml = (
        "<mj-section><mj-column>\n"
        "<mj-text>Hi</mj-text>\n"
        "{% if voucher %}<mj-text>{{ voucher.code }}</mj-text>\n"
        "</mj-column></mj-section>\n"
    )
    ((field, line, message),) = issues(email(mjml))
    assert (field, line) == ("variants.en.mjml", 3)
    assert "Unclosed tag on line 3: 'if'" in message


def test_tags_and_filters_that_would_leave_the_sandbox_are_unknown():
    mjml = "<mj-section>\n{% debug %}</mj-section>"
    ((field, line, message),) = issues(email(mjml))
    assert (field, line) == ("variants.en.mjml", 2)
    assert "Invalid block tag on line 2: 'debug'" in message
    for source in ("{% load static %}", "{% include 'layout.mjml' %}", "{% autoescape off %}"):
        assert issues(email(f"<mj-section>{source}</mj-section>"))
    ((_, line, message),) = issues(email("<mj-section></mj-section>", "{{ first_name|safe }}"))
    assert (line, message) == (1, "Invalid filter: 'safe'")


def test_an_unknown_name_is_reported_where_it_is_used():
    mjml = (
        "<mj-section><mj-column>\n"
        "{% for line in checkout.lines %}<mj-text>{{ line.name }}</mj-text>{% endfor %}\n"
        "<mj-text>{{ frist_name }}</mj-text>\n"
        "{% if coupon.code %}<mj-text>x</mj-text>{% endif %}\n"
        "</mj-column></mj-section>"
    )
    assert issues(email(mjml)) == [
        ("variants.en.mjml", 3, "{{ frist_name }} is not something a message can show"),
        ("variants.en.mjml", 4, "{{ coupon }} is not something a message can show"),
    ]


@pytest.mark.parametrize(
    ("mjml", "line", "message"),
    [
        (
            "<mj-section>\n  <mj-column>\n    <mj-text>Hi</mj-text>\n</mj-section>",
            2,
            "<mj-column> is not closed before </mj-section> on line 4",
        ),
        ("<mj-section>\n<mj-column>\n<mj-text>Hi</mj-text>\n</mj-column>", 1, "never closed"),
        ("<mj-section><mj-column>\n<mj-text>1 < 2</mj-text>\n</mj-column></mj-section>", 2, "&lt;"),
        (
            "<mj-section><mj-column>\n\n<mj-image src=x></mj-image></mj-column></mj-section>",
            3,
            "quotes",
        ),
        ("<mj-section>\n<mj-colum></mj-colum></mj-section>", 2, "unknown MJML element"),
        ("<mj-section>\n<mj-include path='/etc/passwd'/></mj-section>", 2, "cannot be included"),
        ("<mjml><mj-body></mj-body></mjml>", 1, "the layout adds <mjml>"),
        (
            "<mj-section><mj-column>\n\n{% checkout_lines %}\n</mj-column></mj-section>",
            3,
            "move it out of <mj-column>",
        ),
        ("<mj-section></mj-section>\n</mj-column>", 2, "</mj-column> closes nothing"),
        (
            "<mj-section>\n<mj-text>Hi</mj-text></mj-section>",
            2,
            "<mj-text> cannot stand inside <mj-section>: put it in <mj-column> or <mj-hero>",
        ),
        (
            "<mj-section><mj-column>\n{% for line in checkout.lines %}\n<mj-section>"
            "</mj-section>{% endfor %}</mj-column></mj-section>",
            3,
            "<mj-section> cannot stand inside <mj-column>",
        ),
    ],
)
def test_mjml_structure_errors_are_reported_with_their_line(mjml, line, message):
    found = issues(email(mjml))
    assert found, mjml
    field, at, text = found[0]
    assert (field, at) == ("variants.en.mjml", line)
    assert message in text


def test_what_only_rendering_shows_is_caught_with_sample_data():
    # Valid syntax, valid structure: the filter fails only on a real value.
    mjml = "<mj-section><mj-column><mj-text>{{ checkout.lines|dictsort:0 }}</mj-text>"
    mjml += "</mj-column></mj-section>"
    assert issues(email(mjml)) == [("variants.en.mjml", 1, "KeyError: 0")]


def test_content_shape():
    assert issues({}) == [("", None, "the message has no content")]
    assert issues({"default_language": "fr", "variants": {"en": {"subject": "x"}}}) == [
        ("variants.en.mjml", None, "is required"),
        ("default_language", None, "has no variant"),
    ]
    assert issues({"subject": "x", "mjml": "<mj-section></mj-section>", "body": "y"}) == [
        ("body", None, "is not allowed here")
    ]
    assert issues({"default_language": "en", "variants": {"english!": {}}}) == [
        ("variants.english!", None, "is not a language code"),
        ("variants.english!.subject", None, "is required"),
        ("variants.english!.mjml", None, "is required"),
        ("default_language", None, "has no variant"),
    ]
    assert issues({"text": 5}, channel="sms") == [("text", None, "must be text")]


def test_subject_and_sms_errors_name_their_field():
    content = {
        "default_language": "en",
        "variants": {
            "en": {"subject": "ok", "mjml": "<mj-section></mj-section>"},
            "de": {
                "subject": "Hallo {{ first_name|default: }}",
                "mjml": "<mj-section></mj-section>",
            },
        },
    }
    ((field, line, _),) = issues(content)
    assert (field, line) == ("variants.de.subject", 1)
    ((field, line, message),) = issues({"text": "Hi\n{% if x %}"}, channel="sms")
    assert (field, line) == ("text", 2)
    assert "Unclosed tag on line 2: 'if'" in message


def test_issue_text():
    assert str(MessageIssue("variants.de.mjml", 3, "boom")) == "variants.de.mjml, line 3: boom"
    assert str(MessageIssue("subject", None, "is required")) == "subject: is required"


# Found by tests/fuzz: MRML's HTML parser panics (a Rust PanicException, a BaseException) on a
# character boundary inside this non-BMP text.
PANICS_MRML = "m\U000648df\U000776b1>\x8f\U000ab31e"


def test_text_the_mjml_parser_panics_on_is_an_issue_not_a_crash():
    issues = message_validate({"subject": "Hi", "mjml": PANICS_MRML})
    assert [issue.field for issue in issues] == ["mjml"]
    assert "MJML" in issues[0].message
