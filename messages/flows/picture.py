"""A picture of a flow: its steps as boxes in rows (by how far each is from the start) and
arrows for where each goes. Plain geometry; the template draws it as SVG.

Each box is as tall as its title needs: the title is wrapped onto as many lines as it takes,
never cut, so a Changemaker always reads the whole of a step's name."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from messages.flows.definition import FlowDefinition
from messages.flows.titles import step_titles

BOX_WIDTH, GAP_X, GAP_Y, MARGIN = 220, 24, 56, 12
# A line of the title in 14px bold fits about this many characters in a box.
LINE_CHARACTERS = 24
LINE_HEIGHT, PADDING, DETAIL_HEIGHT = 18, 8, 18


@dataclass(frozen=True)
class Box:
    step: str
    kind: str
    x: int
    y: int
    lines: tuple[str, ...] = ()
    height: int = 0

    @property
    def detail_y(self) -> int:
        """Where the line under the title (the kind and id) sits."""
        return self.y + PADDING + len(self.lines) * LINE_HEIGHT + 14


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    label: str
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass(frozen=True)
class Picture:
    boxes: list[Box]
    arrows: list[Arrow]
    width: int
    height: int
    box_width: int = BOX_WIDTH


def edges(flow: FlowDefinition) -> list[tuple[str, str, str]]:
    """(from, to, label) for every way one step leads to another."""
    found = []
    for step in flow.steps.values():
        if step.next:
            found.append((step.id, step.next, ""))
        for number, option in enumerate(step.options, start=1):
            found.append((step.id, option.next, str(number)))
    return [(a, b, label) for a, b, label in found if b in flow.steps]


def title_lines(title: str) -> tuple[str, ...]:
    """A title wrapped to the box's width; a word longer than a line is split, never cut."""
    return tuple(textwrap.wrap(title, LINE_CHARACTERS, break_on_hyphens=False)) or ("",)


def draw(flow: FlowDefinition, signposts: Mapping[str, str] | None = None) -> Picture:
    depth: dict[str, int] = {}
    frontier = [flow.start] if flow.start in flow.steps else []
    links = edges(flow)
    level = 0
    while frontier:
        following = []
        for step_id in frontier:
            if step_id not in depth:
                depth[step_id] = level
                following += [b for a, b, _ in links if a == step_id and b not in depth]
        frontier, level = following, level + 1
    for step_id in flow.steps:  # steps nothing leads to: a last row
        depth.setdefault(step_id, level)
    rows: dict[int, list[str]] = {}
    for step_id in flow.steps:
        rows.setdefault(depth[step_id], []).append(step_id)
    titles = step_titles(flow, signposts)
    lines = {step_id: title_lines(titles[step_id]) for step_id in flow.steps}
    heights = {s: 2 * PADDING + len(lines[s]) * LINE_HEIGHT + DETAIL_HEIGHT for s in flow.steps}
    place: dict[str, tuple[int, int]] = {}
    top = MARGIN
    for row in sorted(rows):
        members = rows[row]
        for column, step_id in enumerate(members):
            place[step_id] = (MARGIN + column * (BOX_WIDTH + GAP_X), top)
        top += max(heights[s] for s in members) + GAP_Y
    boxes = [
        Box(s, flow.steps[s].kind, *place[s], lines=lines[s], height=heights[s]) for s in flow.steps
    ]
    arrows = []
    for source, target, label in links:
        (sx, sy), (tx, ty) = place[source], place[target]
        if ty == sy:  # side by side: from one box's side to the other's
            rightward = tx > sx
            x1, x2 = (sx + BOX_WIDTH, tx) if rightward else (sx, tx + BOX_WIDTH)
            y1 = y2 = sy + min(heights[source], heights[target]) // 2
        else:
            downward = ty > sy
            x1, x2 = sx + BOX_WIDTH // 2, tx + BOX_WIDTH // 2
            y1, y2 = (sy + heights[source], ty) if downward else (sy, ty + heights[target])
        arrows.append(Arrow(source, target, label, x1, y1, x2, y2))
    widest = max((len(m) for m in rows.values()), default=1)
    return Picture(
        boxes,
        arrows,
        width=2 * MARGIN + widest * (BOX_WIDTH + GAP_X),
        height=MARGIN + top,
    )
