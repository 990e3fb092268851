"""Settings, read once from the environment (and an optional ``.env`` file) with a cast and a default.

Every setting is listed in ``SETTINGS`` with its default and meaning; the README documents each one and a
test keeps the two in step. Secrets are wrapped in :class:`Secret` so they never print.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Secret:
    """A string that shows as ``'**********'`` in reprs, logs and tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the setting and what to do."""


@dataclass(frozen=True)
class SettingSpec:
    name: str
    default: str | None
    help: str


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("NEO4J_URI", None, "Neo4j to use (bolt://, neo4j://, neo4j+s://). Unset: start the local server."),
    SettingSpec("NEO4J_USERNAME", "neo4j", "User for NEO4J_URI (the local server always uses neo4j)."),
    SettingSpec("NEO4J_PASSWORD", None,
                "Password. Unset with the local server: generated at first start, kept in var/neo4j/password."),
    SettingSpec("NEO4J_DATABASE", "neo4j", "Database name; every read and write names it so clusters route."),
    SettingSpec("GRIDGRAPH_VAR_DIR", "var",
                "Folder for local state: Neo4j data, keys, logs (relative paths: to the project)."),
    SettingSpec("GRIDGRAPH_BOLT_PORT", "7687", "Bolt port of the local Neo4j (127.0.0.1 only)."),
    SettingSpec("GRIDGRAPH_NEO4J_HEAP", "4g", "JVM heap of the local Neo4j (-Xmx)."),
    SettingSpec("GRIDGRAPH_NEO4J_PAGECACHE", "4g", "Page cache of the local Neo4j (e.g. 512m, 4g)."),
    SettingSpec("GRIDGRAPH_NEO4J_START_TIMEOUT", "180", "Seconds to wait for the local Neo4j to accept Bolt."),
    SettingSpec("GRIDGRAPH_QUERY_TIMEOUT", "30", "Server-side timeout in seconds of every transaction."),
    SettingSpec("GRIDGRAPH_CYPHER_TIMEOUT", "10", "Default and maximum timeout in seconds of analysts' ad-hoc Cypher."),
    SettingSpec("GRIDGRAPH_CYPHER_MAX_ROWS", "10000", "Default and maximum rows returned by ad-hoc Cypher."),
    SettingSpec("GRIDGRAPH_PII_KEY", None,
                "Base64 key (32 bytes) for hashing and encrypting ID and phone numbers. Unset: generated at "
                "first use and kept in var/pii.key."),
    SettingSpec("GRIDGRAPH_JWT_SECRET", None,
                "Key that signs API bearer tokens (JWT, HS256). Unset: generated at first use in var/jwt.key."),
    SettingSpec("GRIDGRAPH_HOST", "127.0.0.1", "Address the API listens on."),
    SettingSpec("GRIDGRAPH_PORT", "8000", "Port the API listens on."),
    SettingSpec("GRIDGRAPH_DEBUG", "false", "Report Cypher query count and database time in GraphQL extensions."),
    SettingSpec("GRIDGRAPH_MAX_PAGE_SIZE", "100", "Largest page a GraphQL connection returns."),
    SettingSpec("GRIDGRAPH_LOAD_MAX_ROWS", "1048576",
                "Most rows a sheet or CSV file may have (Excel's own limit); a sheet with more is reported, not read."),
    SettingSpec("GRIDGRAPH_LOAD_MAX_COLUMNS", "1000",
                "Most columns a sheet may use; a value beyond them (a stray cell far right) stops the sheet."),
    SettingSpec("GRIDGRAPH_LOAD_MAX_CELL_CHARS", "32767",
                "Most characters in one cell (Excel's own limit); a longer cell stops the sheet or CSV file."),
    SettingSpec("GRIDGRAPH_LOAD_MAX_SHARED_CHARS", "64000000",
                "Most characters in a workbook's shared-string table (all its distinct texts together)."),
    SettingSpec("GRIDGRAPH_LOAD_READER_MEMORY", "2g",
                "Memory cap of the child process that reads .xls, .xlsb and .ods files (e.g. 512m, 2g)."),
    SettingSpec("GRIDGRAPH_MAX_QUERY_COST", "30000",
                "Largest estimated cost (rows) of one GraphQL request; more is refused before Neo4j."),
    SettingSpec("GRIDGRAPH_MAX_CYPHER_SIZE", "32768",
                "Largest Cypher text (characters) one GraphQL field compiles to."),
    SettingSpec("GRIDGRAPH_MAX_SUBQUERIES", "40", "Most subqueries one GraphQL field compiles to."),
    SettingSpec("GRIDGRAPH_RATE_LIMIT", "600",
                "Requests per minute one token may make to /graphql and /cypher (per process; 0: no limit)."),
    SettingSpec("GRIDGRAPH_MAX_BODY_SIZE", "1m", "Largest request body /graphql and /cypher accept (e.g. 1m, 256k)."),
    SettingSpec("GRIDGRAPH_HOLIDAYS_DIR", None,
                "Folder of <year>.toml holiday schedules that override the shipped ones (working-day deadlines)."),
    SettingSpec("GRIDGRAPH_SCORECARD_FILE", None,
                "TOML file of grid scorecard weights and star thresholds (default: schema/scorecard.toml)."),
    SettingSpec("GRIDGRAPH_WEBHOOK_URL", None,
                "URL that `gridgraph remind` POSTs new notifications to as JSON (an intranet SMS or messaging "
                "gateway). Unset: notifications are only stored."),
)


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name)
    if value is None or value.strip() == "":
        spec = next(s for s in SETTINGS if s.name == name)
        return spec.default
    return value.strip()


def _cast(environ: Mapping[str, str], name: str, cast: Callable[[str], Any]) -> Any:
    raw = _env(environ, name)
    try:
        return cast(raw) if raw is not None else None
    except ValueError as exc:
        raise SettingsError(f"setting {name}={raw!r} is not valid: {exc}") from None


def parse_size(text: str) -> int:
    """``'512m'`` → bytes. Accepts k, m, g suffixes (binary units) or a plain number of bytes."""
    value = text.strip().lower().removesuffix("b")
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    if value and value[-1] in units:
        return int(float(value[:-1]) * units[value[-1]])
    return int(value)


def _path(text: str | None) -> Path | None:
    """A folder setting; relative paths are taken from the project, as GRIDGRAPH_VAR_DIR is."""
    if text is None:
        return None
    path = Path(text)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected true or false")


def _positive(cast: Callable[[str], float]) -> Callable[[str], float]:
    def check(text: str) -> float:
        value = cast(text)
        if value <= 0:
            raise ValueError("must be greater than 0")
        return value

    return check


def _not_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


@dataclass(frozen=True)
class Settings:
    neo4j_uri: str | None
    neo4j_username: str
    neo4j_password: Secret | None
    neo4j_database: str
    var_dir: Path
    bolt_port: int
    neo4j_heap: str
    neo4j_pagecache_bytes: int
    neo4j_start_timeout: float
    query_timeout: float
    cypher_timeout: float
    cypher_max_rows: int
    pii_key: Secret | None
    jwt_secret: Secret | None
    host: str
    port: int
    debug: bool
    max_page_size: int
    load_max_rows: int
    load_max_columns: int
    load_max_cell_chars: int
    load_max_shared_chars: int
    load_reader_memory: int
    max_query_cost: int = 30000
    max_cypher_size: int = 32768
    max_subqueries: int = 40
    rate_limit: int = 600
    max_body_size: int = 1024 * 1024
    holidays_dir: Path | None = None
    webhook_url: str | None = None
    scorecard_file: Path | None = None

    @property
    def local(self) -> bool:
        """True when gridgraph runs its own Neo4j (NEO4J_URI is not set)."""
        return self.neo4j_uri is None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
        """Read settings from ``environ`` (default: ``os.environ``) over an optional ``.env`` file."""
        merged: dict[str, str] = {}
        dotenv = env_file if env_file is not None else PROJECT_ROOT / ".env"
        if environ is None and dotenv.is_file():
            merged.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        merged.update(os.environ if environ is None else environ)

        var_dir = Path(_env(merged, "GRIDGRAPH_VAR_DIR") or "var")
        if not var_dir.is_absolute():
            var_dir = PROJECT_ROOT / var_dir
        password = _env(merged, "NEO4J_PASSWORD")
        pii_key = _env(merged, "GRIDGRAPH_PII_KEY")
        jwt_secret = _env(merged, "GRIDGRAPH_JWT_SECRET")
        return cls(
            neo4j_uri=_env(merged, "NEO4J_URI"),
            neo4j_username=_env(merged, "NEO4J_USERNAME") or "neo4j",
            neo4j_password=Secret(password) if password else None,
            neo4j_database=_env(merged, "NEO4J_DATABASE") or "neo4j",
            var_dir=var_dir,
            bolt_port=int(_cast(merged, "GRIDGRAPH_BOLT_PORT", _positive(int))),
            neo4j_heap=_env(merged, "GRIDGRAPH_NEO4J_HEAP") or "4g",
            neo4j_pagecache_bytes=int(_cast(merged, "GRIDGRAPH_NEO4J_PAGECACHE", parse_size)),
            neo4j_start_timeout=float(_cast(merged, "GRIDGRAPH_NEO4J_START_TIMEOUT", _positive(float))),
            query_timeout=float(_cast(merged, "GRIDGRAPH_QUERY_TIMEOUT", _positive(float))),
            cypher_timeout=float(_cast(merged, "GRIDGRAPH_CYPHER_TIMEOUT", _positive(float))),
            cypher_max_rows=int(_cast(merged, "GRIDGRAPH_CYPHER_MAX_ROWS", _positive(int))),
            pii_key=Secret(pii_key) if pii_key else None,
            jwt_secret=Secret(jwt_secret) if jwt_secret else None,
            host=_env(merged, "GRIDGRAPH_HOST") or "127.0.0.1",
            port=int(_cast(merged, "GRIDGRAPH_PORT", _positive(int))),
            debug=bool(_cast(merged, "GRIDGRAPH_DEBUG", _bool)),
            max_page_size=int(_cast(merged, "GRIDGRAPH_MAX_PAGE_SIZE", _positive(int))),
            load_max_rows=int(_cast(merged, "GRIDGRAPH_LOAD_MAX_ROWS", _positive(int))),
            load_max_columns=int(_cast(merged, "GRIDGRAPH_LOAD_MAX_COLUMNS", _positive(int))),
            load_max_cell_chars=int(_cast(merged, "GRIDGRAPH_LOAD_MAX_CELL_CHARS", _positive(int))),
            load_max_shared_chars=int(_cast(merged, "GRIDGRAPH_LOAD_MAX_SHARED_CHARS", _positive(int))),
            load_reader_memory=int(_cast(merged, "GRIDGRAPH_LOAD_READER_MEMORY", _positive(parse_size))),
            max_query_cost=int(_cast(merged, "GRIDGRAPH_MAX_QUERY_COST", _positive(int))),
            max_cypher_size=int(_cast(merged, "GRIDGRAPH_MAX_CYPHER_SIZE", _positive(int))),
            max_subqueries=int(_cast(merged, "GRIDGRAPH_MAX_SUBQUERIES", _positive(int))),
            rate_limit=int(_cast(merged, "GRIDGRAPH_RATE_LIMIT", _not_negative)),
            max_body_size=int(_cast(merged, "GRIDGRAPH_MAX_BODY_SIZE", _positive(parse_size))),
            holidays_dir=_path(_env(merged, "GRIDGRAPH_HOLIDAYS_DIR")),
            webhook_url=_env(merged, "GRIDGRAPH_WEBHOOK_URL"),
            scorecard_file=_path(_env(merged, "GRIDGRAPH_SCORECARD_FILE")),
        )
