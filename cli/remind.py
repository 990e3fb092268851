"""``gridgraph remind``: write reminders of cases due soon or overdue, and push them to the webhook if set."""

from __future__ import annotations

from datetime import datetime

import click

from cli.main import current_settings, friendly_errors
from graph.connect import open_database
from queries.reminders import run


@click.command("remind")
@click.option("--within-hours", type=click.IntRange(1, 24 * 30), default=24, show_default=True,
              help="Warn about open cases due within this many hours.")
@click.option("--now", "now_text", metavar="ISO-DATETIME", default=None,
              help="The moment to compare deadlines with (default: now), e.g. 2026-12-01T08:00:00+08:00.")
@friendly_errors
def remind_command(within_hours: int, now_text: str | None) -> None:
    """Write Notification nodes for cases due soon and overdue (once per case, threshold and recipient).

    Run it from cron or a systemd timer, e.g. every 15 minutes. With GRIDGRAPH_WEBHOOK_URL set, new and
    earlier undelivered notifications are POSTed there as JSON (retried 3 times with backoff).
    """
    now = _moment(now_text)
    settings = current_settings()
    with open_database(settings, apply_migrations=True) as db:
        result = run(db, settings.webhook_url, within_hours, now)
    click.echo(f"{len(result.written)} new notifications "
               f"({sum(n['threshold'] == 'overdue' for n in result.written)} overdue).")
    if settings.webhook_url:
        click.echo(f"Webhook: {result.delivered} delivered, {result.failed} not delivered (retried next run).")


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO date-time", param_hint="--now") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone offset, e.g. +08:00", param_hint="--now")
    return moment
