"""The audit log: every admin action (state change, attach, draft, edit, ...) with who, when and what."""

from __future__ import annotations

import json
from typing import Any

from signals.store import SignalStore, utc_now

SYSTEM = "system"


class AuditLog:
    """Append-only rows of (ts, actor, action, target, detail JSON) in the signals database."""

    def __init__(self, store: SignalStore) -> None:
        self.store = store
        with store._lock:
            store.db["audit_log"].create({
                "id": int, "ts": str, "actor": str, "action": str, "target": str, "detail": str,
            }, pk="id", if_not_exists=True)
            store.db["audit_log"].create_index(["target"], if_not_exists=True)

    def record(self, actor: str, action: str, target: str, detail: dict[str, Any] | None = None) -> int:
        """Store one action (e.g. actor 'anna', action 'state', target 'need:12', detail {'to': 'done'})."""
        row = {"ts": utc_now(), "actor": actor, "action": action, "target": target,
               "detail": json.dumps(detail or {}, ensure_ascii=False, default=str)}
        with self.store._lock:
            return self.store.db["audit_log"].insert(row).last_pk

    def entries(self, limit: int = 100, target: str | None = None,
                action: str | None = None) -> list[dict[str, Any]]:
        """The latest actions first (optionally of one target or one kind), detail decoded."""
        where, params = [], []
        for column, value in (("target", target), ("action", action)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = (f"SELECT * FROM audit_log WHERE {' AND '.join(where) or '1=1'} "
               "ORDER BY id DESC LIMIT ?")
        rows = [dict(r) for r in self.store.db.query(sql, [*params, int(limit)])]
        for row in rows:
            row["detail"] = json.loads(row["detail"] or "{}")
        return rows
