"""The `narcolex` command line (Typer + Rich): the app, its groups, and `main`.

Commands live in one module per area (setup, kb, curation, scan) and share `cli.common`; this
module only assembles them, so there is no import cycle between the app and its commands.
"""

from __future__ import annotations

import typer

from narcolex.cli import curation, kb, scan, setup, spark
from narcolex.cli.common import friendly

app = typer.Typer(
    name="narcolex",
    help="Knowledge Package against drug sales online: build, curate, release and apply it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
setup.register(app)
kb.register(app)
curation.register(app)
scan.register(app)
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
