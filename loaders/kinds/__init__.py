"""One module per sheet kind; :func:`handler_for` picks the handler of a recognised sheet."""

from __future__ import annotations

from loaders.kinds.base import KindHandler
from loaders.kinds.cases import DisputesHandler, HotlineHandler, WishesHandler
from loaders.kinds.census import CensusHandler
from loaders.kinds.contacts import ContactsHandler
from loaders.kinds.grids import GridsHandler
from loaders.kinds.party_orgs import PartyOrgsHandler
from loaders.kinds.staff_roster import StaffRosterHandler
from loaders.kinds.units import UnitsHandler
from loaders.state import RunState

HANDLERS: dict[str, type[KindHandler]] = {
    "census": CensusHandler,
    "staff": StaffRosterHandler,
    "grids": GridsHandler,
    "units": UnitsHandler,
    "party_orgs": PartyOrgsHandler,
    "contacts": ContactsHandler,
    "disputes": DisputesHandler,
    "hotline": HotlineHandler,
    "wishes": WishesHandler,
}


def handler_for(kind: str, state: RunState, source: int, sheet_village: str | None = None) -> KindHandler:
    """The handler that imports sheets of ``kind`` (``sheet_village``: the village the sheet's name names)."""
    return HANDLERS[kind](state, source, sheet_village)
