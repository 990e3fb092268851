"""What every command shares: the settings of the run and one clear line for a library's domain errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import click

from graph.errors import GraphError
from graph.settings import Settings, SettingsError

F = TypeVar("F", bound=Callable[..., Any])


class UserFacingError(click.ClickException):
    """An error printed as ``Error: <message>`` with exit code 1."""


def friendly_errors(func: F) -> F:
    """Turn the library's domain errors into one clear line instead of a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (GraphError, SettingsError) as exc:
            raise UserFacingError(str(exc)) from None

    return cast(F, wrapper)


def current_settings() -> Settings:
    ctx = click.get_current_context()
    settings = ctx.find_object(Settings)
    if settings is None:
        raise UserFacingError("internal: settings were not loaded")
    return settings
