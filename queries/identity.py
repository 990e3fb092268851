"""Identity parameters: an ID or phone number becomes its keyed hash before any query sees it.

The number is normalised exactly as the loaders normalise it before hashing (ID numbers: full-width digits,
spaces, a lowercase x, 15-digit legacy numbers; phones: ``+86``, spaces, dashes), so the hash finds the
``Person.idHash``/``phoneHash`` the import stored. The plain number is never passed to Neo4j, logged or
audited, and an error about it says what is wrong without repeating any of its digits.
"""

from __future__ import annotations

from queries.errors import InvalidParameter
from schema.idnumber import IdNumberError, parse_id_number
from schema.phone import parse_phone
from schema.sensitive import SensitiveData, mask_id_number
from schema.text import ValueProblem, to_halfwidth

ID_NUMBER_PARAM = "idNumber"
ID_HASH_PARAM = "idHash"
PHONE_PARAM = "phone"


def id_number_problem(error: IdNumberError, number: object) -> str:
    """What is wrong with an ID number, in words that repeat none of its characters."""
    text = "".join(to_halfwidth(str(number)).split()).upper()
    if error.code == "id_check_failed":
        return ("the check character (the 18th) does not match the first 17 digits: a digit is mistyped; correct it "
                "from the ID card")
    if len(text) == 18 and text.isascii() and text[:17].isdigit() and text[17] in "0123456789X":
        if error.code == "id_excel_number":
            return ("the check character does not match, and it ends in 000: a spreadsheet stored it as a number "
                    "and lost its last digits")
        return "characters 7-14 are not a possible birth date (YYYYMMDD)"
    return (f"an ID number has 18 characters (17 digits and a digit or X) or 15 digits; the one given has "
            f"{len(text)} characters" + ("" if text.isascii() and text[:17].isdigit() else ", not all digits"))


def phone_problem(number: object) -> str:
    """What is wrong with a phone number, in words that repeat none of its digits."""
    digits = "".join(c for c in to_halfwidth(str(number)) if c.isdigit())
    if not digits or any(c.isalpha() for c in str(number)):
        return "only digits, +86, spaces and dashes are understood"
    return (f"it has {len(digits)} digits: a mobile number has 11 digits starting with 1, a landline 10-12 digits "
            "with its area code")


def id_hash(number: object, sensitive: SensitiveData, parameter: str = ID_NUMBER_PARAM) -> str:
    """The keyed hash of the normalised ID number; an unusable number is an :class:`InvalidParameter`."""
    try:
        parsed = parse_id_number(number)
    except IdNumberError as exc:
        raise InvalidParameter(f"parameter {parameter!r} is not a usable ID number: {id_number_problem(exc, number)}",
                               parameter=parameter) from None
    return sensitive.hash("id", parsed.number)


def phone_hash(number: object, sensitive: SensitiveData, parameter: str = PHONE_PARAM) -> str:
    """The keyed hash of the normalised phone number (mobile or landline), as the loaders store it."""
    try:
        normalised = parse_phone(str(number))
    except ValueProblem:
        raise InvalidParameter(f"parameter {parameter!r} is not a usable phone number: {phone_problem(number)}",
                               parameter=parameter) from None
    return sensitive.hash("phone", normalised)


def masked_id(number: object) -> str:
    """What may be shown or recorded of an ID number given as a parameter."""
    return mask_id_number(str(number).strip())
