"""The broker account of `motcua notify` (defined with the others in server/accounts.py)."""

from __future__ import annotations

from server.accounts import notify_account

ROLE = "notify"


def notify_user(site_id: str) -> str:
    """The sender's broker user name and client id, e.g. 'notify-hcc-q1'."""
    return f"notify-{site_id}"


__all__ = ["ROLE", "notify_account", "notify_user"]
