"""Settings: defaults, casts, secrets that never print, and a README that documents every one."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.settings import PROJECT_ROOT, SETTINGS, Settings, SettingsError


def test_defaults_use_local_server() -> None:
    settings = Settings.from_env({})
    assert settings.local
    assert settings.bolt_port == 7687
    assert settings.neo4j_database == "neo4j"
    assert settings.var_dir == PROJECT_ROOT / "var"


def test_uri_set_means_no_local_server() -> None:
    settings = Settings.from_env({"NEO4J_URI": "neo4j://cluster:7687", "NEO4J_PASSWORD": "pw"})
    assert not settings.local


def test_password_never_printed() -> None:
    settings = Settings.from_env({"NEO4J_PASSWORD": "hunter2-very-secret"})
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings.neo4j_password)
    assert settings.neo4j_password is not None and settings.neo4j_password.reveal() == "hunter2-very-secret"


def test_bad_value_names_the_setting() -> None:
    with pytest.raises(SettingsError, match="GRIDGRAPH_BOLT_PORT='seven'"):
        Settings.from_env({"GRIDGRAPH_BOLT_PORT": "seven"})
    with pytest.raises(SettingsError, match="GRIDGRAPH_DEBUG"):
        Settings.from_env({"GRIDGRAPH_DEBUG": "maybe"})


def test_env_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("GRIDGRAPH_PORT=8123\n")
    monkeypatch.delenv("GRIDGRAPH_PORT", raising=False)
    assert Settings.from_env(env_file=env_file).port == 8123


def test_readme_documents_every_setting() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [spec.name for spec in SETTINGS if f"`{spec.name}`" not in readme]
    assert missing == []
