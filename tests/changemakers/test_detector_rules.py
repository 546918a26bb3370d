"""Reviewers change the detector's rules with four eyes: one checks an edit against the corpus
and proposes it, another approves it (in force from the next message) or returns it."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
import yaml
from sqlalchemy import func, select

from changemakers import safeguarding
from changemakers.accounts.models import Role
from changemakers.alerts import rules
from changemakers.alerts.models import Alert, RuleSet, RuleSetStatus
from changemakers.audit.models import AuditEvent
from changemakers.extensions import db
from tests.support.detector_rules import with_rule
from tests.support.web import post_form, sign_in

PAGE = "/alerts/rules"
DECISION = "/alerts/rules/decision"
RUN_AWAY = "ive run away and im not going back"  # a missing-person disclosure of the corpus
PHONE_TAKEN = "bruv took my phone and wont give it back"
PHONE_RULE = "  phone_taken: [took my phone]"  # a concept, as a reviewer types it


def edited(change: Callable[[dict], None]) -> str:
    """The shipped rules with ``change`` made to them."""
    data = yaml.safe_load(safeguarding.shipped_rules_text())
    change(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def without_missing(data: dict) -> None:
    data["rules"] = [rule for rule in data["rules"] if rule["category"] != "missing"]


def alerting_on_i(data: dict) -> None:
    data["rules"].append({"name": "anyone who says I", "category": "other_danger", "all": ["me"]})


def with_phone_rule(text: str) -> str:
    """``text`` with a concept and a rule for a phone taken, typed in as a reviewer would."""
    return with_rule(text, "phone_taken", "took my phone", "criminal_exploitation")


def corpus_comparison(before: str, after: str) -> rules.Comparison:
    corpus = safeguarding.shipped_corpus()
    old, new = safeguarding.compile_rules(before), safeguarding.compile_rules(after)
    return rules.compare(
        safeguarding.evaluate(old, corpus), safeguarding.evaluate(new, corpus), new.categories
    )


def texts(outcomes) -> list[str]:
    return [outcome.example.text for outcome in outcomes]


def rule_sets() -> list[RuleSet]:
    return list(db.session.scalars(select(RuleSet).order_by(RuleSet.id)))


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def propose(client, text: str, summary: str = "Catches a phone taken by force"):
    based_on = rules.version_tag(rules.in_force())
    data = {"rules": text, "summary": summary, "action": "propose", "based_on": based_on}
    return post_form(client, PAGE, data)


def decide(client, decision: str, rule_set: RuleSet, note: str = ""):
    data = {"decision": decision, "rule_set_id": str(rule_set.id), "note": note}
    return post_form(client, DECISION, data)


@pytest.fixture
def second_reviewer(app, make_staff):
    """Another reviewer, signed in on a browser of their own."""
    browser = app.test_client()
    user = make_staff(Role.REVIEWER, email="second-reviewer@example.org")
    assert sign_in(browser, user.email).status_code == 302
    return browser, user


# Comparing and showing versions, without the web -------------------------------------------------


def test_the_difference_lists_changed_lines_with_their_numbers_and_a_gap_between_changes():
    before = "\n".join(f"line {n}" for n in range(1, 21))
    after = before.replace("line 2\n", "line two\n").replace("line 19", "line 19\nline 19b")
    diff = rules.rules_diff(before, after)
    changed = [(line.kind, line.number, line.text) for line in diff if line.kind != "same"]
    assert changed == [
        ("removed", 2, "line 2"),
        ("added", 2, "line two"),
        ("gap", None, ""),
        ("added", 20, "line 19b"),
    ]
    assert [line.number for line in diff if line.kind == "same"][:3] == [1, 3, 4]
    assert rules.rules_diff(before, before) == []


def test_an_edit_is_compared_with_the_rules_in_force_message_by_message():
    shipped = safeguarding.shipped_rules_text()
    weaker = edited(without_missing)
    losing = corpus_comparison(shipped, weaker)
    assert RUN_AWAY in texts(losing.newly_missed)
    [missed] = [o for o in losing.newly_missed if o.example.text == RUN_AWAY]
    assert missed.verdict.alert  # shown with the rule that caught it in force
    assert all(o.example.label != "none" for o in losing.newly_missed)
    [missing] = [row for row in losing.categories if row.category == "missing"]
    assert missing.name == "Missing" and missing.after < missing.before <= missing.total
    assert not [row for row in losing.categories if row.changed and row is not missing]
    assert losing.worse and losing.after["recall"] < losing.before["recall"]

    # The same change the other way round gains exactly what it lost.
    gaining = corpus_comparison(weaker, shipped)
    assert texts(gaining.newly_caught) == texts(losing.newly_missed)
    assert not gaining.worse and texts(gaining.fixed) == texts(losing.newly_missed)

    noisy = corpus_comparison(shipped, edited(alerting_on_i))
    assert noisy.new_false_alerts and all(o.example.label == "none" for o in noisy.new_false_alerts)
    assert all("anyone who says I" in o.verdict.reasons[0] for o in noisy.new_false_alerts)
    assert noisy.after["false_alerts"] == noisy.before["false_alerts"] + len(noisy.new_false_alerts)


# The page ----------------------------------------------------------------------------------------


def test_the_page_starts_from_the_shipped_rules(client, signed_in):
    signed_in(Role.REVIEWER)
    assert "Detector rules" in client.get("/").get_data(as_text=True)  # in the navigation
    page = page_text(client.get(PAGE))
    assert "The shipped rules: no change has been approved yet" in page
    assert "categories:" in page and "self_harm: Self-harm or suicide" in page
    assert "Propose this change" in page


def words_of(response) -> str:
    """The page's text as a reader hears it: no tags, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def test_the_page_says_which_languages_are_screened_with_their_figures(client, signed_in):
    signed_in(Role.REVIEWER)
    page = words_of(client.get(PAGE))
    assert "Screened: English. The rules decide alone" in page
    assert "Not screened alone: Spanish (español) and Portuguese (português)." in page
    assert "Not screened: any other language." in page
    evaluation = safeguarding.evaluate(
        safeguarding.shipped_detector(),
        safeguarding.select(safeguarding.shipped_corpus(), "es", safeguarding.HELD_OUT),
    )
    figures = evaluation.summary()
    alerts = "false alert" if figures["false_alerts"] == 1 else "false alerts"
    assert (
        f"catches {figures['caught']} of {figures['disclosures']} disclosures; "
        f"{figures['false_alerts']} {alerts} on {figures['harmless']} harmless messages"
    ) in page
    assert "Not screened alone: every text its rules miss alerts" in page


def test_an_edit_is_checked_on_every_languages_corpus_and_may_drop_one(client, signed_in):
    """A proposal holds all languages' rules: an edit that drops the Spanish rules shows what
    is lost in Spanish, and once in force Spanish texts are left to the safety net."""
    signed_in(Role.REVIEWER)
    english_and_portuguese = edited(lambda data: data["languages"].pop("es"))
    page = words_of(post_form(client, PAGE, {"rules": english_and_portuguese, "action": "check"}))
    assert "What this edit loses" in page and "“me quiero matar ya no puedo mas”" in page
    spanish = safeguarding.evaluate(
        safeguarding.shipped_detector(),
        safeguarding.select(safeguarding.shipped_corpus(), "es"),
    ).summary()
    total = spanish["disclosures"]
    assert f"Spanish (español) catches {spanish['caught']} of {total} disclosures" in page
    assert f"catches 0 of {total} disclosures" in page
    assert compile_rules_languages(english_and_portuguese) == ("en", "pt")


def compile_rules_languages(text: str) -> tuple[str, ...]:
    return safeguarding.compile_rules(text).languages


def test_checking_an_edit_shows_what_it_loses_and_gains_and_saves_nothing(client, signed_in):
    signed_in(Role.REVIEWER)
    weaker = edited(without_missing)
    response = post_form(client, PAGE, {"rules": weaker, "action": "check"})
    page = page_text(response)
    assert response.status_code == 200
    assert "What this edit loses" in page
    assert "Disclosures it would no longer catch" in page and f"“{RUN_AWAY}”" in page
    [missing] = [
        row
        for row in corpus_comparison(rules.text_of(None), weaker).categories
        if row.category == "missing"
    ]
    assert f"{missing.after} of {missing.total} ({missing.after - missing.before:+d})" in page
    assert "What you changed in the text" in page and "<del>  - name: running away</del>" in (
        response.get_data(as_text=True)
    )
    assert weaker in page  # the edit stays in the box
    noisy = page_text(post_form(client, PAGE, {"rules": edited(alerting_on_i), "action": "check"}))
    assert "New false alerts" in noisy and "anyone who says I: me" in noisy
    assert rule_sets() == []


def test_rules_that_do_not_compile_are_a_form_error_and_nothing_is_lost(client, signed_in):
    signed_in(Role.REVIEWER)
    broken = re.sub("^rules:", "rules: [", safeguarding.shipped_rules_text(), count=1, flags=re.M)
    for action in ("check", "propose"):
        response = post_form(client, PAGE, {"rules": broken, "summary": "Tidy", "action": action})
        page = page_text(response)
        assert response.status_code == 400
        assert "There is a problem" in page and "The rules cannot be read at line" in page
        assert broken in page
    unknown = edited(lambda data: data["rules"][0].update(all=["no_such_concept"]))
    response = post_form(client, PAGE, {"rules": unknown, "action": "check"})
    assert "names an unknown concept &#39;no_such_concept&#39;" in response.get_data(as_text=True)
    assert rule_sets() == []


def test_proposing_needs_a_summary_and_a_change(client, signed_in):
    signed_in(Role.REVIEWER)
    response = propose(client, with_phone_rule(safeguarding.shipped_rules_text()), summary="  ")
    assert response.status_code == 400
    assert "Say in a few words what you changed and why" in page_text(response)
    as_a_browser_sends_it = safeguarding.shipped_rules_text().replace("\n", "\r\n")
    response = propose(client, as_a_browser_sends_it, summary="Nothing")
    assert "These are the rules in force already" in page_text(response)
    assert rule_sets() == []


def test_another_reviewer_approves_and_the_next_text_is_checked_with_the_new_rules(
    client,
    signed_in,
    second_reviewer,
    send_sms,
):
    proposer = signed_in(Role.REVIEWER)
    send_sms(PHONE_TAKEN)
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 0

    response = propose(client, with_phone_rule(safeguarding.shipped_rules_text()))
    assert response.status_code == 302
    [proposal] = rule_sets()
    assert proposal.status is RuleSetStatus.PROPOSED and proposal.proposed_by_id == proposer.id
    shipped = safeguarding.evaluate(
        safeguarding.shipped_detector(), safeguarding.shipped_corpus()
    ).recall_by_category()
    assert proposal.evaluation["by_category"]["missing"] == list(shipped["missing"])
    assert proposal.evaluation["against"] is None and proposal.evaluation["newly_missed"] == 0
    send_sms(PHONE_TAKEN)  # not in force while it waits
    assert db.session.scalar(select(func.count()).select_from(Alert)) == 0

    # The proposer may not approve their own change.
    mine = page_text(client.get(PAGE))
    assert "Another reviewer must approve it" in mine and "Approve: put these rules" not in mine
    refused = decide(client, "approve", proposal)
    assert "another reviewer must approve it (four eyes)" in page_text(client.get(PAGE))
    assert refused.status_code == 302 and proposal.status is RuleSetStatus.PROPOSED

    browser, approver = second_reviewer
    review = page_text(browser.get(PAGE))
    assert "Waiting for approval" in review and "Catches a phone taken by force" in review
    assert "phone_taken:" in review and "On the corpus, compared with the rules in force" in review
    assert f"<ins>{PHONE_RULE}</ins>" in browser.get(PAGE).get_data(as_text=True)
    assert decide(browser, "approve", proposal).status_code == 302
    db.session.refresh(proposal)
    assert proposal.status is RuleSetStatus.IN_FORCE and proposal.decided_by_id == approver.id

    send_sms(PHONE_TAKEN)
    alert = db.session.scalars(select(Alert)).one()
    assert alert.category == "criminal_exploitation"
    assert alert.matched[0].startswith("phone taken")
    in_force = page_text(browser.get(PAGE))
    assert f"Version</dt><dd>{proposal.id}: Catches a phone taken by force" in in_force
    assert "second-reviewer@example.org" in in_force

    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "detector_rules")
    ).all()
    assert actions == ["detector_rules.proposed", "detector_rules.approved"]


def test_approving_a_newer_version_supersedes_the_one_in_force(client, signed_in, second_reviewer):
    signed_in(Role.REVIEWER)
    browser, _ = second_reviewer
    propose(client, with_phone_rule(safeguarding.shipped_rules_text()))
    [first] = rule_sets()
    decide(browser, "approve", first)
    assert propose(client, edited(without_missing), summary="Fewer rules").status_code == 302
    second = rule_sets()[-1]
    decide(browser, "approve", second)
    assert [rule_set.status for rule_set in rule_sets()] == [
        RuleSetStatus.SUPERSEDED,
        RuleSetStatus.IN_FORCE,
    ]
    assert rules.detector_in_force().check(RUN_AWAY).alert is False
    assert rules.detector_in_force().check(PHONE_TAKEN).alert is False

    shipped = {"rules": safeguarding.shipped_rules_text(), "action": "check"}
    page = page_text(post_form(client, PAGE, shipped))
    assert "What this edit gains" in page and "Disclosures it now catches" in page
    assert f"“{RUN_AWAY}”" in page


def test_a_returned_proposal_carries_a_note_and_can_be_edited_again(
    client, signed_in, second_reviewer
):
    signed_in(Role.REVIEWER)
    browser, returner = second_reviewer
    text = with_phone_rule(safeguarding.shipped_rules_text())
    propose(client, text)
    [proposal] = rule_sets()

    no_note = decide(browser, "return", proposal, note="  ")
    assert no_note.status_code == 400
    assert "Say what needs changing, so the proposer knows" in page_text(no_note)
    assert decide(client, "return", proposal, note="mine").status_code == 302  # the proposer
    assert proposal.status is RuleSetStatus.PROPOSED

    assert decide(browser, "return", proposal, note="Too broad: add the force").status_code == 302
    db.session.refresh(proposal)
    assert proposal.status is RuleSetStatus.RETURNED and proposal.decided_by_id == returner.id
    page = page_text(client.get(PAGE))
    assert "Too broad: add the force" in page and "Waiting for approval" not in page
    again = page_text(client.get(f"{PAGE}?start_from={proposal.id}"))
    assert text in again and f"The box starts from version {proposal.id}" in again
    assert rules.detector_in_force().check(PHONE_TAKEN).alert is False
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "detector_rules.returned")
    ).one()
    assert event.actor_id == returner.id and event.details["note"] == "Too broad: add the force"


def test_only_the_proposer_withdraws_and_one_proposal_waits_at_a_time(
    client, signed_in, second_reviewer
):
    proposer = signed_in(Role.REVIEWER)
    browser, _ = second_reviewer
    propose(client, with_phone_rule(safeguarding.shipped_rules_text()))
    [proposal] = rule_sets()

    second = page_text(
        post_form(
            browser,
            PAGE,
            {
                "rules": edited(without_missing),
                "summary": "Mine too",
                "action": "propose",
                "based_on": "shipped",
            },
            page=PAGE,
        )
    )
    assert "only one can wait at a time" in second and edited(without_missing) in second
    decide(browser, "withdraw", proposal)
    assert "Only the reviewer who proposed this change can withdraw it" in page_text(
        browser.get(PAGE)
    )
    assert decide(client, "withdraw", proposal).status_code == 302
    db.session.refresh(proposal)
    assert proposal.status is RuleSetStatus.RETURNED and proposal.decided_by_id == proposer.id
    assert proposal.decision_note == "Withdrawn by its proposer."
    assert decide(browser, "approve", proposal).status_code == 302
    assert "no longer waiting for approval" in page_text(browser.get(PAGE))
    assert [r.status for r in rule_sets()] == [RuleSetStatus.RETURNED]


def test_an_edit_begun_before_other_rules_came_into_force_is_shown_before_it_is_proposed(
    client, signed_in, second_reviewer
):
    signed_in(Role.REVIEWER)
    browser, _ = second_reviewer
    started = rules.version_tag(rules.in_force())  # the editor opened on the shipped rules
    propose(client, with_phone_rule(safeguarding.shipped_rules_text()))
    decide(browser, "approve", rule_sets()[0])

    data = {"rules": edited(without_missing), "summary": "Fewer", "action": "propose"}
    stale = post_form(browser, PAGE, {**data, "based_on": started})
    assert stale.status_code == 400
    assert "Other rules came into force while you were editing" in page_text(stale)
    assert f"<del>{PHONE_RULE}</del>" in stale.get_data(as_text=True)  # it would undo that
    assert len(rule_sets()) == 1
    again = post_form(
        browser, PAGE, {**data, "based_on": rules.version_tag(rules.in_force())}, page=PAGE
    )
    assert again.status_code == 302 and len(rule_sets()) == 2


def test_only_reviewers_reach_the_rules(client, make_staff, signed_in):
    for role in (Role.CHANGEMAKER, Role.BOARD, Role.ADMIN):
        browser = client.application.test_client()
        user = make_staff(role, email=f"{role}@example.org")
        sign_in(browser, user.email)
        assert browser.get(PAGE).status_code == 403, role
        assert post_form(browser, DECISION, {"decision": "approve"}).status_code == 403, role
    signed_in(Role.REVIEWER)
    assert client.get(PAGE).status_code == 200
