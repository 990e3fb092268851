"""``gridgraph db …`` and ``gridgraph migrate`` as a user runs them: exit codes and messages."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from tests.neo4j_fixture import free_port


def test_status_of_configured_server(test_env: dict[str, str]) -> None:
    result = CliRunner(env=test_env).invoke(cli, ["db", "status"])
    assert result.exit_code == 0, result.output
    assert f"Using Neo4j at {test_env['NEO4J_URI']} (database neo4j), Neo4j Kernel 5.26." in result.output


def test_db_start_refuses_when_uri_is_set(test_env: dict[str, str]) -> None:
    result = CliRunner(env=test_env).invoke(cli, ["db", "start"])
    assert result.exit_code == 1
    assert "NEO4J_URI is set" in result.output and "Unset NEO4J_URI" in result.output


def test_migrate_reports_up_to_date(test_env: dict[str, str]) -> None:
    from graph.migrations import MIGRATIONS

    runner = CliRunner(env=test_env)
    runner.invoke(cli, ["migrate"])
    result = runner.invoke(cli, ["migrate"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "schema is up to date.", f"schema version {MIGRATIONS[-1].version} of {MIGRATIONS[-1].version}."]


def test_status_of_stopped_local_server(tmp_path: Path) -> None:
    env = {"NEO4J_URI": None, "GRIDGRAPH_VAR_DIR": str(tmp_path), "GRIDGRAPH_BOLT_PORT": str(free_port())}
    result = CliRunner(env=env).invoke(cli, ["db", "status"])  # type: ignore[arg-type]
    assert result.exit_code == 3
    assert "Neo4j is not running" in result.output and "gridgraph db start" in result.output


def test_wrong_password_is_one_clear_line(test_env: dict[str, str]) -> None:
    env = {**test_env, "NEO4J_PASSWORD": "definitely-wrong"}
    result = CliRunner(env=env).invoke(cli, ["migrate"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: Neo4j at ") and "password is wrong" in result.output
    assert "Traceback" not in result.output


def test_bad_setting_is_reported(test_env: dict[str, str]) -> None:
    result = CliRunner(env={**test_env, "GRIDGRAPH_BOLT_PORT": "abc"}).invoke(cli, ["db", "status"])
    assert result.exit_code == 1
    assert "GRIDGRAPH_BOLT_PORT='abc' is not valid" in result.output
