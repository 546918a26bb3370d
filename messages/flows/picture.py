"""A picture of a flow: its steps as boxes in rows (by how far each is from the start) and
arrows for where each goes. Plain geometry; the template draws it as SVG."""

from __future__ import annotations

from dataclasses import dataclass

from messages.flows.definition import FlowDefinition

BOX_WIDTH, BOX_HEIGHT, GAP_X, GAP_Y, MARGIN = 170, 46, 24, 56, 12


@dataclass(frozen=True)
class Box:
    step: str
    kind: str
    x: int
    y: int


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


def edges(flow: FlowDefinition) -> list[tuple[str, str, str]]:
    """(from, to, label) for every way one step leads to another."""
    found = []
    for step in flow.steps.values():
        if step.next:
            found.append((step.id, step.next, ""))
        for number, option in enumerate(step.options, start=1):
            found.append((step.id, option.next, str(number)))
    return [(a, b, label) for a, b, label in found if b in flow.steps]


def draw(flow: FlowDefinition) -> Picture:
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
    place: dict[str, tuple[int, int]] = {}
    for row, members in rows.items():
        for column, step_id in enumerate(members):
            place[step_id] = (
                MARGIN + column * (BOX_WIDTH + GAP_X),
                MARGIN + row * (BOX_HEIGHT + GAP_Y),
            )
    boxes = [Box(s, flow.steps[s].kind, *place[s]) for s in flow.steps]
    arrows = []
    for source, target, label in links:
        (sx, sy), (tx, ty) = place[source], place[target]
        if ty == sy:  # side by side: from one box's side to the other's
            rightward = tx > sx
            x1, x2 = (sx + BOX_WIDTH, tx) if rightward else (sx, tx + BOX_WIDTH)
            y1 = y2 = sy + BOX_HEIGHT // 2
        else:
            downward = ty > sy
            x1, x2 = sx + BOX_WIDTH // 2, tx + BOX_WIDTH // 2
            y1, y2 = (sy + BOX_HEIGHT, ty) if downward else (sy, ty + BOX_HEIGHT)
        arrows.append(Arrow(source, target, label, x1, y1, x2, y2))
    widest = max((len(m) for m in rows.values()), default=1)
    return Picture(
        boxes,
        arrows,
        width=2 * MARGIN + widest * (BOX_WIDTH + GAP_X),
        height=2 * MARGIN + len(rows) * (BOX_HEIGHT + GAP_Y),
    )
