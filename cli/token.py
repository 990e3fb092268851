"""``gridgraph token create | list | revoke``: bearer tokens for the API, and taking them back."""

from __future__ import annotations

import getpass

import click

from api.auth import Role, issue_token, signing_key, token_hash
from cli.common import UserFacingError, current_settings, friendly_errors
from graph.audit import AuditEntry, record
from graph.connect import open_database
from graph.tokens import list_tokens, revoke


@click.group("token")
def token() -> None:
    """API bearer tokens."""


@token.command("create")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True, help="What the holder may do.")
@click.option("--scope", "scope", default=None, metavar="GRID_CODE",
              help="Grid whose subtree the holder sees (required for gridStaff).")
@click.option("--name", default=None, help="Who holds it (shown in the audit trail). Default: the role.")
@click.option("--days", type=float, default=90.0, show_default=True, help="Days until it expires.")
@friendly_errors
def create(role: str, scope: str | None, name: str | None, days: float) -> None:
    """Print a new bearer token; only its hash is stored (as an ApiToken node)."""
    settings = current_settings()
    chosen = Role(role)
    if chosen == Role.GRID_STAFF and not scope:
        raise UserFacingError("a gridStaff token needs --scope GRID_CODE (the grid whose subtree they see)")
    holder = name or chosen.value
    with open_database(settings) as db:
        path = None
        if scope:
            rows = db.read("MATCH (g:Grid {code: $code}) RETURN g.path AS path", {"code": scope})
            if not rows or not rows[0]["path"]:
                raise UserFacingError(f"no grid {scope!r} in the database: check the code (`gridgraph load` first?)")
            path = rows[0]["path"]
        issued = issue_token(signing_key(settings), holder, chosen, scope, path, days)
        db.write("CREATE (:ApiToken {tokenHash: $hash, name: $name, role: $role, scope: $scope, "
                 "createdAt: datetime(), revoked: false})",
                 {"hash": token_hash(issued), "name": holder, "role": chosen.value, "scope": scope})
    click.echo(issued)


@token.command("list")
@friendly_errors
def list_command() -> None:
    """List the issued tokens: id, holder, role, scope, created, last used, revoked."""
    settings = current_settings()
    with open_database(settings) as db:
        rows = list_tokens(db)
    if not rows:
        click.echo("no tokens issued yet (`gridgraph token create`)")
        return
    click.echo("id\tname\trole\tscope\tcreated\tlast used\trevoked")
    for row in rows:
        click.echo("\t".join([row["id"], row["name"] or "", row["role"] or "", row["scope"] or "-",
                              _when(row["createdAt"]), _when(row["lastUsedAt"]) or "never",
                              _when(row["revokedAt"]) if row["revoked"] else "no"]))


def _when(value: object) -> str:
    return "" if value is None else str(value)[:19].replace("T", " ")


@token.command("revoke")
@click.argument("token_id")
@friendly_errors
def revoke_command(token_id: str) -> None:
    """Revoke the token TOKEN_ID (its id from `gridgraph token list`); the API refuses it within
    GRIDGRAPH_TOKEN_REFRESH seconds."""
    settings = current_settings()
    with open_database(settings) as db:
        try:
            revoked = revoke(db, token_id)
        except ValueError as exc:
            raise UserFacingError(str(exc)) from None
        if not revoked:
            raise UserFacingError(f"no token with id {token_id!r}: see `gridgraph token list`")
        ids = ",".join(r["id"] for r in revoked)
        record(db, AuditEntry(getpass.getuser(), "cli", "token.revoke", token_id, "", ids))
    for row in revoked:
        click.echo(f"revoked {row['id']} ({row['name']}, {row['role']})")
