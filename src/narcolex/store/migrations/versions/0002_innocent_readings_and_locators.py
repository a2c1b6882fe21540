"""innocent readings and source locators on terms

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases: a batch "move and copy" of `terms` on SQLite would
    # cascade-delete the rows that reference it (term_sources, variants).
    op.add_column("terms", sa.Column("innocent", sa.JSON(), nullable=True))
    op.add_column("terms", sa.Column("source_refs", sa.JSON(), nullable=True))


def downgrade() -> None:
    for column in ("source_refs", "innocent"):
        if op.get_bind().dialect.name == "sqlite":  # native since SQLite 3.35
            op.execute(f"ALTER TABLE terms DROP COLUMN {column}")
        else:
            op.drop_column("terms", column)
