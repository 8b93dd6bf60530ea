"""Whose voices opinion counts: the public, not the targets speaking for themselves.

A party's or a leader's official accounts stand for their own side by definition: counted in
the poll they would add the campaign's voice to the public's (each a voice a day, for itself).
Accounts named by consent (`privacy.opted_in`: newsrooms, public figures) are part of the
debate, so the poll counts them, but they are not the undecided public whose reasons
`undecided` reports.
"""

from __future__ import annotations

from typing import Any

from bascule.config import normalize_handle
from bascule.store import opinion as sql


def official_authors(project: Any) -> list[str]:
    """author_id of the targets' official accounts (kept in clear by the config)."""
    return sql.named_accounts(project.store, sorted(project.config.official_handles()))


def named_authors(project: Any) -> list[str]:
    """author_id of the official accounts and of the accounts named by consent."""
    cfg = project.config
    named = set(cfg.official_handles()) | {normalize_handle(h) for h in cfg.privacy.opted_in}
    return sql.named_accounts(project.store, sorted(named))
