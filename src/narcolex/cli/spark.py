"""`narcolex spark-scan INPUT OUTPUT`: scan a Parquet dataset with Spark (issue 15).

A thin wrapper of `narcolex.spark.scan_parquet`: it starts (or joins) a SparkSession, so the
same command runs on a laptop (`--master local[*]`) and, under `spark-submit`, on a cluster,
where the master comes from spark-submit and `--master` is left out.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from narcolex.errors import InputError


def register(app: typer.Typer) -> None:
    """Add `spark-scan` to `app`."""

    @app.command("spark-scan")
    def spark_scan(
        input: Annotated[str, typer.Argument(help="Parquet file or folder with id and text")],
        output: Annotated[str, typer.Argument(help="Parquet folder for the findings (§4 rows)")],
        bundle: Annotated[
            str | None, typer.Option("--bundle", help="release bundle (folder or zip)")
        ] = None,
        text_col: Annotated[str, typer.Option("--text-col", help="column of the posts")] = "text",
        id_col: Annotated[str, typer.Option("--id-col", help="column of the post ids")] = "id",
        master: Annotated[
            str | None, typer.Option("--master", help="Spark master, e.g. local[2]")
        ] = None,
        overwrite: Annotated[bool, typer.Option("--overwrite", help="replace OUTPUT")] = False,
    ) -> None:
        """Scan posts in Parquet with Spark and write one finding per post as Parquet.

        Uses the release bundle given by --bundle, else the bundled Knowledge Package."""
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise InputError("spark-scan needs pyspark: pip install 'narcolex[spark]'") from None
        from narcolex.spark import scan_parquet

        joined = SparkSession.getActiveSession()  # a session of the caller's is left running
        under_submit = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit started this process
        if joined is None and (master or ("" if under_submit else "local")).startswith("local"):
            # Local Python workers start `python3` from PATH, which in an unactivated virtual
            # environment is another interpreter, without narcolex: use this one instead.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = SparkSession.builder.appName("narcolex spark-scan")
        if master:
            builder = builder.master(master)
        spark = builder.getOrCreate()
        try:
            n = scan_parquet(
                spark, input, output, release=bundle, text_col=text_col, id_col=id_col,
                mode="overwrite" if overwrite else "error",
            )  # fmt: skip
        finally:
            if joined is None:
                spark.stop()
        typer.echo(f"{n} findings written to {output}", err=True)
