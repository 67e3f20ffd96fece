#!/usr/bin/env bash
# borne-admin as an agent uses it: real process, real database file. Tries the normal flow, then
# every refusal (unknown service, double finish, closed counter, bad CSV rows, appointment
# windows, corrupt database, bad config, usage errors) and checks exit status and message.
set -u
admin="$1"
tmp=$(mktemp -d "${BORNE_TEST_TMP:-/tmp}/admin-cli-XXXXXX")
passed=0 failed=0

cat > "$tmp/borne.ini" <<'INI'
[antenne]
id = arras
name = Antenne d'Arras
[hours]
mon = 09:00-12:00,13:30-17:00
tue = 09:00-12:00
last_ticket_before_close = 15
[service.A]
label_fr = Aides individuelles
[service.R]
label_fr = Rendez-vous
[counter.1]
services = A,R
[printer]
device = virtual
[store]
path = borne.db
INI

# expect NAME WANT_STATUS PATTERN -- COMMAND...: runs it, checks status and that PATTERN is in
# stdout+stderr.
expect() {
  local name=$1 want=$2 pattern=$3
  shift 4
  local out status
  out=$("$@" 2>&1)
  status=$?
  if [ "$status" -eq "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: status %s (want %s), output:\n%s\n' "$name" "$status" "$want" "$out" >&2
  fi
}

A=("$admin" --config "$tmp/borne.ini")
monday=2026-11-23   # a Monday

expect "init" 0 "2 services, 1 counters" -- "${A[@]}" init
expect "issue" 0 "^A001" -- "${A[@]}" --now ${monday}T09:10 issue A
expect "issue priority" 0 "^A002" -- "${A[@]}" --now ${monday}T09:11 issue A priority association
expect "unknown service" 1 "unknown service" -- "${A[@]}" --now ${monday}T09:12 issue B
expect "not a letter" 2 "not a service letter" -- "${A[@]}" issue 7
expect "closed hours" 1 "closed|opening" -- "${A[@]}" --now ${monday}T12:30 issue A
expect "last ticket time" 1 "closed|opening" -- "${A[@]}" --now ${monday}T16:50 issue A
expect "call on closed counter" 1 "state|closed" -- "${A[@]}" --now ${monday}T09:13 call 1
expect "open" 0 "open" -- "${A[@]}" --now ${monday}T09:13 counter 1 open
expect "priority first" 0 "^A002.*called" -- "${A[@]}" --now ${monday}T09:14 call 1
expect "finish" 0 "" -- "${A[@]}" --now ${monday}T09:20 finish 1
expect "double finish" 1 "no current ticket|current state|unknown ticket" -- "${A[@]}" --now ${monday}T09:21 finish 1
expect "unknown counter" 1 "unknown counter" -- "${A[@]}" --now ${monday}T09:21 call 9
expect "list" 0 "A002.*done" -- "${A[@]}" --now ${monday}T09:22 list
expect "list by state" 0 "^A001.*waiting" -- "${A[@]}" --now ${monday}T09:22 list waiting
expect "bad state" 2 "unknown state" -- "${A[@]}" list sleeping
expect "stats csv" 0 "^2026-11-23,9,A,association,1,1,1," -- "${A[@]}" --now ${monday}T09:30 --csv stats

cat > "$tmp/rdv.csv" <<'CSV'
code,date,time,service,counter,note
RDV-1,2026-11-23,10:30,R,1,"Dossier transport, pièces à vérifier"
RDV-2,2026-11-23,09:40,R,,
RDV-3,2026-11-31,10:00,R,,
RDV 4,2026-11-23,10:00,R,,
RDV-5,2026-11-23,11:00,R,1,
CSV
expect "import with bad rows saves nothing" 1 "imported 0, rejected 2: nothing saved" -- "${A[@]}" --now ${monday}T09:30 import-appointments "$tmp/rdv.csv"
expect "bad row line numbers" 1 "rdv.csv:4: date: no such day" -- "${A[@]}" --now ${monday}T09:30 import-appointments "$tmp/rdv.csv"
expect "bad code line" 1 "rdv.csv:5: code" -- "${A[@]}" --now ${monday}T09:30 import-appointments "$tmp/rdv.csv"
expect "no good row of a bad file saved" 1 "unknown appointment" -- "${A[@]}" --now ${monday}T10:20 check-in RDV-1
expect "missing csv" 1 "No such file" -- "${A[@]}" import-appointments "$tmp/none.csv"
# one file, every kind of bad row: all reported, none saved
printf 'code,date,time,service,counter,note\nRDV-7,2026-11-23,10:00,R,,ok\nRDV-7,2026-11-23,11:00,R,,again\nRDV-8,2026-03-29,02:30,R,,\nRDV-9,2026-10-25,02:30,R,,\nRDV-10,2026-11-23,10:00,R,,caf\xe9\nRDV-11,2026-11-23,10:00,R,,a\0b\n' > "$tmp/rdv-bad.csv"
expect "repeated code" 1 "rdv-bad.csv:3: code RDV-7 is already used on line 2" -- "${A[@]}" import-appointments "$tmp/rdv-bad.csv"
expect "skipped local time" 1 "rdv-bad.csv:4: time: .*does not exist" -- "${A[@]}" import-appointments "$tmp/rdv-bad.csv"
expect "repeated local time" 1 "rdv-bad.csv:5: time: .*happens twice" -- "${A[@]}" import-appointments "$tmp/rdv-bad.csv"
expect "Latin-1 note" 1 "rdv-bad.csv:6: note: invalid UTF-8" -- "${A[@]}" import-appointments "$tmp/rdv-bad.csv"
expect "NUL in a note" 1 "rdv-bad.csv:7: a NUL byte" -- "${A[@]}" import-appointments "$tmp/rdv-bad.csv"
expect "all bad rows counted" 1 "imported 0, rejected 5" -- "${A[@]}" import-appointments "$tmp/rdv-bad.csv"
expect "nothing of the bad file saved" 1 "unknown appointment" -- "${A[@]}" --now ${monday}T10:00 check-in RDV-7
grep -v -e "RDV-3" -e "RDV 4" "$tmp/rdv.csv" > "$tmp/rdv-fixed.csv"
expect "corrected file imported whole" 0 "imported 3, rejected 0" -- "${A[@]}" --now ${monday}T09:30 import-appointments "$tmp/rdv-fixed.csv"
expect "check-in too early" 1 "too early|before" -- "${A[@]}" --now ${monday}T09:31 check-in RDV-1
expect "check-in unknown" 1 "unknown appointment|not found" -- "${A[@]}" --now ${monday}T09:31 check-in RDV-9
expect "check-in" 0 "^R001" -- "${A[@]}" --now ${monday}T10:20 check-in RDV-1
expect "check-in twice" 1 "already" -- "${A[@]}" --now ${monday}T10:21 check-in RDV-1
expect "check-in too late" 1 "too late|after" -- "${A[@]}" --now ${monday}T10:30 check-in RDV-2
expect "feedback" 0 "" -- "${A[@]}" --now ${monday}T10:31 feedback 1 A
expect "feedback level" 2 "1 \(soleil\) to 5" -- "${A[@]}" feedback 6
expect "events" 0 "check_in" -- "${A[@]}" events

expect "bad --now" 2 "--now" -- "${A[@]}" --now 2026-02-30T10:00 list
expect "--now far in the past" 2 "--now" -- "${A[@]}" --now @-9223372036854775808 services
expect "--now far in the future" 2 "--now" -- "${A[@]}" --now @9223372036854775807 services
expect "--now overflowing" 2 "--now" -- "${A[@]}" --now @99999999999999999999 services
expect "--now skipped by the clocks" 2 "--now" -- "${A[@]}" --now 2026-03-29T02:30 services
expect "control character in an argument" 2 'argument "RDV\\x1B\[2J": a control character' -- "${A[@]}" check-in "$(printf 'RDV\033[2J')"
expect "no command" 2 "usage" -- "$admin" --config "$tmp/borne.ini"
expect "unknown command" 2 "unknown command" -- "${A[@]}" explode
expect "wrong arg count" 2 "usage: borne-admin call COUNTER" -- "${A[@]}" call
expect "no config" 2 "--config" -- "$admin" list

# borne-update upgrades only in a quiet window: closed now and for the next MINUTES.
expect "quiet window: open" 3 "open now" -- "${A[@]}" --now ${monday}T10:00 quiet-window
expect "quiet window: opens too soon" 3 "opens in 30 min" -- "${A[@]}" --now ${monday}T13:00 quiet-window 45
expect "quiet window: lunch is long enough" 0 "quiet window" -- "${A[@]}" --now ${monday}T12:45 quiet-window 30
expect "quiet window: night" 0 "quiet window" -- "${A[@]}" --now ${monday}T22:00 quiet-window
expect "quiet window: bad minutes" 2 "MINUTES" -- "${A[@]}" quiet-window soon
# The hours cannot be read: a refusal, never a green light for an upgrade.
cp "$tmp/borne.db" "$tmp/nohours.db"
sqlite3 "$tmp/nohours.db" "DROP TABLE hours"
expect "quiet window: unreadable hours" 1 "quiet-window.*hours" -- "${A[@]}" --db "$tmp/nohours.db" --now ${monday}T22:00 quiet-window

expect "check-config says the admin screen is locked" 0 "no \\[ui\\] admin_pin" -- "${A[@]}" check-config
printf '[antenne]\nid = x\nname = Antenne de B\xe9thune\n[service.A]\nlabel_fr = A\n[printer]\ndevice = virtual\n' > "$tmp/latin1.ini"
expect "Latin-1 antenne name" 1 "latin1.ini:3: name \"Antenne de B\\\\xE9thune\": invalid UTF-8" -- "$admin" --config "$tmp/latin1.ini" check-config
printf '[antenne]\nid = x\nname = x\n[service.A]\nlabel_fr = A\n[printer]\ndevice = virtual\n[ui]\nidle_s = 1\n' > "$tmp/bad.ini"
expect "bad config" 1 "bad.ini:9: idle_s" -- "$admin" --config "$tmp/bad.ini" list

head -c 8192 /dev/urandom > "$tmp/corrupt.db"
expect "corrupt database" 1 "corrupt|not a database" -- "${A[@]}" --db "$tmp/corrupt.db" list
expect "database path is a directory" 1 "borne-admin: $tmp" -- "${A[@]}" --db "$tmp" list

echo "$passed passed, $failed failed"
rm -rf "$tmp"
[ "$failed" -eq 0 ]
