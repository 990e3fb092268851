"""Token lifecycle: tokens are listed with their last use, revoked by id (CLI or ``revokeToken``), and a revoked
token is refused by the API within seconds without a database read per request; claims are checked for type."""

from __future__ import annotations

import time
from dataclasses import replace

import jwt
from click.testing import CliRunner
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import ALGORITHM, ISSUER, Role, issue_token, signing_key, token_hash
from cli.main import cli
from graph.database import Database
from graph.settings import Settings
from graph.tokens import ID_LENGTH, list_tokens

QUERY = '{ grid(code: "A1") { code } }'
REVOKE = "mutation($id: String!) { revokeToken(id: $id, reason: \"leaked\") { id name role } }"


def stored_token(db: Database, settings: Settings, name: str, role: Role = Role.ANALYST) -> str:
    token = issue_token(signing_key(settings), name, role)
    db.write("CREATE (:ApiToken {tokenHash: $hash, name: $name, role: $role, createdAt: datetime(), revoked: false})",
             {"hash": token_hash(token), "name": name, "role": role.value})
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_revoked_token_is_refused_within_seconds(db: Database, settings: Settings) -> None:
    leaked = stored_token(db, settings, "leaky")
    admin = stored_token(db, settings, "root", Role.TOWN_ADMIN)
    with TestClient(create_app(settings)) as client:
        assert client.post("/graphql", json={"query": QUERY}, headers=bearer(leaked)).status_code == 200
        token_id = token_hash(leaked)[:ID_LENGTH]
        refused = client.post("/graphql", json={"query": REVOKE, "variables": {"id": token_id}},
                              headers=bearer(leaked)).json()
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        answer = client.post("/graphql", json={"query": REVOKE, "variables": {"id": token_id}},
                             headers=bearer(admin)).json()
        assert answer["data"]["revokeToken"] == [{"id": token_id, "name": "leaky", "role": "analyst"}]
        revoked_at = time.monotonic()
        while client.post("/graphql", json={"query": QUERY}, headers=bearer(leaked)).status_code != 401:
            assert time.monotonic() - revoked_at < 5.0, "the revoked token still works after 5 s"
            time.sleep(0.2)
        response = client.post("/cypher", json={"query": "RETURN 1"}, headers=bearer(leaked))
        assert response.status_code == 401 and "revoked" in response.text
        assert client.post("/graphql", json={"query": QUERY}, headers=bearer(admin)).status_code == 200
        time.sleep(settings.token_refresh + 0.5)  # the last uses are written by the next refresh
    listed = {row["name"]: row for row in list_tokens(db)}
    assert listed["leaky"]["revoked"] and listed["leaky"]["revokedAt"] is not None
    assert listed["root"]["lastUsedAt"] is not None and not listed["root"]["revoked"]


def test_cli_lists_and_revokes(db: Database, settings: Settings, test_env: dict[str, str]) -> None:
    token = stored_token(db, settings, "王网格员")
    runner = CliRunner(env=test_env)
    listed = runner.invoke(cli, ["token", "list"])
    token_id = token_hash(token)[:ID_LENGTH]
    assert listed.exit_code == 0 and token_id in listed.output and "王网格员" in listed.output
    assert "never" in listed.output
    short = runner.invoke(cli, ["token", "revoke", "abc"])
    assert short.exit_code != 0 and "8 or more hex characters" in short.output
    unknown = runner.invoke(cli, ["token", "revoke", "0123456789ab"])
    assert unknown.exit_code != 0 and "no token with id" in unknown.output
    revoked = runner.invoke(cli, ["token", "revoke", token_id])
    assert revoked.exit_code == 0 and f"revoked {token_id}" in revoked.output
    with TestClient(create_app(replace(settings, token_refresh=0.2))) as client:
        time.sleep(0.5)
        assert client.post("/graphql", json={"query": QUERY}, headers=bearer(token)).status_code == 401


def test_claims_of_the_wrong_type_are_refused(db: Database, settings: Settings) -> None:
    key = signing_key(settings)
    now = int(time.time())
    good = {"iss": ISSUER, "sub": "x", "role": "analyst", "iat": now, "exp": now + 3600}
    forged = [{**good, "exp": str(now + 3600)}, {**good, "exp": True}, {**good, "sub": 7},
              {**good, "iat": "yesterday"}, {**good, "scopePath": ["/A1/"]}, {**good, "exp": float(now + 3600)}]
    with TestClient(create_app(settings)) as client:
        assert client.post("/graphql", json={"query": QUERY},
                           headers=bearer(jwt.encode(good, key, algorithm=ALGORITHM))).status_code == 200
        for claims in forged:
            response = client.post("/graphql", json={"query": QUERY},
                                   headers=bearer(jwt.encode(claims, key, algorithm=ALGORITHM)))
            assert response.status_code == 401, claims
