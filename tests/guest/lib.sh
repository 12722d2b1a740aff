# Shared helpers for in-guest tests (sourced as /tests/guest/lib.sh).
# Tests run under busybox sh; exit 0 = pass, 77 = skip, anything else = fail.

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
note() { echo "# $*"; }

# expect_gt NAME A B: fail unless A > B (integers)
expect_gt() { [ "$2" -gt "$3" ] || fail "$1: expected $2 > $3"; note "$1: $2 > $3"; }
# expect_eq NAME A B
expect_eq() { [ "$2" = "$3" ] || fail "$1: expected '$3', got '$2'"; note "$1: $2"; }

# kv FILE KEY: value of a "key value" line
kv() { awk -v k="$2" '$1 == k { print $2; found = 1 } END { exit !found }' "$1"; }

# psi_total RESOURCE some|full: cumulative stall time in microseconds
psi_total() { sed -n "s/^$2 .*total=\([0-9]*\)/\1/p" "/proc/pressure/$1"; }

# vmstat KEY
vmstat() { kv /proc/vmstat "$1"; }
