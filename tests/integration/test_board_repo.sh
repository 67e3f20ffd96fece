#!/bin/bash
# shellcheck disable=SC2016,SC2034 # checks are code for eval (single quotes on purpose), using these variables
# board/repo/borne-repo with the real reprepro and gpg (a throwaway key): promoting what does not
# exist changes nothing and says why: an empty pilot ring, a version in pilot that the ledger of
# publications does not know (its delay cannot be judged: an error), a delay that is not a number.
# A version published long enough ago is then promoted. Usage: test_board_repo.sh <borne-repo>
set -euo pipefail

script=$1
tmp=$(mktemp -d "${BORNE_TEST_TMP:-/tmp}/board-repo-XXXXXX")
export GNUPGHOME="$tmp/gnupg"
install -d -m 0700 "$GNUPGHOME"
trap 'gpgconf --kill gpg-agent 2> /dev/null || true' EXIT
failures=0
check() {
  if ! eval "$1"; then
    echo "check failed: $1" >&2
    failures=$((failures + 1))
  fi
}
repo_run() { # <args...>: runs borne-repo, its output in $tmp/out, its status in $rc
  rc=0
  bash "$script" "$@" > "$tmp/out" 2>&1 || rc=$?
  sed 's/^/    | /' "$tmp/out"
}
deb() { # <version>: a minimal borne package of that version
  local d="$tmp/pkg-$1"
  mkdir -p "$d/DEBIAN" "$d/usr/share/borne"
  echo "$1" > "$d/usr/share/borne/VERSION"
  printf 'Package: borne\nVersion: %s\nSection: misc\nPriority: optional\nArchitecture: amd64\nMaintainer: Borne <borne@borne.test>\nDescription: test\n' \
    "$1" > "$d/DEBIAN/control"
  dpkg-deb -b --root-owner-group "$d" "$tmp/borne_$1_amd64.deb" > /dev/null
  echo "$tmp/borne_$1_amd64.deb"
}
# A fingerprint of what the rings hold and what the boards download: must not move on a refusal.
state() {
  bash "$script" status "$tmp/repo"
  find "$tmp/repo" -path "$tmp/repo/db" -prune -o -type f -exec md5sum {} + | sort
}

gpg --batch --passphrase '' --quick-gen-key "repo <repo@borne.test>" ed25519 sign never > /dev/null 2>&1
key=$(gpg --batch --with-colons --list-secret-keys repo@borne.test | awk -F: '/^fpr/ { print $10; exit }')
repo_run init "$tmp/repo" "$key"
check '[ $rc = 0 ]'

# Nothing published: nothing to promote, said, and nothing changed.
before=$(state)
repo_run promote "$tmp/repo" 0
check '[ $rc = 0 ] && grep -q "no borne in pilot: nothing to promote" "$tmp/out"'
check '[ "$(state)" = "$before" ]'

# A delay that is not a number: refused before anything is read.
repo_run promote "$tmp/repo" 2d
check '[ $rc = 1 ] && grep -q "HOURS must be a whole number or hq, not \"2d\"" "$tmp/out"'

# 1.1 in pilot, but the ledger never recorded its publication: when it entered pilot is unknown,
# so its delay cannot be judged: an error naming it, and stable stays empty.
repo_run publish "$tmp/repo" "$(deb 1.1)"
check '[ $rc = 0 ]'
sed -i '/^borne 1.1 /d' "$tmp/repo/conf/published"
before=$(state)
repo_run promote "$tmp/repo" 0
check '[ $rc = 1 ] && grep -q "borne 1.1 is in pilot but not in $tmp/repo/conf/published" "$tmp/out"'
check '[ "$(state)" = "$before" ]'
check '! bash "$script" status "$tmp/repo" | grep -q "^stable "'

# Published with its time: held 48 h, it is promoted; before, it stays and says for how long.
echo "borne 1.1 1000000000" >> "$tmp/repo/conf/published"
repo_run promote "$tmp/repo" 48 --now $((1000000000 + 47 * 3600))
check '[ $rc = 0 ] && grep -q "borne 1.1 stays in pilot for 1 h more" "$tmp/out"'
repo_run promote "$tmp/repo" 48 --now $((1000000000 + 48 * 3600))
check '[ $rc = 0 ] && grep -q "borne 1.1 promoted to stable" "$tmp/out"'
check 'bash "$script" status "$tmp/repo" | grep -q "^stable borne 1.1 amd64"'

[ "$failures" = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
[ "$failures" = 0 ]
