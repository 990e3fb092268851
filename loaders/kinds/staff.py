"""Grid staff, unit chiefs, mediators and claimers: persons named in a sheet without an ID number.

Their key is ``nid:`` + a keyed hash of name and grid code, so the same name in the same grid is one person
across sheets and runs. A phone number is kept the way every phone number is (hash, mask, ciphertext).
"""

from __future__ import annotations

from typing import Any

from loaders.kinds.base import Emit, Problem
from loaders.values import ValueProblem, clean_text, parse_phone
from schema.sensitive import SensitiveData, mask_phone


def staff_key(sensitive: SensitiveData, name: str, grid_code: str) -> str:
    """The key of a person known only by name within a grid."""
    return "nid:" + sensitive.hash("name", f"{name}|{grid_code}")


def staff_person(sensitive: SensitiveData, name: str, grid_code: str, phone_cell: object, row: int,
                 field: str, emit: Emit) -> dict[str, Any]:
    """A staff person as written by the kinds: key, name, and phone fields (an unusable phone is dropped)."""
    person: dict[str, Any] = {"key": staff_key(sensitive, name, grid_code), "name": name,
                              "phoneHash": None, "phoneMasked": None, "phoneCipher": None}
    if clean_text(phone_cell) is None:
        return person
    try:
        phone = parse_phone(phone_cell)
    except ValueProblem as problem:
        emit(Problem(problem.code, "warning", f"{name}: {problem} The number was not imported.", row, field,
                     mask_phone(clean_text(phone_cell) or "")))
        return person
    person.update(phoneHash=sensitive.hash("phone", phone), phoneMasked=mask_phone(phone),
                  phoneCipher=sensitive.encrypt(phone))
    return person


# Writes staff persons; phoneCipher only changes when the number does (ciphertext differs on every run).
MERGE_STAFF = """
MERGE (p:Person {key: s.key})
SET p.name = s.name,
    p.phoneCipher = CASE WHEN p.phoneHash = s.phoneHash AND s.phoneHash IS NOT NULL
                         THEN p.phoneCipher ELSE s.phoneCipher END,
    p.phoneHash = s.phoneHash, p.phoneMasked = s.phoneMasked
"""
