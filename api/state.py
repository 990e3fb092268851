"""The resources one app holds for its lifetime (in Starlette's lifespan state, not in globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import strawberry
from starlette.requests import Request

from api.observe import Metrics
from api.revocations import Revocations
from graph.database import Database
from graph.settings import Settings
from schema.sensitive import SensitiveData


@dataclass(frozen=True)
class AppState:
    settings: Settings
    db: Database
    sensitive: SensitiveData
    jwt_key: str
    schema: strawberry.Schema
    metrics: Metrics
    revocations: Revocations = field(default_factory=Revocations)

    @staticmethod
    def of(request: Request) -> AppState:
        return cast(AppState, request.state.app)
