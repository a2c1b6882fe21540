"""terms may be in Japanese, Korean, Chinese, Vietnamese, Thai and Indonesian

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 23:00:00
"""

from __future__ import annotations

from narcolex.store.lang_check import refuse_while_terms_in, set_terms_lang_check

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_OLD = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt",
    "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "no", "is", "ru", "uk", "tr", "ar",
    "sq", "sr",
)  # fmt: skip
_ADDED = ("ja", "ko", "zh", "vi", "th", "id")


def upgrade() -> None:
    set_terms_lang_check(_OLD, (*_OLD, *_ADDED))


def downgrade() -> None:
    refuse_while_terms_in(_ADDED)
    set_terms_lang_check((*_OLD, *_ADDED), _OLD)
