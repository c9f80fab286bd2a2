"""Property-based abuse of what operators write: flow graphs, flow settings and message
templates. Whatever the document, validation answers with issues (never an exception),
an invalid draft changes nothing, and a template that validates renders."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_automation.flows.definition import parse_graph, validate_graph, validate_settings
from saleor_automation.flows.message_checks import graph_message_issues
from saleor_automation.flows.models import FlowVersion
from saleor_automation.flows.nodes import REGISTRY
from saleor_automation.flows.services import FlowValidationError, flow_create, flow_save_draft
from saleor_automation.flows.templates import TEMPLATES
from saleor_automation.messaging.rendering.content import EMAIL, SMS
from saleor_automation.messaging.rendering.render import email_render, sms_render
from saleor_automation.messaging.rendering.validate import (
    SAMPLE_LINKS,
    SAMPLE_STORE,
    message_validate,
    sample_render_context,
)
from tests.flows.db_fixtures import installation  # noqa: F401

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=16,
)
node_ids = st.sampled_from(["trigger", "a", "b", "c", "exit", ""]) | st.text(max_size=6)
nodes = st.fixed_dictionaries(
    {"id": node_ids, "type": st.sampled_from(sorted(REGISTRY)) | st.text(max_size=8)},
    optional={"params": st.dictionaries(st.text(max_size=12), json_values, max_size=5)},
)
edges = st.fixed_dictionaries(
    {"source": node_ids, "target": node_ids},
    optional={"label": st.sampled_from(["next", "yes", "no", "a", "b"]) | st.text(max_size=5)},
)
graphs = st.fixed_dictionaries(
    {"nodes": st.lists(nodes, max_size=6), "edges": st.lists(edges, max_size=8)},
    optional={"schema_version": st.integers(0, 3)},
)


def _mutated_template(data) -> dict:
    """A real template's graph with one node's params replaced by fuzz: close to valid."""
    template = data.draw(st.sampled_from(sorted(TEMPLATES)))
    graph = copy.deepcopy(TEMPLATES[template].graph)
    node = data.draw(st.sampled_from(graph["nodes"]))
    key = data.draw(st.sampled_from(sorted(node["params"]) or ["x"]))
    node["params"][key] = data.draw(json_values)
    return graph


@FUZZ
@given(document=graphs | json_values)
def test_any_graph_document_gets_issues_not_an_exception(document):
    issues = validate_graph(document)
    assert isinstance(issues, list)
    if not issues:
        parse_graph(document)
        assert isinstance(graph_message_issues(document), list)


@FUZZ
@given(data=st.data())
def test_a_template_graph_with_one_fuzzed_param_is_judged_not_crashed(data):
    graph = _mutated_template(data)
    issues = validate_graph(graph)
    if not issues:
        parse_graph(graph)
        graph_message_issues(graph)


@FUZZ
@given(document=st.dictionaries(st.text(max_size=16), json_values, max_size=6) | json_values)
def test_any_settings_document_gets_issues_not_an_exception(document):
    assert isinstance(validate_settings(document), list)


@pytest.mark.django_db
@FUZZ
@given(
    document=graphs, flow_settings=st.dictionaries(st.text(max_size=10), json_values, max_size=3)
)
def test_an_invalid_draft_changes_nothing(installation, document, flow_settings):  # noqa: F811
    flow = flow_create(installation=installation, name="fuzz")
    try:
        flow_save_draft(flow=flow, graph=document, settings=flow_settings)
    except FlowValidationError as error:
        assert error.messages
        assert not FlowVersion.objects.filter(flow=flow).exists()
    else:
        saved = FlowVersion.objects.get(flow=flow)
        assert json.loads(json.dumps(saved.graph)) == json.loads(json.dumps(document))
    flow.delete()


template_text = st.lists(
    st.sampled_from(
        [
            "Hi ",
            "{{ first_name }}",
            "{{ first_name|upper }}",
            "{{ ",
            " }}",
            "{% if order %}",
            "{% endif %}",
            "{% for line in checkout.lines %}{{ line.name }}{% endfor %}",
            "{% checkout_lines %}",
            "{% recommendations limit=2 %}",
            "{% voucher_code %}",
            "{% recovery_button %}",
            "{% load os %}",
            "{{ ''.__class__ }}",
            "<mj-section><mj-column><mj-text>",
            "</mj-text></mj-column></mj-section>",
            "<mj-text>",
            "<script>alert(1)</script>",
            "{#",
            "#}",
            "\u00e9\u4e2d\U0001f600",
        ]
    )
    | st.text(max_size=8),
    max_size=12,
).map("".join)


@FUZZ
@given(subject=template_text, mjml=template_text)
def test_an_email_template_that_validates_renders(subject, mjml):
    content = {"subject": subject, "mjml": mjml}
    issues = message_validate(content, channel=EMAIL)
    if not issues:
        rendered = email_render(
            content, sample_render_context(), store=SAMPLE_STORE, links=SAMPLE_LINKS
        )
        assert rendered.html


@FUZZ
@given(text=template_text, content=json_values)
def test_any_sms_or_malformed_content_is_judged_not_crashed(text, content):
    if not message_validate({"text": text}, channel=SMS):
        sms_render({"text": text}, sample_render_context(), links=SAMPLE_LINKS)
    assert isinstance(message_validate(content, channel=EMAIL), list)
    assert isinstance(message_validate(content, channel=SMS), list)
