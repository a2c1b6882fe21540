"""Monitoring of developments (issue 16): sightings, trends, spikes, emerging terms, offers,
price indices and reports.

Everything here reads and writes the monitoring store (Parquet datasets partitioned by day,
queried with DuckDB, see `store`); nothing here touches the knowledge base except
`candidates --propose`, which goes through `workflow.proposals`.
"""
