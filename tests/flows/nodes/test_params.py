"""nodes/params.py: the reader every params and settings parser uses."""

from datetime import time, timedelta

from saleor_automation.flows.nodes.params import (
    DefinitionError,
    DefinitionIssue,
    ParamReader,
)


def reader(data):
    issues: list[DefinitionIssue] = []
    return ParamReader(data, issues, node_id="w1", prefix="params"), issues


def test_reads_with_fallbacks_and_collects_every_issue() -> None:
    r, issues = reader({"n": "x", "b": 1, "s": "", "t": "7pm", "extra": 1})
    assert r.integer("n", minimum=1, maximum=5) == 1
    assert r.boolean("b", True) is True
    assert r.string("s") == ""
    assert r.clock("t") == time(0, 0)
    assert r.string("missing", default="d") == "d"
    r.finish()
    assert [(i.node_id, i.field) for i in issues] == [
        ("w1", "params.n"),
        ("w1", "params.b"),
        ("w1", "params.s"),
        ("w1", "params.t"),
        ("w1", "params.extra"),
    ]


def test_durations_add_up() -> None:
    r, issues = reader({"days": 1, "hours": 2, "timeout_minutes": 5})
    assert r.duration() == timedelta(days=1, hours=2)
    assert r.duration("timeout_") == timedelta(minutes=5)
    r.finish()
    assert issues == []


def test_null_is_absent() -> None:
    r, issues = reader({"minutes": None, "hours": 3})
    assert r.duration() == timedelta(hours=3)
    r.finish()
    assert issues == []


def test_items_are_read_with_their_own_prefix() -> None:
    r, issues = reader({"branches": [{"label": "A"}, {"label": 3}]})
    labels = [item.string("label") for item in r.items("branches", minimum=1)]
    assert labels == ["A", ""]
    assert [i.field for i in issues] == ["params.branches[1].label"]


def test_objects_are_copied() -> None:
    message = {"subject": "Hi"}
    r, _ = reader({"message": message})
    parsed = r.mapping("message")
    message["subject"] = "changed"
    assert parsed == {"subject": "Hi"}


def test_error_lists_issues() -> None:
    error = DefinitionError([DefinitionIssue("w1", "params.minutes", "is required")])
    assert str(error) == "node w1: params.minutes: is required"
    assert error.issues[0].field == "params.minutes"
