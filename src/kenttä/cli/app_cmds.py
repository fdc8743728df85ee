"""Opening the app: on the local database, or on a generated demo caseload."""

from __future__ import annotations

import click

from kenttä.cli.common import CliContext


@click.command("open")
@click.pass_obj
def open_app(obj: CliContext) -> None:
    """Open the app on the local database."""
    from kenttä.domain import localtime
    from kenttä.ui.prefetch import start_today

    ws = obj.workspace()
    today = localtime.today()
    prefetch = start_today(ws, today)  # Today's read runs while Textual is imported
    from kenttä.ui.app import run_app

    run_app(ws, today, prefetch)


@click.command("init")
@click.pass_obj
def init(obj: CliContext) -> None:
    """Create the local database at --db (or the default place), its folder too."""
    path = obj.path(new_folder=True)
    existed = path.exists() and path.stat().st_size > 0
    obj.workspace(create=True, new_folder=True).close()
    from kenttä.i18n import t

    click.echo(t("cli_said.db_there" if existed else "cli_said.db_created", path=path))


@click.command("demo")
@click.option("--path", type=click.Path(dir_okay=False), help="Where to write the demo database.")
@click.option("--seed", "random_seed", default=2016, show_default=True, help="Random seed.")
@click.option("--no-ui", is_flag=True, help="Only build the database and print its path.")
@click.pass_obj
def demo(obj: CliContext, path: str | None, random_seed: int, no_ui: bool) -> None:
    """Open the app on a generated demo caseload (about 150 clients)."""
    from kenttä.services.data import ensure_demo_database

    ws = ensure_demo_database(path, seed=random_seed)
    if no_ui:
        click.echo(str(ws.store.path))
        return
    from kenttä.domain import localtime
    from kenttä.ui.prefetch import start_today

    today = localtime.today()
    prefetch = start_today(ws, today)  # Today's read runs while Textual is imported
    from kenttä.ui.app import run_app

    run_app(ws, today, prefetch)
