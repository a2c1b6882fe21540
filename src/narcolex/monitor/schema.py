"""The columns of the monitoring datasets, as pyarrow schemas (the files' contract).

`day` is not stored inside the files: it is the hive partition (`day=YYYY-MM-DD`) and comes
back as a DATE column when the dataset is read with hive partitioning (DuckDB, Spark).
"""

from __future__ import annotations

import pyarrow as pa

_STR_LIST = pa.list_(pa.string())

# ARCHITECTURE §4 "Sightings", plus `terms` (the matched forms, readable without the release),
# `release` (which lexicon produced the row), offer details and the text's retention date.
SIGHTINGS = pa.schema(
    [
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("platform", pa.string()),
        ("country", pa.string()),
        ("lang", pa.string()),
        ("verdict", pa.string()),
        ("score", pa.float64()),
        ("term_ids", pa.list_(pa.int64())),
        ("terms", _STR_LIST),
        ("substances", _STR_LIST),
        ("signals", _STR_LIST),
        ("quantity", pa.float64()),
        ("unit", pa.string()),
        ("price", pa.float64()),
        ("currency", pa.string()),
        ("price_eur", pa.float64()),
        ("unit_price_eur", pa.float64()),
        ("rate_date", pa.date32()),
        ("post_key", pa.string()),
        ("release", pa.string()),
        ("text", pa.string()),
        ("text_until", pa.date32()),
        ("ingested_at", pa.timestamp("us", tz="UTC")),
    ]
)

SCANNED = pa.schema(
    [
        ("post_key", pa.string()),
        ("platform", pa.string()),
        ("lang", pa.string()),
        ("verdict", pa.string()),
    ]
)

GRAMS = pa.schema(
    [
        ("lang", pa.string()),
        ("platform", pa.string()),
        ("verdict", pa.string()),
        ("kind", pa.string()),  # word | bigram | emoji
        ("gram", pa.string()),
        ("n", pa.int64()),
    ]
)

# Sightings counted per day × verdict × dimension × value at ingest (dimension "*" holds the
# day's number of sightings): trends and spike series read these instead of unnesting the
# list columns of every sighting, so their cost does not grow with the number of sightings.
DAILY = pa.schema(
    [
        ("verdict", pa.string()),
        ("dim", pa.string()),
        ("value", pa.string()),
        ("n", pa.int64()),
    ]
)

SCHEMAS = {"sightings": SIGHTINGS, "scanned": SCANNED, "grams": GRAMS, "daily": DAILY}


def empty_table(name: str) -> pa.Table:
    """An empty table of a dataset, with its `day` partition column."""
    schema = SCHEMAS[name].append(pa.field("day", pa.date32()))
    return schema.empty_table()
