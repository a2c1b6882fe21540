"""terms may be in Hebrew

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 01:20:00
"""

from __future__ import annotations

from narcolex.store.lang_check import refuse_while_terms_in, set_terms_lang_check

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_OLD = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt",
    "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "no", "is", "ru", "uk", "tr", "ar",
    "sq", "sr", "ja", "ko", "zh", "vi", "th", "id",
)  # fmt: skip
_ADDED = ("he",)


def upgrade() -> None:
    set_terms_lang_check(_OLD, (*_OLD, *_ADDED))


def downgrade() -> None:
    refuse_while_terms_in(_ADDED)
    set_terms_lang_check((*_OLD, *_ADDED), _OLD)
