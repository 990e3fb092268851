"""Token revocation, checked on every request without a database read per request.

Each API process keeps the set of revoked token hashes in memory and reloads it every
``GRIDGRAPH_TOKEN_REFRESH`` seconds in the background (so a revoked token is refused by every worker within that
time); the same pass stores when each token was last used, collected in memory meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time

from starlette.concurrency import run_in_threadpool

from graph.database import Database
from graph.errors import GraphError
from graph.tokens import record_use, revoked_hashes


class Revocations:
    """The revoked tokens as last read, and the tokens used since the last write of their use."""

    def __init__(self) -> None:
        self._revoked: frozenset[str] = frozenset()
        self._used: dict[str, float] = {}
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()  # held while a refresh uses the database

    def revoked(self, hashed: str) -> bool:
        return hashed in self._revoked

    def used(self, hashed: str) -> None:
        self._used[hashed] = time.time()  # a dict store is atomic; the flush swaps the dict under the lock

    def refresh(self, db: Database) -> None:
        """Read the revoked tokens, and write the uses collected since the last refresh."""
        with self._refreshing:
            self._refresh(db)

    def wait_idle(self) -> None:
        """Return once no refresh is using the database (a cancelled refresh's thread runs to its end)."""
        with self._refreshing:
            pass

    def _refresh(self, db: Database) -> None:
        self._revoked = revoked_hashes(db)
        with self._lock:
            used, self._used = self._used, {}
        try:
            record_use(db, used)
        except GraphError:
            with self._lock:
                self._used = used | self._used  # written next time
            raise

    async def keep_fresh(self, db: Database, every: float) -> None:
        """Refresh every ``every`` seconds until cancelled; a database outage only delays it."""
        while True:
            # During an outage (logged by the database layer) the last list stays in force.
            with contextlib.suppress(GraphError):
                await run_in_threadpool(self.refresh, db)
            await asyncio.sleep(every)
