"""The answers to the named queries, computed from the fixture town's Python objects (no Cypher)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from schema.sensitive import mask_phone
from schema.vocabulary import CONTACT_EXEMPT_AGE, CONTACT_LIMIT, OPEN_STATUSES, VULNERABLE_TAGS
from tests.fixtures.town import Case, Person, Town

_HAN = re.compile(r"[\u4e00-\u9fff]+")


def grid_path(town: Town, grid: str) -> str:
    return str(town.grid(grid)["path"])


def household_path(town: Town, code: str) -> str:
    return grid_path(town, town.household(code)["grid"])


def in_scope(path: str, scope: str) -> bool:
    return path.startswith(scope)


def vulnerable_tags(person: Person) -> list[str]:
    return [tag for tag in person.tags if tag in VULNERABLE_TAGS]


def contacts_of_households(town: Town, codes: list[str], scope: str = "/") -> list[tuple[str, str | None]]:
    rows: list[tuple[str, str | None]] = []
    for code in sorted(set(codes)):
        if not in_scope(household_path(town, code), scope):
            continue
        members = sorted(m for m, h in town.contacts if h == code)
        rows += [(code, m) for m in members] or [(code, None)]
    return rows


def households_of_member(town: Town, member: str, scope: str = "/") -> list[dict[str, Any]]:
    rows = []
    for code in sorted(h for m, h in town.contacts if m == member):
        if not in_scope(household_path(town, code), scope):
            continue
        residents = town.members_of(code)
        heads = sorted((p for p in residents if p.relation == "户主"), key=lambda p: p.key)
        rows.append({"householdCode": code, "gridCode": town.household(code)["grid"],
                     "headName": heads[0].name if heads else None, "persons": len(residents)})
    return rows


def uncontacted_households(town: Town, scope: str = "/", vulnerable_only: bool = False) -> list[dict[str, Any]]:
    contacted = {h for _, h in town.contacts}
    rows = []
    ordered = sorted(town.households, key=lambda h: (grid_path(town, h["grid"]), h["code"]))
    for household in ordered:
        code = household["code"]
        if code in contacted or not in_scope(grid_path(town, household["grid"]), scope):
            continue
        vulnerable = sorted((p for p in town.members_of(code) if vulnerable_tags(p)), key=lambda p: p.key)
        if vulnerable_only and not vulnerable:
            continue
        tags: list[str] = []
        for person in vulnerable:
            tags += [t for t in vulnerable_tags(person) if t not in tags]
        rows.append({"householdCode": code, "gridCode": household["grid"], "persons": len(town.members_of(code)),
                     "vulnerableCount": len(vulnerable), "vulnerableKeys": [p.key for p in vulnerable],
                     "vulnerableNames": [p.name for p in vulnerable], "vulnerableTags": tags})
    return rows


def overloaded_members(town: Town, today: date, scope: str = "/") -> list[dict[str, Any]]:
    load = Counter(m for m, _ in town.contacts)
    rows = []
    for person in town.persons.values():
        if not person.party_member or person.household is None:
            continue
        if not in_scope(household_path(town, person.household), scope):
            continue
        age = person.age(today)
        if load[person.key] > CONTACT_LIMIT or age >= CONTACT_EXEMPT_AGE:
            rows.append({"memberKey": person.key, "age": age, "households": load[person.key],
                         "overloaded": load[person.key] > CONTACT_LIMIT, "exempt": age >= CONTACT_EXEMPT_AGE,
                         "householdCode": person.household})
    return sorted(rows, key=lambda r: (-r["households"], r["memberKey"]))


def bigrams(text: str) -> set[str]:
    """The terms the CJK analyzer makes of Chinese text: overlapping pairs, a lone character alone."""
    terms: set[str] = set()
    for run in _HAN.findall(text):
        terms |= {run[i:i + 2] for i in range(len(run) - 1)} if len(run) > 1 else {run}
    return terms


def mediator_record(town: Town, person: str) -> tuple[int, int]:
    outcomes = [o for c in town.cases for m, o in c.mediators if m == person]
    return len(outcomes), outcomes.count("success")


def _places(town: Town, case: Case) -> tuple[set[str], set[str]]:
    parties = set(case.parties) | set(case.households)
    units = {town.household(h)["unit"] for h in case.households}
    return parties, units


def closeness(town: Town, source: Case, other: Case) -> str:
    source_parties, source_units = _places(town, source)
    parties, units = _places(town, other)
    source_path, path = grid_path(town, source.grid), grid_path(town, other.grid)
    if source_parties & parties:
        return "party"
    if source_units & units:
        return "unit"
    if source_path == path:
        return "grid"
    if len(source_path.strip("/").split("/")) >= 2:
        village = "/" + "/".join(source_path.strip("/").split("/")[:2]) + "/"
        if path.startswith(village):
            return "village"
    return "none"


def similar_disputes(town: Town, text: str, category: str | None, exclude: str | None = None,
                     scope: str = "/") -> set[str]:
    terms = bigrams(text)
    return {c.code for c in town.cases
            if c.kind == "dispute" and c.code != exclude and (category is None or c.category == category)
            and in_scope(grid_path(town, c.grid), scope)
            and (terms & (bigrams(c.title) | bigrams(c.description)))}


def responsibility_chain(town: Town, code: str) -> list[tuple[int, str, str | None, str | None]]:
    """(step, role, person key, region code) of each link."""
    household = town.household(code)
    links: list[tuple[int, str, str | None, str | None]] = [
        (0, "unitChief", town.unit_chiefs[household["unit"]], None)]
    grid: dict[str, Any] | None = town.grid(household["grid"])
    regions: set[str] = set()
    while grid is not None:
        base = (3 - grid["level"]) * 2
        links += [(base + 1, "gridMember", p, None) for p, g, _, _ in town.grid_members if g == grid["code"]]
        links.append((base + 2, "gridChief", town.grid_chiefs[grid["code"]], None))
        region = grid["region"]
        while region is not None:
            row = next(r for r in town.regions if r["code"] == region)
            if row["level"] in ("village", "town"):
                regions.add(region)
            region = row["parent"]
        grid = town.grid(grid["parent"]) if grid["parent"] else None
    for region in regions:
        level = next(r["level"] for r in town.regions if r["code"] == region)
        links.append((7 if level == "village" else 8, "region", None, region))
    return sorted(links, key=lambda link: (link[0], link[2] or "", link[3] or ""))


def phone_of(town: Town, key: str) -> str | None:
    phone = town.persons[key].phone
    return mask_phone(phone) if phone else None


def is_open(case: Case) -> bool:
    return case.status in OPEN_STATUSES


def overdue_cases(town: Town, now: datetime, scope: str = "/") -> list[dict[str, Any]]:
    orgs = {o["code"]: o["name"] for o in town.organizations}
    cases = [c for c in town.cases if is_open(c) and c.deadline < now and in_scope(grid_path(town, c.grid), scope)]
    cases.sort(key=lambda c: (grid_path(town, c.grid), c.deadline, c.code))
    return [{"caseCode": c.code, "gridCode": c.grid, "overdueDays": (now - c.deadline).days,
             "holders": [orgs[c.assigned_org]] if c.assigned_org else [],
             "holderOrganizationCodes": [c.assigned_org] if c.assigned_org else []} for c in cases]


def due_soon(town: Town, now: datetime, within_hours: int = 24, scope: str = "/") -> list[str]:
    """Codes of open cases due in [now, now + within_hours), soonest first."""
    cases = [c for c in town.cases if is_open(c) and now <= c.deadline < now + timedelta(hours=within_hours)
             and in_scope(grid_path(town, c.grid), scope)]
    return [c.code for c in sorted(cases, key=lambda c: (c.deadline, c.code))]


def conflict_hotspots(town: Town, min_cases: int = 2, scope: str = "/") -> set[tuple[str, str, int, tuple[str, ...]]]:
    involved: dict[tuple[str, str], list[str]] = {}
    for case in town.cases:
        if case.kind != "dispute" or not in_scope(grid_path(town, case.grid), scope):
            continue
        for person in set(case.parties):
            involved.setdefault(("person", person), []).append(case.code)
        for household in set(case.households):
            involved.setdefault(("household", household), []).append(case.code)
    return {(kind, key, len(codes), tuple(sorted(codes)))
            for (kind, key), codes in involved.items() if len(codes) >= min_cases}


def open_wishes(town: Town, scope: str = "/") -> set[tuple[str, str, str | None, tuple[str, ...]]]:
    return {(c.code, p, c.claimed_by, tuple(vulnerable_tags(town.persons[p])))
            for c in town.cases if c.kind == "wish" and is_open(c) and in_scope(grid_path(town, c.grid), scope)
            for p in c.parties if vulnerable_tags(town.persons[p])}


def grid_coverage(town: Town, now: datetime, scope: str = "/") -> list[dict[str, Any]]:
    contacted = {h for _, h in town.contacts}
    rows = []
    for grid in sorted(town.grids, key=lambda g: g["path"]):
        if not grid["path"].startswith(scope):
            continue
        subtree = town.subtree(grid["code"])
        households = [h["code"] for h in town.households if h["grid"] in subtree]
        residents = [p for h in households for p in town.members_of(h)]
        cases = [c for c in town.cases if c.grid in subtree]
        open_cases = [c for c in cases if is_open(c)]
        rated = [c for c in cases if c.satisfaction]
        satisfied = [c for c in rated if c.satisfaction in ("satisfied", "basicallySatisfied")]
        contacted_here = [h for h in households if h in contacted]
        rows.append({
            "gridCode": grid["code"], "level": grid["level"], "households": len(households),
            "persons": len(residents), "partyMembers": sum(1 for p in residents if p.party_member),
            "contactedHouseholds": len(contacted_here),
            "contactedShare": len(contacted_here) / len(households) if households else None,
            "cases": len(cases), "openCases": len(open_cases),
            "overdueCases": sum(1 for c in open_cases if c.deadline < now),
            "closureRate": (len(cases) - len(open_cases)) / len(cases) if cases else None,
            "satisfactionRate": len(satisfied) / len(rated) if rated else None,
        })
    return rows


def grid_scorecard(town: Town, start: datetime, end: datetime, now: datetime, level: int) -> dict[str, dict[str, Any]]:
    """The counts of grid-scorecard for each grid of ``level``, from the town's objects."""
    contacted = {h for _, h in town.contacts}
    satisfied = {"verySatisfied", "satisfied", "basicallySatisfied"}
    cards = {}
    for grid in town.grids:
        if grid["level"] != level:
            continue
        subtree = town.subtree(grid["code"])
        households = [h["code"] for h in town.households if h["grid"] in subtree]
        cases = [c for c in town.cases if c.grid in subtree and start <= c.reported_at < end]
        done = [c for c in cases if not is_open(c) and c.status != "rejected"]
        cards[grid["code"]] = {
            "households": len(households), "contactedHouseholds": sum(1 for h in households if h in contacted),
            "cases": len(cases),
            "overdueCases": sum(1 for c in cases if (is_open(c) and c.deadline < now)
                                or (c in done and c.closed_at is not None and c.closed_at > c.deadline)),
            "closedCases": len(done),
            "closedInTime": sum(1 for c in done if c.closed_at is not None and c.closed_at <= c.deadline),
            "ratedCases": sum(1 for c in cases if c.satisfaction),
            "satisfiedCases": sum(1 for c in cases if c.satisfaction in satisfied),
            "closedAtGridOrVillage": len(done),  # the fixture's cases are all held at grid level
        }
    return cards
