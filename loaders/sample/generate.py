"""Generating a sample: town by town, village by village, streaming every row to its workbook."""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from loaders.sample.attributes import PROBATIONARY_MEMBER, is_vulnerable
from loaders.sample.cases import CaseMaker
from loaders.sample.census import CensusLayout, CensusWriter, Mover, choose_household_defects, choose_mover
from loaders.sample.defects import plan_row_defects
from loaders.sample.families import FamilyMaker, IdIssuer
from loaders.sample.ledgers import LedgerWriter
from loaders.sample.manifest import Manifest
from loaders.sample.party import VillageParty, town_committee, village_party
from loaders.sample.scales import SCALES, Scale, ScaleName
from loaders.sample.sheets import Book, Sheet
from loaders.sample.town import make_town, town_names
from loaders.sample.village import VillageMaker
from loaders.sample.world import Staff, Town, Village
from schema.vocabulary import CONTACT_EXEMPT_AGE, CONTACT_LIMIT

FORMATS = ("xlsx", "csv")
_CENSUS_ENCODINGS = ("gbk", "utf-8-sig", "utf-8")


@dataclass(frozen=True)
class TownJob:
    outdir: Path
    scale: ScaleName
    seed: int
    fmt: str
    as_of: date
    index: int
    name: str


def generate(outdir: Path, scale: str = "town", seed: int = 1, fmt: str = "xlsx", as_of: date | None = None,
             jobs: int = 1) -> Manifest:
    """Write a generated town or county into ``outdir`` and return (and write) its manifest.

    The same ``seed`` and ``as_of`` (default: today) give the same files. ``jobs`` > 1 writes towns in
    parallel processes; the output does not depend on it.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    size = SCALES[ScaleName(scale)]
    as_of = as_of or date.today()
    outdir.mkdir(parents=True, exist_ok=True)
    names = town_names(random.Random(f"{seed}:county"), size.towns)
    towns = [TownJob(outdir, size.name, seed, fmt, as_of, i, n) for i, n in enumerate(names)]
    manifest = Manifest(size.name.value, seed, fmt, as_of.isoformat())
    if jobs > 1 and len(towns) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            parts = list(pool.map(generate_town, towns))
    else:
        parts = [generate_town(job) for job in towns]
    for part in parts:
        manifest.merge(part)
    manifest.counts["towns"] = len(towns)
    manifest.write(outdir / "manifest.json")
    return manifest


def _census_groups(rng: random.Random, town: Town, scale: Scale) -> list[list[int]]:
    """Villages that share a census workbook (one sheet each); most have a workbook of their own."""
    if scale.name == ScaleName.VILLAGE:
        return [[0], list(range(1, len(town.villages)))]
    groups: list[list[int]] = []
    index = 0
    while index < len(town.villages):
        size = rng.choice((2, 3)) if index > 0 and rng.random() < 0.08 else 1
        area = town.villages[index].area
        group = [i for i in range(index, min(index + size, len(town.villages))) if town.villages[i].area is area]
        groups.append(group)
        index += len(group)
    return groups


def generate_town(job: TownJob) -> Manifest:
    """Write one town's census workbooks and ledgers; returns its part of the manifest."""
    scale = SCALES[job.scale]
    rng = random.Random(f"{job.seed}:town:{job.index}")
    town = make_town(rng, scale, job.index, job.name)
    folder = f"{town.code}_{town.name}"
    manifest = Manifest(scale.name.value, job.seed, job.fmt, job.as_of.isoformat())
    ledgers = LedgerWriter(job.outdir, folder, town, job.fmt, manifest, job.as_of)
    ledgers.party_org(town_committee(town))
    families = FamilyMaker(rng, town.county_code, job.as_of, IdIssuer(job.index))
    villages = VillageMaker(rng, town, job.as_of, families)
    cases = CaseMaker(rng, town, job.as_of)
    census = CensusWriter(rng, manifest, town.name, job.as_of)
    sheets: list[Sheet] = []
    incoming: Mover | None = None
    for group in _census_groups(rng, town, scale):
        first = town.villages[group[0]]
        stem = (f"{first.name}人口信息采集表" if len(group) == 1
                else f"{first.area.name.removeprefix(town.name)}人口信息采集表（{first.name}等{len(group)}村）")
        book = Book(job.outdir, f"{folder}/人口信息采集表/{stem}", job.fmt, job.as_of,
                    encoding=_CENSUS_ENCODINGS[group[0] % 3 if group[0] < 3 else rng.choice((0, 1, 1, 2, 2))])
        for v in group:
            plan = town.villages[v]
            force = v == 0
            village = villages.make(plan)
            if force:
                _open_studio(rng, town, village, job.as_of)
            party = village_party(rng, town, village, job.as_of, force)
            village_cases = cases.village_cases(village, force)
            ledgers.village(rng, village, party, village_cases, force)
            referenced = {id(c.member) for c in party.contacts}
            referenced |= {id(p) for d in village_cases.disputes for p in d.parties}
            referenced |= {id(w.person) for w in village_cases.wishes}
            protected = referenced | {id(h.head) for h in village.households}
            outgoing = (choose_mover(rng, village, protected, job.as_of)
                        if v + 1 < len(town.villages) and (force or rng.random() < 0.05) else None)
            household_defects = choose_household_defects(rng, village, referenced, force, outgoing)
            # Neither a left-out head, a row that carries a household defect, nor the mover gets a row
            # defect: their rows mean something already (at most one defect per row).
            unspoiled = (household_defects.left_out | household_defects.marked
                         | ({id(outgoing.person)} if outgoing else set()))
            persons = [p for p in village.persons() if id(p) not in unspoiled]
            row_defects = {id(persons[i]): code
                           for i, code in plan_row_defects(rng, persons, protected, force).items()}
            layout = CensusLayout.draw(rng, True if v == 0 else False if v == 1 else None)
            name = plan.name if len(group) > 1 or rng.random() < 0.8 else "Sheet1"
            sheet = book.sheet(name, single=len(group) == 1)
            written = census.write(sheet, village, layout, row_defects, household_defects, incoming, outgoing)
            _count_village(manifest, village, party, written, incoming, job.as_of, household_defects.left_out)
            incoming = outgoing
        book.close()
        sheets += book.sheets
    sheets += ledgers.close()
    manifest.finish_encodings(sheets)
    return manifest


def _open_studio(rng: random.Random, town: Town, village: Village, as_of: date) -> None:
    """The town's 名人调解工作室: three respected residents, named after the first of them."""
    elders = [p for h in village.households for p in h.members if 50 <= p.age(as_of) <= 75 and p.phone]
    chosen = rng.sample(elders, min(3, len(elders)))
    town.studio = [Staff(p.name, p.phone, "调解员", "名人调解工作室") for p in chosen]
    town.studio_name = f"老{chosen[0].name[0]}调解工作室" if chosen else ""


def _count_village(manifest: Manifest, village: Village, party: VillageParty, written: int, incoming: Mover | None,
                   as_of: date, left_out: set[int]) -> None:
    counts = manifest.counts
    counts["villages"] += 1
    counts["censusRows"] += written
    counts["persons"] += written - (incoming is not None)
    counts["householdsWithoutHeadRow"] += len(left_out)
    counts["probationaryMembers"] += sum(c.member.political == PROBATIONARY_MEMBER for c in party.contacts)
    counts["overloadedMembers"] += sum(len(c.numbers) > CONTACT_LIMIT for c in party.contacts)
    counts["exemptMembers"] += sum(c.member.age(as_of) >= CONTACT_EXEMPT_AGE for c in party.contacts)
    counts["exemptMembersWithContacts"] += sum(c.member.age(as_of) >= CONTACT_EXEMPT_AGE and bool(c.numbers)
                                               for c in party.contacts)
    counts["vulnerablePersonsUncontacted"] += sum(is_vulnerable(p) and id(p) not in left_out
                                                  for h in party.uncontacted for p in h.members)
