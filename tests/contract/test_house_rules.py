"""The shape of the house, checked: rooms import downward only and never in a circle, no module grows past 400 lines,
no test fake ships, and `except Exception` stays the rare, explained exception (ARCHITECTURE.md says why)."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import parley

PACKAGE = Path(parley.__file__).resolve().parent
MODULES = sorted(PACKAGE.rglob("*.py"))
# Each room of src/parley and its floor: a room imports from its own floor and those below it, never above. Low rooms
# (domain, configuration, channels, language, understanding) know nothing of the dialogue, analytics, agents, the
# local stack or the composition root. A new top-level module or package must be given a room here.
ROOMS = {
    "__init__": 0,
    "domain": 0,
    "folding": 0,
    "observability": 0,
    "config": 1,
    "channels": 2,
    "language": 2,
    "nlu": 2,
    "i18n": 2,
    "data": 3,
    "privacy": 3,
    "support": 3,
    "queue": 3,
    "dialogue": 4,
    "analytics": 5,
    "agents": 6,
    "ingress": 7,
    "fulfillment": 7,
    "wiring": 8,
    "local": 9,
    "cli": 10,
}
LOW_ROOMS = ("domain", "config", "channels", "language", "nlu")
MAX_LINES = 400
MAX_CATCH_ALLS = 2


def room_of(module: str) -> str:
    """The room of a dotted module name: parley.dialogue.flows.billing → dialogue."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "parley":
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "parley"]
    return found


def room_of_path(path: Path) -> str:
    return room_of(".".join(("parley", *path.relative_to(PACKAGE).with_suffix("").parts)))


def test_every_module_belongs_to_a_room() -> None:
    assert len(MODULES) > 100
    assert sorted({room_of_path(path) for path in MODULES} - set(ROOMS)) == []


def test_rooms_import_downward_only() -> None:
    climbing = [
        f"{path.relative_to(PACKAGE)}:{line} imports {target}"
        for path in MODULES
        for line, target in imports(path)
        if ROOMS.get(room_of(target), 99) > ROOMS.get(room_of_path(path), -1)
    ]
    assert climbing == []


def test_the_low_rooms_know_nothing_of_the_rooms_above_them() -> None:
    floor = max(ROOMS[room] for room in LOW_ROOMS)
    above = {room for room, level in ROOMS.items() if level > floor}
    reached = {
        (room_of_path(path), room_of(target))
        for path in MODULES
        if room_of_path(path) in LOW_ROOMS
        for _, target in imports(path)
        if room_of(target) in above
    }
    assert reached == set()


def test_rooms_never_import_each_other_in_a_circle() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in MODULES:
        source = room_of_path(path)
        graph[source] |= {room_of(target) for _, target in imports(path)} - {source}

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})) for nxt in graph[start])

    assert sorted(room for room in list(graph) if reaches(room, room)) == []


def test_no_module_is_longer_than_four_hundred_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in MODULES if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_no_test_fake_ships_in_the_package() -> None:
    fakes = [
        f"{path.relative_to(PACKAGE)}: {node.name}"
        for path in MODULES
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and re.match(r"(InMemory|Fake|Stub|Dummy)", node.name)
    ]
    assert fakes == []


def test_catch_alls_are_at_most_two_and_each_says_why() -> None:
    catch_alls = [
        (path.relative_to(PACKAGE), line)
        for path in MODULES
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"except Exception\b", line)
    ]
    assert len(catch_alls) <= MAX_CATCH_ALLS, catch_alls
    assert all("#" in line.split("except", 1)[1] for _, line in catch_alls), catch_alls
