#!/usr/bin/env bash
# Backup and restore of the Ratsportal Prävention: database and media files (docs/backup.md).
#
#   docs/backup.sh backup  TARGET_DIR          writes TARGET_DIR/ratsportal-YYYYmmdd-HHMMSS/
#   docs/backup.sh restore BACKUP_DIR --yes    replaces database and media with the backup
#
# Database and media folder are taken from the portal's own settings (DATABASE_URL, MEDIA_ROOT,
# VAR_DIR, ... as for manage.py), so run it with the same environment as the portal.
# PostgreSQL is dumped with pg_dump (plain SQL, gzip) and restored with psql in one transaction;
# SQLite is copied with SQLite's online backup API (consistent while the portal runs).
# PYTHON overrides the interpreter (default: .venv/bin/python next to manage.py).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"

usage() {
    echo "usage: $0 backup TARGET_DIR | restore BACKUP_DIR --yes" >&2
    exit 2
}

# Prints shell assignments (ENGINE, DB_NAME, PGHOST, ..., MEDIA_DIR) from the Django settings.
settings_env() {
    (cd "$ROOT" && "$PYTHON" - <<'EOF'
import os, shlex
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ratsportal.settings")
import django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
values = {
    "ENGINE": db["ENGINE"].rsplit(".", 1)[-1],
    "DB_NAME": str(db["NAME"]),
    "PGHOST": db.get("HOST") or "",
    "PGPORT": str(db.get("PORT") or ""),
    "PGUSER": db.get("USER") or "",
    "PGPASSWORD": db.get("PASSWORD") or "",
    "MEDIA_DIR": str(settings.MEDIA_ROOT),
}
for key, value in values.items():
    print(f"{key}={shlex.quote(value)}")
EOF
    )
}

sqlite_copy() {  # sqlite_copy SOURCE DEST: consistent copy through the backup API
    "$PYTHON" -c '
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with dst:
    src.backup(dst)
dst.close(); src.close()
' "$1" "$2"
}

pg_env() {
    export PGDATABASE="$DB_NAME"
    [ -n "$PGHOST" ] && export PGHOST || unset PGHOST
    [ -n "$PGPORT" ] && export PGPORT || unset PGPORT
    [ -n "$PGUSER" ] && export PGUSER || unset PGUSER
    [ -n "$PGPASSWORD" ] && export PGPASSWORD || unset PGPASSWORD
}

do_backup() {
    local target="$1"
    eval "$(settings_env)"
    local dir
    dir="$target/ratsportal-$(date -u +%Y%m%d-%H%M%S)"
    mkdir -p "$dir"
    chmod 700 "$dir"
    case "$ENGINE" in
        postgresql)
            pg_env
            pg_dump --clean --if-exists --no-owner --no-privileges | gzip >"$dir/database.sql.gz"
            ;;
        sqlite3)
            sqlite_copy "$DB_NAME" "$dir/database.sqlite3"
            ;;
        *)
            echo "Unsupported database engine: $ENGINE" >&2
            exit 1
            ;;
    esac
    if [ -d "$MEDIA_DIR" ]; then
        tar -C "$MEDIA_DIR" -czf "$dir/media.tar.gz" .
    else
        tar -czf "$dir/media.tar.gz" -T /dev/null
    fi
    (cd "$dir" && sha256sum database.* media.tar.gz >SHA256SUMS)
    echo "$dir"
}

do_restore() {
    local dir="$1"
    [ -f "$dir/SHA256SUMS" ] || { echo "Not a backup folder: $dir" >&2; exit 1; }
    (cd "$dir" && sha256sum --quiet --check SHA256SUMS) || {
        echo "Checksums do not match; backup is damaged: $dir" >&2
        exit 1
    }
    eval "$(settings_env)"
    case "$ENGINE" in
        postgresql)
            [ -f "$dir/database.sql.gz" ] || { echo "No PostgreSQL dump in $dir" >&2; exit 1; }
            pg_env
            gunzip -c "$dir/database.sql.gz" |
                psql --quiet --no-psqlrc -v ON_ERROR_STOP=1 --single-transaction >/dev/null
            ;;
        sqlite3)
            [ -f "$dir/database.sqlite3" ] || { echo "No SQLite copy in $dir" >&2; exit 1; }
            mkdir -p "$(dirname "$DB_NAME")"
            sqlite_copy "$dir/database.sqlite3" "$DB_NAME"
            ;;
        *)
            echo "Unsupported database engine: $ENGINE" >&2
            exit 1
            ;;
    esac
    # Unpack next to the media folder first, then swap, so a failed unpack leaves it untouched.
    mkdir -p "$MEDIA_DIR"
    local fresh="$MEDIA_DIR.restore.$$"
    rm -rf "$fresh"
    mkdir -p "$fresh"
    tar -C "$fresh" -xzf "$dir/media.tar.gz"
    find "$MEDIA_DIR" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
    find "$fresh" -mindepth 1 -maxdepth 1 -exec mv -t "$MEDIA_DIR" {} +
    rmdir "$fresh"
    echo "Restored $dir"
}

[ $# -ge 2 ] || usage
case "$1" in
    backup) do_backup "$2" ;;
    restore)
        [ "${3:-}" = "--yes" ] || {
            echo "Restore replaces the database and all media files. Repeat with --yes." >&2
            exit 2
        }
        do_restore "$2"
        ;;
    *) usage ;;
esac
