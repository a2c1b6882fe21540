"""`narcolex serve`: run the HTTP API under uvicorn.

On a fresh machine the embedded database does not exist yet; rather than making the operator
learn `init` first, the first start creates the schema, loads the bundled Knowledge Package as
release 1 and prints how to create the first admin. This happens once, in the parent process,
before any worker starts, so several workers never race to initialise.
"""

from __future__ import annotations

from typing import Annotated

import typer

from narcolex.cli.common import DbOption, err, open_database


def prepare_database(url: str | None) -> None:
    """Create and load an empty database; refuse one at an older schema."""
    from narcolex.workflow.setup import initialise

    database = open_database(url)
    try:
        if database.current_revision() is None:
            with err.status("First start: creating the database and loading the package…"):
                result = initialise(database)
            err.print(
                f"Initialised {result.url}: release {result.release}, {result.validated} "
                f"validated terms, sha256 {result.content_sha256[:12]}.\n"
                "Create the first admin, then a token (API) or a password link (web):\n"
                "  narcolex user add NAME --role admin --as system\n"
                "  narcolex token create NAME --as NAME\n"
                "  narcolex user password-link NAME --as NAME --base-url http://HOST:PORT",
                highlight=False,
            )
        else:
            database.require_schema()
    finally:
        database.dispose()


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    anonymous: Annotated[
        bool | None,
        typer.Option(
            "--anonymous/--no-anonymous",
            help="Open scanning and published releases to callers without a token "
            "(default: NARCOLEX_API_ANONYMOUS, else off).",
        ),
    ] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
    db: DbOption = None,
) -> None:
    """Run the HTTP API (OpenAPI at /openapi.json, docs at /docs)."""
    import os

    import uvicorn

    from narcolex.api.settings import ApiSettings

    prepare_database(db)
    # Worker processes read their settings from the environment (uvicorn re-imports the app).
    if db:
        os.environ["NARCOLEX_DATABASE_URL"] = db
    if anonymous is not None:
        os.environ["NARCOLEX_API_ANONYMOUS"] = "true" if anonymous else "false"
    ApiSettings.from_env()  # fail here, once, on a bad setting
    err.print(
        f"narcolex on http://{host}:{port} (web pages at /, API docs at /docs)", highlight=False
    )
    uvicorn.run(
        "narcolex.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        log_level=log_level.lower(),
        access_log=False,
        proxy_headers=False,
        # Longer than the idle time of common client pools: a server closing a kept-alive
        # connection just as a client reuses it shows up as a failed request on their side.
        timeout_keep_alive=30,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
