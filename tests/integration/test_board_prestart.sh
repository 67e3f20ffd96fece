#!/bin/bash
# shellcheck disable=SC2016 # checks are code for eval: single quotes on purpose
# board/scripts/borne-prestart: a copy of the database before the first start of a new version,
# none otherwise, the WAL copied along, three copies kept. Usage: test_board_prestart.sh <script>
set -euo pipefail

script=$1
tmp=$(mktemp -d "${BORNE_TEST_TMP:-/tmp}/prestart-XXXXXX")
export BORNE_DATA_DIR="$tmp/data" BORNE_VERSION_FILE="$tmp/VERSION"
mkdir -p "$BORNE_DATA_DIR"
failures=0
check() {
  if ! eval "$1"; then
    echo "check failed: $1" >&2
    failures=$((failures + 1))
  fi
}
start_as() {
  echo "$1" > "$BORNE_VERSION_FILE"
  bash "$script" > "$tmp/out" || { echo "borne-prestart failed" >&2; failures=$((failures + 1)); }
}
backups() { find "$BORNE_DATA_DIR" -name 'borne.db.bak-*' ! -name '*-wal' | wc -l; }

# Fresh install: no database, nothing to copy; the version is recorded.
start_as 0.1.0
check '[ "$(<"$BORNE_DATA_DIR/last-started-version")" = 0.1.0 ]'
check '[ "$(backups)" = 0 ]'

# Restart of the same version: no copy even with a database.
echo "database v1" > "$BORNE_DATA_DIR/borne.db"
start_as 0.1.0
check '[ "$(backups)" = 0 ]'

# Upgrade: a copy named after the version that wrote it, identical, WAL included.
echo "wal v1" > "$BORNE_DATA_DIR/borne.db-wal"
start_as 0.2.0
check 'cmp -s "$BORNE_DATA_DIR/borne.db" "$BORNE_DATA_DIR/borne.db.bak-0.1.0"'
check 'cmp -s "$BORNE_DATA_DIR/borne.db-wal" "$BORNE_DATA_DIR/borne.db.bak-0.1.0-wal"'
check 'grep -q "0.1.0 -> 0.2.0" "$tmp/out"'
check '[ "$(<"$BORNE_DATA_DIR/last-started-version")" = 0.2.0 ]'
check '[ ! -e "$BORNE_DATA_DIR/borne.db.bak-0.1.0.partial" ]'

# A crash loop on the new version copies nothing more.
start_as 0.2.0
check '[ "$(backups)" = 1 ]'

# Only the three newest copies stay.
rm -f "$BORNE_DATA_DIR/borne.db-wal"
for v in 0.3.0 0.4.0 0.5.0; do
  sleep 0.01 # distinct modification times order the copies
  start_as "$v"
done
check '[ "$(backups)" = 3 ]'
check '[ ! -e "$BORNE_DATA_DIR/borne.db.bak-0.1.0" ]'
check '[ ! -e "$BORNE_DATA_DIR/borne.db.bak-0.1.0-wal" ]'
check '[ -e "$BORNE_DATA_DIR/borne.db.bak-0.4.0" ]'

# Missing version file: an error, not a silent start without a copy.
rm -f "$BORNE_VERSION_FILE"
check '! bash "$script" 2> /dev/null'

echo "$failures failed"
[ "$failures" = 0 ]
