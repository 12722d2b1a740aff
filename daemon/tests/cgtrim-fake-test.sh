#!/bin/sh
# End-to-end tests of gemreclaimd's cgroup_trim on a fake cgroup tree:
# memory.pressure, memory.current and memory.reclaim are regular files under
# a temporary root, so the test sets the "some" total and memory.current and
# reads what the daemon wrote. (tests/guest/daemon-cgtrim.sh runs it on real
# cgroups.) One TAP line per case.
# usage: cgtrim-fake-test.sh <bindir>
bin=$1
D=$bin/gemreclaimd
root=$(mktemp -d /tmp/gemreclaim-cgtrim.XXXXXX)
trap 'kill $pid 2>/dev/null; rm -rf "$root"' EXIT
n=0; rc=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; rc=1; [ -f "$root/log" ] && sed 's/^/# /' "$root/log" | tail -n 20; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
# wait up to 5 s for a condition
waitfor() { i=0; while [ $i -lt 50 ]; do eval "$1" && return 0; sleep 0.1; i=$((i + 1)); done; return 1; }
# cg NAME TOTAL CURRENT: a fake cgroup's files (renamed into place: the
# daemon must never read a half-written one, as it never does on cgroupfs)
cg() {
	mkdir -p "$root/cg/app.slice/$1"
	printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=%s\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' "$2" \
		>"$root/cg/app.slice/$1/.p" && mv "$root/cg/app.slice/$1/.p" "$root/cg/app.slice/$1/memory.pressure"
	echo "$3" >"$root/cg/app.slice/$1/.c" && mv "$root/cg/app.slice/$1/.c" "$root/cg/app.slice/$1/memory.current"
	[ -f "$root/cg/app.slice/$1/memory.reclaim" ] || : >"$root/cg/app.slice/$1/memory.reclaim"
}

mkdir -p "$root/proc/pressure" "$root/sys/class/drm"
printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' \
	>"$root/proc/pressure/memory"
export GEMRECLAIM_ROOT=$root
cg fg 0 104857600
cg bg 0 104857600

cat >"$root/t.conf" <<CONF
levels = ( );
metrics_file = "$root/gr.prom";
metrics_interval_ms = 1000;
cgroup_trim = {
  root = "$root/cg";
  interval_ms = 500;
  target_pct = 1.0;
  ratio = 0.1;
  max_step_ratio = 1.0;
  min_bytes = "1M";
  cgroups = (
    { path = "app.slice/fg"; role = "foreground"; },
    { path = "app.slice/*"; role = "background"; }
  );
};
CONF

# 1. config check
check "gemreclaimd -t accepts cgroup_trim and counts its entries" \
	'$D -t -c "$root/t.conf" 2>&1 | grep -q "OK (0 levels, cgroup trimming: 2 entries every 500 ms)"'
sed 's/^  ratio = 0.1;/  ratio = 0;/' "$root/t.conf" >"$root/bad.conf"
$D -t -c "$root/bad.conf" 2>"$root/err"; e=$?
check "a ratio of 0 exits 2 naming file, line and option" \
	'[ $e -eq 2 ] && grep -q "bad.conf:8: option .cgroup_trim.ratio.: value 0 out of range (0, 1\]" "$root/err"'

# 2. the daemon trims bg, not fg
$D -c "$root/t.conf" -v 2>"$root/log" & pid=$!
check "bg is followed as background, fg as foreground" \
	'waitfor "grep -q \"following app.slice/bg (background\" $root/log" && grep -q "following app.slice/fg (foreground" "$root/log"'
check "bg's memory.reclaim gets current * ratio (10 MiB) after its first sample" \
	'waitfor "grep -q \"^10485760\$\" $root/cg/app.slice/bg/memory.reclaim" && grep -q "cgroup trim: app.slice/bg: psi 0.000% < 1.000%, memory.current 100.0 MiB, asked 10.0 MiB" "$root/log"'
check "fg's memory.reclaim is never written" '[ ! -s "$root/cg/app.slice/fg/memory.reclaim" ] && ! grep -q "app.slice/fg: psi" "$root/log"'
# 5 ms of stall per 500 ms is the target: no write
t=0
stall() { t=$((t + $1)); cg bg $t 104857600; }
check "pressure at the target stops the writes" \
	'i=0; while [ $i -lt 15 ]; do stall 6000; sleep 0.2; i=$((i + 1)); done; grep -q "app.slice/bg: psi .*no write (pressure at or above the target)" "$root/log"'
# 3. cgroups come and go
cg new 0 8388608
check "a new cgroup is picked up at the next expansion" 'waitfor "grep -q \"following app.slice/new (background\" $root/log"'
rm -rf "$root/cg/app.slice/new"
check "a vanished cgroup is dropped with a debug line, no warning" \
	'waitfor "grep -q \"app.slice/new gone\" $root/log" && ! grep -q "warning: cgroup trim: app.slice/new" "$root/log"'
# 4. counters
kill -USR1 $pid
check "SIGUSR1 logs the per-cgroup counters" \
	'waitfor "grep -q \"status: cgroup app.slice/bg (background): .* writes [1-9]\" $root/log" && grep -q "status: cgroup app.slice/fg (foreground): memory.current 100.0 MiB, never trimmed" "$root/log"'
check "the metrics file has the per-cgroup counters" \
	'waitfor "grep -q \"^gemreclaim_cgroup_trim_writes_total{cgroup=\\\"app.slice/bg\\\",role=\\\"background\\\"} [1-9]\" $root/gr.prom" && grep -q "^gemreclaim_cgroup_trim_writes_total{cgroup=\"app.slice/fg\",role=\"foreground\"} 0" "$root/gr.prom"'
# 5. reload
cp "$root/bad.conf" "$root/t.conf.bad"
cp "$root/t.conf" "$root/t.conf.good"
cp "$root/t.conf.bad" "$root/t.conf"
kill -HUP $pid
check "a bad reload is refused with file:line and the daemon keeps trimming" \
	'waitfor "grep -q \"keeping the previous configuration\" $root/log" && grep -q "t.conf:8: option .cgroup_trim.ratio." "$root/log" && kill -0 $pid'
sed '/cgroup_trim/,$d' "$root/t.conf.good" >"$root/t.conf"
kill -HUP $pid
check "a reload without the section turns trimming off" \
	'waitfor "grep -q \"cgroup trimming off: 2 cgroups no longer followed\" $root/log"'
kill -TERM $pid
wait $pid; e=$?
pid=
check "SIGTERM exits 0 with no sanitizer report" '[ $e -eq 0 ] && ! grep -q "Sanitizer" "$root/log"'

# 6. dry run writes nothing
cp "$root/t.conf.good" "$root/t.conf"
: >"$root/cg/app.slice/bg/memory.reclaim"
cg bg 0 104857600
$D -n -c "$root/t.conf" -v 2>"$root/log" & pid=$!
check "a dry run logs the write and makes none" \
	'waitfor "grep -q \"dry run: cgroup trim: app.slice/bg: would write 10485760\" $root/log" && [ ! -s "$root/cg/app.slice/bg/memory.reclaim" ]'
kill -TERM $pid
wait $pid
pid=
echo "1..$n"
exit $rc
