"""The `narcolex` command line (Typer + Rich): the app, its groups, and `main`.

Commands live in one module per area (setup, kb, curation, scan) and share `cli.common`; this
module only assembles them, so there is no import cycle between the app and its commands.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from narcolex.cli import backup, curation, kb, monitor, respond, scan, serve, setup, spark
from narcolex.cli.common import friendly

app = typer.Typer(
    name="narcolex",
    help="Knowledge Package against drug sales online: build, curate, release and apply it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from narcolex import __version__

        typer.echo(f"narcolex {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database URL for every command (same as NARCOLEX_DATABASE_URL)."
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Knowledge Package against drug sales online: build, curate, release and apply it."""
    if db is None:
        return
    # The commands read NARCOLEX_DATABASE_URL when they have no --db of their own; the value
    # is put back when the command ends, so a long-lived process is not changed by one call.
    from narcolex.config import ENV_DATABASE_URL

    previous = os.environ.get(ENV_DATABASE_URL)
    os.environ[ENV_DATABASE_URL] = db

    def restore() -> None:
        if previous is None:
            os.environ.pop(ENV_DATABASE_URL, None)
        else:
            os.environ[ENV_DATABASE_URL] = previous

    ctx.call_on_close(restore)


setup.register(app)
kb.register(app)
curation.register(app)
scan.register(app)
respond.register(app)
serve.register(app)
backup.register(app)
monitor.register(app)
spark.register(app)


def _wrap_all(typer_app: typer.Typer) -> None:
    for cmd in typer_app.registered_commands:
        if cmd.callback is not None and not getattr(cmd.callback, "__wrapped__", None):
            cmd.callback = friendly(cmd.callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _wrap_all(group.typer_instance)


_wrap_all(app)


def main() -> None:
    app()
