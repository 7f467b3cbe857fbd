#!/bin/sh
# Consistent online backup of the Infopoint SQLite file with rotation.
# Usage: deploy/backup.sh [DATA_DIR] [BACKUP_DIR] [KEEP]   (cron: 15 3 * * * /opt/infopoint/deploy/backup.sh)
set -eu
DATA_DIR="${1:-${INFOPOINT_DATA_DIR:-/var/lib/infopoint}}"
BACKUP_DIR="${2:-${INFOPOINT_BACKUP_DIR:-/var/backups/infopoint}}"
KEEP="${3:-${INFOPOINT_BACKUP_KEEP:-14}}"
DB="$DATA_DIR/infopoint.sqlite3"
[ -f "$DB" ] || { echo "no database at $DB" >&2; exit 1; }
mkdir -p "$BACKUP_DIR"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$BACKUP_DIR/infopoint-$STAMP.sqlite3"
# .backup uses SQLite's online backup API: safe while the service writes (WAL mode).
sqlite3 "$DB" ".backup '$OUT'"
sqlite3 "$OUT" "PRAGMA integrity_check;" | grep -qx ok || { echo "integrity check failed: $OUT" >&2; exit 1; }
gzip -f "$OUT"
# The HMAC key is needed to match pseudonyms after a restore: keep a copy next to the backups.
[ -f "$DATA_DIR/hmac.key" ] && install -m 600 "$DATA_DIR/hmac.key" "$BACKUP_DIR/hmac.key"
# Rotation: keep the newest $KEEP backups.
ls -1t "$BACKUP_DIR"/infopoint-*.sqlite3.gz 2>/dev/null | tail -n +"$((KEEP + 1))" | xargs -r rm -f
echo "$OUT.gz"
