"""Try it: a version of a flow, draft or not, answered by the live router.

Every text goes through ``messages.router.route`` with the same stages in the same order as a
real SMS (reserved words, safeguarding, keywords, the conversation, the default reply), so Try
it can never answer differently from the service. Only the context differs: ``TrialContext``
implements ``router.RouterContext`` in memory, where ``router_context.DatabaseContext`` reads
and writes the database. Nothing about anyone is stored, no alert is raised and nothing is sent;
the context keeps its few fields in plain data for the caller to keep between texts (the staff
member's session).

The version being tried stands in for its flow: its keyword (and the keyword the flow is live
under, if that differs) starts it. Every other keyword answers as it does live: a fixed reply,
another published flow. A survey is not started (it would record a response): Try it says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from changemakers.alerts import services as alerts
from changemakers.alerts.rules import detector_in_force
from changemakers.languages import ENGLISH
from changemakers.safeguarding import Verdict
from messages import conversations, signposting
from messages.conversations import Turn
from messages.flows import engine
from messages.flows import services as flows
from messages.flows.definition import FlowDefinition, in_language
from messages.keywords import FIXED_REPLY, KeywordBinding, current_keywords
from messages.router import Inbound, keyword_of, route
from messages.router_context import MAX_HAND_OVERS

TRIED = "tried"  # the conversation kind standing for the version being tried
REFERENCE = "TRYIT"  # a MYDATA reference that is plainly not one


@dataclass(frozen=True)
class Line:
    """One line of the pretend phone: a reply now, one later, or a note about what the live
    service would also do."""

    text: str
    later: str = ""
    note: bool = False


@dataclass
class TrialContext:
    """The router's view of the pretend phone (see ``router.RouterContext``), in memory."""

    flow: FlowDefinition
    flow_id: int
    now: datetime
    signposts: Mapping[str, str]
    saved: dict[str, Any] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    _hand_overs: int = 0

    # What is kept between texts: whether they opted out, their language, and the
    # conversation going on.
    @property
    def opted_out(self) -> bool:
        return bool(self.saved.get("opted_out"))

    @property
    def language(self) -> str:
        return str(self.saved.get("language") or ENGLISH)

    @property
    def language_menu_open(self) -> bool:
        return bool(self.saved.get("language_menu"))

    def choose_language(self, code: str) -> None:
        self.saved.update(language=code, language_menu=False)

    def offer_language_menu(self, offered: bool) -> None:
        self.saved["language_menu"] = offered

    @property
    def _conversation(self) -> dict[str, Any] | None:
        conversation: dict[str, Any] | None = self.saved.get("conversation")
        return conversation

    def _note(self, text: str) -> None:
        self.lines.append(Line(text, note=True))

    def opt_out(self) -> None:
        self.saved.update(opted_out=True, conversation=None)

    def opt_in(self) -> None:
        self.saved["opted_out"] = False

    def erase(self) -> None:
        self.saved.clear()

    def want_updates(self, wanted: bool) -> None:
        pass  # the reply says it all; the pretend phone is on no list

    def check_safeguarding(self, text: str) -> Verdict:
        return detector_in_force().check(text, self.language)

    def raise_alert(self, verdict: Verdict) -> bool:
        self._note(
            "A real text like this raises a safeguarding alert for the team; none is raised "
            "when you try a flow."
        )
        return False  # the pretend phone has no desk conversation

    def when_read(self) -> str:
        return alerts.office_hours().when_read(self.now, self.language)

    def data_reference(self) -> str:
        return REFERENCE

    def continue_desk_thread(self, text: str) -> list[str] | None:
        return None

    def _bindings(self) -> dict[str, KeywordBinding]:
        """The live keywords, with this flow's standing for the version being tried."""
        own = str(self.flow_id)
        bindings = {}
        for word, binding in current_keywords().items():
            if binding.kind == flows.KIND and binding.ref == own:
                binding = KeywordBinding(word, TRIED, own, None)
            bindings[word] = binding
        tried = keyword_of(self.flow.keyword)
        if tried:
            bindings[tried] = KeywordBinding(tried, TRIED, own, None)
        return bindings

    def is_keyword(self, word: str) -> bool:
        return word in self._bindings()

    def keywords(self) -> list[str]:
        return sorted(self._bindings())

    def signposted(self, text: str) -> str:
        return signposting.render(text, self.signposts)

    def start_keyword(self, word: str) -> list[str] | None:
        binding = self._bindings().get(word)
        if binding is None:
            return None
        if binding.kind == FIXED_REPLY:
            return [binding.reply_in(self.language)]
        return self._start(binding.kind, binding.ref)

    def _start(self, kind_name: str | None, ref: str | None) -> list[str]:
        self.saved["conversation"] = None  # as live: a new conversation replaces the old
        if kind_name == TRIED:
            turn = engine.start(in_language(self.flow, self.language), self.now, self.signposts)
        elif kind_name == flows.KIND and (kind := conversations.kind_named(flows.KIND)):
            # reads the published flow only
            turn = kind.start(ref, self.now, "", trial=True, language=self.language)
        else:
            kind = conversations.kind_named(kind_name or "")
            label = kind.label if kind else kind_name
            self._note(f"Here {label} ({ref}) would start: try it in the phone simulator.")
            return []
        if turn.state is not None:
            self.saved["conversation"] = {"kind": kind_name, "ref": ref, "state": turn.state}
        return self._after(turn)

    def continue_conversation(self, text: str) -> list[str] | None:
        conversation = self._conversation
        if conversation is None:
            return None
        state = conversation["state"]
        expires_at = state.get("expires_at")
        if expires_at and datetime.fromisoformat(expires_at) <= self.now:
            self.saved["conversation"] = None
            return None
        if conversation["kind"] == TRIED:
            flow = in_language(self.flow, self.language)
            turn = engine.reply(flow, state, text, self.now, self.signposts, language=self.language)
        else:
            kind = conversations.kind_named(conversation["kind"])
            if kind is None:
                self.saved["conversation"] = None
                return None
            turn = kind.reply(
                conversation["ref"], dict(state), text, self.now, "", language=self.language
            )
        conversation["state"] = turn.state
        if turn.state is None:
            self.saved["conversation"] = None
        return self._after(turn)

    def _after(self, turn: Turn) -> list[str]:
        """As ``DatabaseContext._after``: follow-ups for later, then any hand-over."""
        for follow_up in turn.follow_ups:
            self.lines.append(Line(follow_up.text, later=later_in_words(follow_up.after)))
        replies = list(turn.replies)
        hand_over = turn.hand_over
        if hand_over is not None and self._hand_overs < MAX_HAND_OVERS:
            self._hand_overs += 1
            if hand_over.keyword:
                replies += self.start_keyword(keyword_of(hand_over.keyword)) or []
            else:
                replies += self._start(hand_over.kind, hand_over.ref)
        return replies


def later_in_words(delay: timedelta) -> str:
    hours = int(delay.total_seconds() // 3600)
    return f"{hours // 24} days later" if hours >= 48 else f"{hours} hours later"


def text(
    flow: FlowDefinition,
    flow_id: int,
    saved: dict[str, Any],
    body: str,
    now: datetime,
    signposts: Mapping[str, str],
) -> list[Line]:
    """What the pretend phone gets for ``body``: the router's replies, then anything for later
    and notes; ``saved`` is updated in place for the next text."""
    context = TrialContext(flow, flow_id, now, signposts, saved)
    replies = route(Inbound(body), context)
    return [Line(reply) for reply in replies] + context.lines
