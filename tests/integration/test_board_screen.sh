#!/bin/bash
# shellcheck disable=SC2016 # checks are code for eval: single quotes on purpose
# board/scripts/borne-screen against a fake /sys: bl_power 0 = on, 4 = off, for every panel;
# without a backlight or ddcutil it fails loudly. Usage: test_board_screen.sh <script>
set -euo pipefail

script=$1
tmp=$(mktemp -d "${BORNE_TEST_TMP:-/tmp}/screen-XXXXXX")
failures=0
check() {
  if ! eval "$1"; then
    echo "check failed: $1" >&2
    failures=$((failures + 1))
  fi
}

export BORNE_SYSFS="$tmp/sys"
mkdir -p "$BORNE_SYSFS/class/backlight/10-0045" "$BORNE_SYSFS/class/backlight/intel_backlight"
echo 0 > "$BORNE_SYSFS/class/backlight/10-0045/bl_power"
echo 0 > "$BORNE_SYSFS/class/backlight/intel_backlight/bl_power"

bash "$script" off
check '[ "$(<"$BORNE_SYSFS/class/backlight/10-0045/bl_power")" = 4 ]'
check '[ "$(<"$BORNE_SYSFS/class/backlight/intel_backlight/bl_power")" = 4 ]'
check 'bash "$script" status > "$tmp/status" && grep -qx "10-0045: off" "$tmp/status"'
bash "$script" on
check '[ "$(<"$BORNE_SYSFS/class/backlight/10-0045/bl_power")" = 0 ]'
check 'bash "$script" status > "$tmp/status" && grep -qx "intel_backlight: on" "$tmp/status"'

check '! bash "$script" dim 2> /dev/null'
check '! bash "$script" 2> /dev/null'

# No backlight device and no ddcutil on PATH: an error that says why.
export BORNE_SYSFS="$tmp/empty"
mkdir -p "$BORNE_SYSFS/class/backlight"
check '! PATH=/nonexistent /bin/bash "$script" off 2> "$tmp/err"'
check 'grep -q "no backlight" "$tmp/err"'

echo "$failures failed"
[ "$failures" = 0 ]
