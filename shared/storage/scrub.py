"""Scrubbing secrets older versions wrote into the audit log (used by a migration)."""

from __future__ import annotations

import json
import re

from sqlalchemy import Connection, column, select, table, update

REDACTED = "***"
SECRET_VERBS = ("officer_login",)
_PASSWORD = re.compile(r'("password"\s*:\s*)"(?:[^"\\]|\\.)*"')
_BATCH = 500
# Only the columns needed, so the scrub does not depend on the ORM model of a later version.
_LOG = table("command_log", column("id"), column("verb"), column("payload"))


def scrubbed(payload: str) -> str:
    """Return a logged command payload with its password replaced by ***."""
    try:
        data = json.loads(payload)
    except ValueError:
        data = None
    if isinstance(data, dict):
        if data.get("password", REDACTED) == REDACTED:
            return payload
        data["password"] = REDACTED
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    replaced = _PASSWORD.sub(rf'\1"{REDACTED}"', payload)
    # Not JSON and no recognisable password field: keep nothing of it.
    return replaced if replaced != payload else REDACTED


def scrub_login_payloads(connection: Connection) -> int:
    """Replace the password in every logged login command; return how many rows changed."""
    changed = 0
    last = 0
    while True:
        rows = connection.execute(
            select(_LOG.c.id, _LOG.c.payload)
            .where(_LOG.c.verb.in_(SECRET_VERBS), _LOG.c.id > last)
            .order_by(_LOG.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return changed
        for row_id, payload in rows:
            clean = scrubbed(payload)
            if clean != payload:
                connection.execute(update(_LOG).where(_LOG.c.id == row_id).values(payload=clean))
                changed += 1
        last = rows[-1][0]
