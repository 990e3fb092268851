"""Identity parameters: a person's ID number becomes its keyed hash before any query sees it.

The number is normalised exactly as the loaders normalise it before hashing (full-width digits, spaces, a
lowercase x, 15-digit legacy numbers), so the hash finds the ``Person.idHash`` the import stored. The plain
number is never passed to Neo4j, logged or audited; only its masked form is.
"""

from __future__ import annotations

from loaders.idnumber import IdNumberError, parse_id_number
from queries.errors import InvalidParameter
from schema.sensitive import SensitiveData, mask_id_number

ID_NUMBER_PARAM = "idNumber"
ID_HASH_PARAM = "idHash"


def id_hash(number: object, sensitive: SensitiveData, parameter: str = ID_NUMBER_PARAM) -> str:
    """The keyed hash of the normalised ID number; an unusable number is an :class:`InvalidParameter`."""
    try:
        parsed = parse_id_number(number)
    except IdNumberError as exc:
        raise InvalidParameter(f"parameter {parameter!r} is not a usable ID number: {exc}",
                               parameter=parameter) from None
    return sensitive.hash("id", parsed.number)


def masked_id(number: object) -> str:
    """What may be shown or recorded of an ID number given as a parameter."""
    return mask_id_number(str(number).strip())
