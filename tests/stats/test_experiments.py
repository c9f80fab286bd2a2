"""A/B split results and holdout lift: the math against known values, then the selectors
against rows recorded the way the engine records them."""

from datetime import timedelta

import pytest

from saleor_automation.flows import engine
from saleor_automation.flows.goals import HOLDOUT_WINDOW
from saleor_automation.flows.models import Enrollment, StepRun
from saleor_automation.flows.services import enrollment_start, flow_activate, flow_save_draft
from saleor_automation.messaging.models import Message
from saleor_automation.stats.experiments import (
    MIN_SAMPLE,
    BranchCounts,
    flow_holdout,
    flow_splits,
    holdout_lift,
    proportion_test,
    split_results,
)
from tests.flows.db_fixtures import NOW, WAIT_SEND, make_contact, make_flow, make_installation

from .experiment_data import BRANCH_NODE, SPLIT_GRAPH, Recorder, split_flow

DAY = timedelta(days=1)
TODAY = NOW.date()


# Reference values: R's prop.test(c(x1, x2), c(n1, n2), correct = FALSE) reports
# X-squared = z^2 and its p-value; e.g. 200/1000 vs 250/1000 -> X-squared 7.1685,
# p-value 0.007419; 45/100 vs 60/100 -> 4.5113, 0.03367.
@pytest.mark.parametrize(
    ("control", "variant", "z", "p"),
    [
        ((200, 1000), (250, 1000), 2.677398, 0.0074196),
        ((250, 1000), (200, 1000), -2.677398, 0.0074196),
        ((45, 100), (60, 100), 2.123977, 0.0336721),
        ((30, 400), (34, 400), 0.521286, 0.6021675),
    ],
)
def test_proportion_test_known_values(control, variant, z, p):
    result = proportion_test(control, variant)
    assert result.z == pytest.approx(z, abs=1e-5)
    assert result.p_value == pytest.approx(p, rel=1e-4)
    assert result.confidence == pytest.approx(1 - p, abs=1e-6)
    assert result.significant is (p < 0.05)
    assert result.sample_too_small is False


def test_proportion_test_needs_a_sample_on_both_sides():
    # A huge difference over 20 enrollments a side: p is tiny, but 20 < MIN_SAMPLE.
    small = proportion_test((0, 20), (15, 20))
    assert small.p_value < 1e-5
    assert (small.significant, small.sample_too_small) == (False, True)
    # The same rates with MIN_SAMPLE a side are significant.
    enough = proportion_test((0, MIN_SAMPLE), (MIN_SAMPLE * 3 // 4, MIN_SAMPLE))
    assert (enough.significant, enough.sample_too_small) == (True, False)


def test_proportion_test_without_evidence():
    empty = proportion_test((0, 0), (5, 50))
    assert (empty.z, empty.p_value, empty.confidence, empty.significant) == (
        None,
        None,
        None,
        False,
    )
    # All or none converted on both sides: no variance, nothing to tell apart.
    for same in ((0, 50), (50, 50)):
        result = proportion_test(same, same)
        assert (result.z, result.p_value, result.confidence, result.significant) == (
            0.0,
            1.0,
            0.0,
            False,
        )
    with pytest.raises(ValueError, match="between 0 and entered"):
        proportion_test((11, 10), (1, 10))


def test_split_results_compare_each_branch_with_the_first():
    control, b, c = split_results(
        [
            BranchCounts("A", entered=1000, converted=200),
            BranchCounts("B", entered=1000, converted=250),
            BranchCounts("C", entered=0, converted=0),
        ]
    )
    assert (control.is_control, control.rate, control.difference, control.test) == (
        True,
        0.2,
        None,
        None,
    )
    assert b.rate == 0.25
    assert b.difference == pytest.approx(0.05)
    assert b.relative_difference == pytest.approx(0.25)
    assert b.test.p_value == pytest.approx(0.0074196, rel=1e-4) and b.test.significant
    assert (c.rate, c.difference, c.relative_difference, c.test.p_value) == (
        None,
        None,
        None,
        None,
    )
    assert split_results([]) == []


def test_holdout_lift():
    result = holdout_lift(treated=(250, 1000), control=(200, 1000))
    assert (result.treated_rate, result.control_rate) == (0.25, 0.2)
    assert result.lift == pytest.approx(0.05)
    assert result.relative_lift == pytest.approx(0.25)
    # Treated is the variant: a positive lift has a positive z.
    assert result.test.z == pytest.approx(2.677398, abs=1e-5)
    assert result.test.significant
    nothing_converted = holdout_lift(treated=(3, 100), control=(0, 40))
    assert nothing_converted.lift == pytest.approx(0.03)
    assert nothing_converted.relative_lift is None  # no rate to be relative to


# The selectors over rows.


@pytest.fixture
def flow(db):
    return split_flow(make_installation())


@pytest.mark.django_db
def test_flow_splits_counts_branches_conversions_after_the_split_and_messages(
    flow, django_assert_num_queries
):
    rec = Recorder(flow)
    rec.through_split("A", converted_at=NOW + DAY, events=("opened", "clicked"))
    rec.through_split("A", converted_at=NOW - timedelta(minutes=1))  # before: not the branch's
    rec.through_split("A", sent=False)
    rec.through_split("B", converted_at=NOW + 2 * DAY, events=("opened",))
    rec.through_split("B", at=NOW - 2 * DAY, converted_at=NOW)  # entered before the period
    # Another store's split with the same node ids is not counted.
    Recorder(split_flow(make_installation("https://b.example.com/graphql/"))).through_split("A")

    with django_assert_num_queries(3):
        (split,) = flow_splits(flow.installation, flow.pk, since=TODAY, until=TODAY + DAY)
    assert split.node_id == "ab"
    rows = {
        r.counts.label: (
            r.counts.entered,
            r.counts.converted,
            r.counts.sent,
            r.counts.opened,
            r.counts.clicked,
        )
        for r in split.branches
    }
    assert rows == {"A": (3, 1, 2, 1, 1), "B": (1, 1, 1, 1, 0), "C": (0, 0, 0, 0, 0)}
    a, b, c = split.branches
    assert [a.counts.label, b.counts.label, c.counts.label] == ["A", "B", "C"]  # definition order
    assert a.is_control and a.rate == pytest.approx(1 / 3)
    assert b.difference == pytest.approx(1 - 1 / 3)
    assert b.test.sample_too_small and not b.test.significant


@pytest.mark.django_db
def test_flow_splits_counts_an_enrollment_once_per_branch_and_keeps_retired_labels(flow):
    rec = Recorder(flow)
    enrollment = rec.through_split("A", converted_at=NOW + DAY)
    # A cycle took it through the split again, down A again.
    StepRun.objects.create(
        installation_id=flow.installation_id,
        enrollment=enrollment,
        step_seq=10,
        node_id="ab",
        node_type="split",
        entered_at=NOW + timedelta(hours=1),
        left_at=NOW + timedelta(hours=1),
        outcome="A",
    )
    # A new version renames C to D: D is listed first-class, C (still in the data) after it.
    rec.through_split("C")
    new_graph = {**SPLIT_GRAPH, "nodes": [dict(n) for n in SPLIT_GRAPH["nodes"]]}
    new_graph["nodes"][1] = {
        **new_graph["nodes"][1],
        "params": {
            "branches": [
                {"label": "A", "percent": 50},
                {"label": "B", "percent": 30},
                {"label": "D", "percent": 20},
            ]
        },
    }
    new_graph["edges"] = [
        {**e, "label": "D"} if e["label"] == "C" else e for e in SPLIT_GRAPH["edges"]
    ]
    flow_save_draft(flow=flow, graph=new_graph, settings={})
    flow_activate(flow=flow, now=NOW)
    (split,) = flow_splits(flow.installation, flow.pk, since=TODAY, until=TODAY)
    labels = [(r.counts.label, r.counts.entered, r.counts.converted) for r in split.branches]
    assert labels == [("A", 1, 1), ("B", 0, 0), ("D", 0, 0), ("C", 1, 0)]


@pytest.mark.django_db
def test_flow_splits_of_a_flow_without_splits_is_empty(db):
    installation = make_installation()
    plain = make_flow(installation, WAIT_SEND)
    assert flow_splits(installation, plain.pk, since=TODAY, until=TODAY) == []


@pytest.mark.django_db
def test_flow_holdout_compares_treated_with_control_over_the_same_window(
    flow, django_assert_num_queries
):
    rec = Recorder(flow)
    for _ in range(3):
        rec.enroll()
    rec.enroll(converted_at=NOW + DAY)
    rec.enroll(converted_at=NOW + HOLDOUT_WINDOW + DAY)  # too late: outside the window
    rec.enroll(holdout=True)
    rec.enroll(holdout=True, converted_at=NOW + HOLDOUT_WINDOW)  # the window's last moment
    rec.enroll(holdout=True, at=NOW - 3 * DAY, converted_at=NOW)  # entered before the period
    with django_assert_num_queries(1):
        result = flow_holdout(flow.installation, flow.pk, since=TODAY, until=TODAY)
    assert (result.treated_entered, result.treated_converted) == (5, 1)
    assert (result.control_entered, result.control_converted) == (2, 1)
    assert result.treated_rate == pytest.approx(0.2)
    assert result.control_rate == pytest.approx(0.5)
    assert result.lift == pytest.approx(-0.3)
    assert result.relative_lift == pytest.approx(-0.6)
    assert result.test.sample_too_small and not result.test.significant
    # Without held-out enrollments in the period there is no control group.
    assert flow_holdout(flow.installation, flow.pk, since=TODAY + DAY, until=TODAY + DAY) is None


@pytest.mark.django_db
def test_flow_splits_reads_what_the_engine_records(flow):
    """Enrollments run by the engine itself: each takes one branch (its StepRun's outcome)
    and gets that branch's email; the selector finds exactly that."""
    contacts = [make_contact(flow.installation, n, marketing_consent=True) for n in range(40)]
    enrollments = []
    for contact in contacts:
        enrollment = enrollment_start(
            flow=flow, contact=contact, entry_key="k", context={}, now=NOW
        )
        engine.enrollment_advance(enrollment.pk, NOW)
        enrollments.append(enrollment)
    taken = dict(StepRun.objects.filter(node_id="ab").values_list("enrollment_id", "outcome"))
    assert len(taken) == 40 and set(taken.values()) <= {"A", "B", "C"}
    converted = [e.pk for e in enrollments[:10]]
    Enrollment.objects.filter(pk__in=converted).update(converted_at=NOW + DAY)
    (split,) = flow_splits(flow.installation, flow.pk, since=TODAY, until=TODAY)
    for branch in split.branches:
        label = branch.counts.label
        mine = [pk for pk, outcome in taken.items() if outcome == label]
        assert branch.counts.entered == len(mine)
        assert branch.counts.converted == len(set(mine) & set(converted))
        sends = Message.objects.filter(enrollment_id__in=mine, node_id=BRANCH_NODE[label])
        assert sends.count() == len(mine)  # queued: not sent yet
        assert branch.counts.sent == 0
