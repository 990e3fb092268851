"""Persons a sheet names by role: grid chiefs and members, unit chiefs, mediators, claimers, callers.

One person, one node: a role column with an ID-number column beside it (``网格长身份证号``, ``调解人身份证号``)
names the census person (the key :meth:`SensitiveData.person_key` makes), so a party member who is also a unit
chief is one person. Without an ID number the person is known by name within the village: ``nid:`` + a keyed
hash of name and village grid code, so a mediator who works in five grids of a village is one person. After the
census of the run is written, :mod:`loaders.linking` merges such name-only persons into the census person of
the same phone number, or of the same name when the village has one person of that name.
"""

from __future__ import annotations

from typing import Any

from loaders.kinds.base import Emit, Problem
from loaders.state import RunState
from schema.idnumber import IdNumberError, parse_id_number
from schema.phone import parse_phone
from schema.sensitive import SensitiveData, mask_id_number, mask_phone
from schema.text import ValueProblem, clean_text


def staff_key(sensitive: SensitiveData, name: str, village_code: str) -> str:
    """The key of a person known only by name within a village (the village grid's code)."""
    return "nid:" + sensitive.hash("name", f"{name}|{village_code}")


def staff_person(state: RunState, source: int, role: str, name: str, village_code: str, phone_cell: object,
                 row: int, field: str, emit: Emit, id_cell: object = None,
                 id_field: str | None = None) -> dict[str, Any]:
    """A person named in a ``role`` column: key, name, phone fields, and the ID fields when ``id_cell`` holds a
    valid ID number (an unusable phone or ID number is reported and left out). Without one, the person is the
    census person an earlier run linked the name to, or is remembered for linking at the end of the run."""
    sensitive = state.sensitive
    person: dict[str, Any] = {"key": staff_key(sensitive, name, village_code), "name": name,
                              "phoneHash": None, "phoneMasked": None, "phoneCipher": None, "id": None,
                              "village": village_code}
    if clean_text(id_cell) is not None:
        try:
            parsed = parse_id_number(id_cell)
        except IdNumberError as error:
            emit(Problem(error.code, "warning", f"{name}: {error} The person is linked by name instead.", row,
                         id_field, mask_id_number(clean_text(id_cell) or "")))
        else:
            id_hash = sensitive.hash("id", parsed.number)
            person["key"] = sensitive.person_key(id_hash)
            person["id"] = {"idHash": id_hash, "idMasked": mask_id_number(parsed.number),
                            "idCipher": sensitive.encrypt(parsed.number), "sex": parsed.sex,
                            "birthDate": parsed.birth_date, "regionCodeKnown": parsed.region_known}
    if clean_text(phone_cell) is not None:
        try:
            phone = parse_phone(phone_cell)
        except ValueProblem as problem:
            emit(Problem(problem.code, "warning", f"{name}: {problem} The number was not imported.", row, field,
                         mask_phone(clean_text(phone_cell) or "")))
        else:
            person.update(phoneHash=sensitive.hash("phone", phone), phoneMasked=mask_phone(phone),
                          phoneCipher=sensitive.encrypt(phone))
    if person["id"] is None:
        person["key"] = state.name_only(person["key"], name, village_code, person["phoneHash"], role, source, row)
    return person


# Writes a person named by role. A name-only person takes the sheet's phone when given (ciphertext only changes
# with the number: it differs on every run); a census person keeps the census's name, phone and ID fields, which
# are written here only where the person has none yet.
MERGE_STAFF = """
MERGE (p:Person {key: s.key})
SET p.name = coalesce(p.name, s.name)
FOREACH (_ IN CASE WHEN s.phoneHash IS NOT NULL AND p.idHash IS NULL
                   AND (p.phoneHash IS NULL OR p.phoneHash <> s.phoneHash) THEN [1] ELSE [] END |
  SET p.phoneHash = s.phoneHash, p.phoneMasked = s.phoneMasked, p.phoneCipher = s.phoneCipher)
FOREACH (_ IN CASE WHEN s.id IS NOT NULL AND p.idHash IS NULL THEN [1] ELSE [] END | SET p += s.id)
"""


def staff_matches(stored: list[Any], wanted: list[dict[str, Any]], *extra: str) -> bool:
    """Whether the stored ``[key, phoneHash, *extra]`` lists are the persons ``wanted``; a phone the sheet
    leaves empty matches any stored one."""
    stored_by_key = {item[0]: tuple(item[1:]) for item in stored}
    if set(stored_by_key) != {w["key"] for w in wanted} or len(stored) != len(wanted):
        return False
    for person in wanted:
        phone, *rest = stored_by_key[person["key"]]
        # A census person keeps the census's phone; only a name-only person takes the sheet's.
        if person["phoneHash"] is not None and person["key"].startswith("nid:") and phone != person["phoneHash"]:
            return False
        if list(rest) != [person.get(name) for name in extra]:
            return False
    return True
