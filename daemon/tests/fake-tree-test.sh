#!/bin/sh
# End-to-end tests of gemreclaimd and gemreclaimctl on a fake
# /proc + sysfs + debugfs tree (GEMRECLAIM_ROOT). The fake pressure file is
# a regular file, so the daemon falls back to polling averages, which lets
# the test drive pressure by rewriting it. One TAP line per case.
# usage: fake-tree-test.sh <bindir>
bin=$1
D=$bin/gemreclaimd
C=$bin/gemreclaimctl
root=$(mktemp -d /tmp/gemreclaim-e2e.XXXXXX)
trap 'kill $pid $lpid 2>/dev/null; rm -rf "$root"; [ -z "$cgmade" ] || rmdir "$cgmade/sub" "$cgmade"' EXIT
n=0; rc=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; rc=1; [ -f "$root/log" ] && sed 's/^/# /' "$root/log" | tail -n 15; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
knob() { cat "$root/sys/class/drm/card0/device/reclaim/$1"; }
psi() { printf 'some avg10=%s avg60=0.00 avg300=0.00 total=0\nfull avg10=%s avg60=0.00 avg300=0.00 total=0\n' "$1" "$2" > "$root/proc/pressure/memory"; }
# wait up to 5 s for a condition
waitfor() { i=0; while [ $i -lt 50 ]; do eval "$1" && return 0; sleep 0.1; i=$((i + 1)); done; return 1; }

R=$root/sys/class/drm/card0/device/reclaim
G=$root/sys/kernel/debug/dri/0/reclaim
mkdir -p "$root/proc/pressure" "$R" "$G" "$root/sys/class/drm/card0-HDMI-A-1"
psi 0.00 0.00
echo "discard" > "$R/policy"
echo "discard idle-vm-first swapout" > "$R/available_policies"
echo 1000 > "$R/idle_threshold_ms"
echo 32 > "$R/min_resident_mb"
echo 0 > "$R/swapout_min_idle_ms"
echo 0 > "$R/refault_protect_ms"
printf 'resident_bytes 1048576\nswapped_bytes 0\n' > "$G/stats"
printf 'id pid comm state idle_ms bos resident swapped discarded\n1 100 app idle 60000 1 8388608 0 0\n' > "$G/vms"
printf 'id vm pid comm size resident state flags mmap reclaims swapins idle_ms\n' > "$G/bos"
echo 0 > "$G/shrink"
export GEMRECLAIM_ROOT=$root

cat > "$root/good.conf" <<'CONF'
metrics_file = "@ROOT@/gr.prom";
metrics_interval_ms = 1000;
pressure = { poll_interval_ms = 100; cooldown_ms = 2000; };
levels = (
  { name = "low"; stall_us = 100000; window_us = 2000000; policy = "discard idle-vm-first"; idle_threshold_ms = 5000; },
  { name = "high"; stall_us = 400000; window_us = 2000000; policy = "discard idle-vm-first swapout"; min_resident_mb = 0; shrink_mb = 4; }
);
CONF
sed -i "s|@ROOT@|$root|" "$root/good.conf"

# 1. config check mode and exit codes
check "gemreclaimd --check-config accepts a valid file" '$D -t -c "$root/good.conf" >/dev/null 2>&1'
echo 'dry_run = 3;' > "$root/bad.conf"
$D -t -c "$root/bad.conf" 2>"$root/err"; e=$?
check "a bad config exits 2 naming file, line and option" '[ $e -eq 2 ] && grep -q "bad.conf:1: option .dry_run.: expected a boolean" "$root/err"'
# JOURNAL_STREAM names the journal's stream; a shell started from a service
# inherits it with another stderr, which gets plain lines
JOURNAL_STREAM=1:1 $D -t -c "$root/bad.conf" 2>"$root/err"
check "an inherited JOURNAL_STREAM naming another file: plain log lines, no <N> prefix" \
	'grep -q "^gemreclaimd: error: .*bad.conf:1: option" "$root/err" && ! grep -q "^<" "$root/err"'
: >"$root/err"
JOURNAL_STREAM=$(stat -c %d:%i "$root/err") $D -t -c "$root/bad.conf" 2>>"$root/err"
check "JOURNAL_STREAM naming stderr itself: <N> syslog-priority prefixes" \
	'grep -q "^<3>.*bad.conf:1: option" "$root/err" && ! grep -q "^gemreclaimd: " "$root/err"'
$D --bogus 2>/dev/null; e=$?
check "an unknown option exits 1" '[ $e -eq 1 ]'
$D -c "$root/good.conf" --proc-root "$root/none" 2>/dev/null; e=$?
check "a missing pressure file exits 3" '[ $e -eq 3 ]'

# 2. the daemon follows pressure and restores on SIGTERM
$D -c "$root/good.conf" -v 2>"$root/log" & pid=$!
check "takes over card0 and logs the fallback to averages once" \
	'waitfor "grep -q \"taking over card0\" $root/log" && [ $(grep -c "PSI triggers refused" "$root/log") -eq 1 ]'
check "the connector card0-HDMI-A-1 is ignored" '! grep -q "HDMI" "$root/log"'
psi 8.00 0.00
check "pressure over level low moves the knobs to its profile" \
	'waitfor "[ \"\$(knob policy)\" = \"discard idle-vm-first\" ] && [ \$(knob idle_threshold_ms) = 5000 ]"'
psi 30.00 0.00
check "a burst steps up to high, writes its chain and shrinks 4 MiB" \
	'waitfor "[ \"\$(knob policy)\" = \"discard idle-vm-first swapout\" ] && [ \$(knob min_resident_mb) = 0 ] && [ \"\$(cat $G/shrink)\" = \$((4194304 / $(getconf PAGESIZE))) ]"'
check "the metrics file shows the level" 'waitfor "grep -q \"gemreclaim_level{name=.high.} 2\" $root/gr.prom 2>/dev/null"'
psi 8.00 0.00
sleep 1
check "no step down before the cool-down" '[ "$(knob policy)" = "discard idle-vm-first swapout" ]'
check "steps down after the cool-down to the level the averages imply (low)" 'waitfor "[ \"\$(knob policy)\" = \"discard idle-vm-first\" ]"'
psi 0.00 0.00
check "and to none once the averages fall under every level" 'waitfor "[ \"\$(knob policy)\" = discard ]"'
# 3. SIGHUP with a broken file keeps the old config
cp "$root/good.conf" "$root/good.conf.bak"
echo 'pressure = { cooldown_ms = "x"; };' >> "$root/good.conf"
kill -HUP $pid
check "SIGHUP with a broken file keeps the previous configuration" \
	'waitfor "grep -q \"keeping the previous configuration\" $root/log" && kill -0 $pid'
cp "$root/good.conf.bak" "$root/good.conf"
kill -TERM $pid; wait $pid; e=$?
check "SIGTERM exits 0 and restores every knob" \
	'[ $e -eq 0 ] && [ "$(knob policy)" = discard ] && [ $(knob idle_threshold_ms) = 1000 ] && [ $(knob min_resident_mb) = 32 ]'

# 4. dry run writes nothing
psi 30.00 0.00
$D -c "$root/good.conf" -n 2>"$root/log" & pid=$!
check "dry run logs the writes and makes none" \
	'waitfor "grep -q \"dry-run: would write\" $root/log" && [ "$(knob policy)" = discard ]'
kill -INT $pid; wait $pid
psi 0.00 0.00

# 5. gemreclaimctl
check "gemreclaimctl status shows knobs and human units" \
	'$C status | grep -q "resident_bytes *1.0 MiB" && $C status | grep -q "min_resident_mb *32"'
check "status without a state file: gemreclaimd not running" \
	'$C status | grep -q "^gemreclaimd  not running (no .*/run/gemreclaim/state)"'
mkdir -p "$root/run/gemreclaim" "$root/proc/4242"
printf 'pid=4242\nlevel=critical\nlevel_index=2\nsince=1700000000\nlast_action=shrink card0 64 MiB\nlast_action_at=1700000005\ndevices=1\ndry_run=0\n' >"$root/run/gemreclaim/state"
check "status shows gemreclaimd's level and last action from its state file" \
	'$C status | grep -q "^  level  *critical since 20" && $C status | grep -q "^  last_action  *shrink card0 64 MiB at 20"'
if command -v python3 >/dev/null 2>&1; then
	check "status --json: gemreclaimd's state typed" \
		'$C status --json | python3 -c "import json,sys; d=json.load(sys.stdin)[\"gemreclaimd\"]; assert d==dict(pid=4242,level=\"critical\",since=1700000000,last_action=\"shrink card0 64 MiB\",last_action_at=1700000005,devices=1,dry_run=False), d"'
fi
rmdir "$root/proc/4242"
check "status: a state file whose pid is gone reads as not running" \
	'$C status | grep -q "^gemreclaimd  not running (pid 4242 gone"'
if command -v python3 >/dev/null 2>&1; then
	check "status --json: gemreclaimd null when not running" \
		'$C status --json | python3 -c "import json,sys; assert json.load(sys.stdin)[\"gemreclaimd\"] is None"'
fi
rm -f "$root/run/gemreclaim/state"
if command -v python3 >/dev/null 2>&1; then
	check "gemreclaimctl vms --json is valid JSON" \
		'$C vms --json | python3 -c "import json,sys; d=json.load(sys.stdin); assert d[\"card0\"][0][\"resident\"]==8388608"'
else
	check "gemreclaimctl vms --json has the VM (python3 absent: not validated)" \
		'$C vms --json | grep -q "\"resident\":8388608"'
fi
check "gemreclaimctl set/get round-trips a knob" '$C set idle_threshold_ms 1234 && [ "$($C get idle_threshold_ms)" = 1234 ]'
$C -d card7 status 2>/dev/null; e=$?
check "gemreclaimctl exits 2 for a card without reclaim" '[ $e -eq 2 ]'
mv "$root/sys/kernel/debug" "$root/debug.off"
$C bos 2>"$root/err"; e=$?
mv "$root/debug.off" "$root/sys/kernel/debug"
check "gemreclaimctl exits 3 and says debugfs is not mounted" '[ $e -eq 3 ] && grep -q "not mounted" "$root/err"'
check "--version and -V print the version" \
	'$C --version | grep -Eqx "gemreclaimctl [0-9A-Za-z.+~-]+" && [ "$($C -V)" = "$($C --version)" ]'
# The fake shrink file is a regular file: it reads back the request, so a
# request without tgid= "frees" what it asks, and one with tgid= reads back
# text that is not a page count (an error, as from a kernel it would be).
pg=$(getconf PAGESIZE)
mkdir -p "$root/proc/42" "$root/proc/43"
printf 'Name:\tapp\nTgid:\t42\nPid:\t43\n' > "$root/proc/43/status"
$C shrink 1M --pid 42 >"$root/out" 2>"$root/err"; e=$?
check "gemreclaimctl shrink --pid writes pages and tgid; a reply that is not a page count is exit 5" \
	'[ "$(cat $G/shrink)" = "$((1048576 / pg)) tgid=42" ] && [ $e -eq 5 ] && [ ! -s "$root/out" ] && grep -q "reclaim/shrink reads back \"$((1048576 / pg)) tgid=42\", not a page count" "$root/err"'
check "shrink 8M says what was freed in units and pages, and what was asked" \
	'[ "$($C shrink 8M)" = "freed 8.0 MiB ($((8388608 / pg)) pages) of 8.0 MiB asked" ] && [ "$(cat $G/shrink)" = $((8388608 / pg)) ]'
# a usage error: two lines on stderr, the reason and the --help hint
usage1() { [ "$(wc -l < "$1")" -eq 2 ] && tail -n 1 "$1" | grep -qx "try gemreclaimctl --help"; }
echo 77 > "$G/shrink"
$C shrink 100 >"$root/out" 2>"$root/err"; e=$?
check "shrink under one page: exit 1, one line, nothing written, no stale result printed" \
	'[ $e -eq 1 ] && [ ! -s "$root/out" ] && usage1 "$root/err" && grep -q "^gemreclaimctl: shrink: size \"100\" is less than one page ($pg bytes)\$" "$root/err" && [ "$(cat $G/shrink)" = 77 ]'
$C shrink 99999999999P >"$root/out" 2>"$root/err"; e=$?
check "shrink of a size that overflows: out of range, exit 1" \
	'[ $e -eq 1 ] && usage1 "$root/err" && grep -q "size \"99999999999P\" is out of range" "$root/err" && [ "$(cat $G/shrink)" = 77 ]'
$C shrink 1M --pid 99999 >"$root/out" 2>"$root/err"; e=$?
check "shrink --pid of no process: exit 1 naming the pid, nothing written" \
	'[ $e -eq 1 ] && [ ! -s "$root/out" ] && grep -q "^gemreclaimctl: shrink: no process with pid 99999\$" "$root/err" && [ "$(cat $G/shrink)" = 77 ]'
$C shrink 1M --pid 43 >"$root/out" 2>"$root/err"; e=$?
check "shrink --pid of a thread: exit 1 naming its process, nothing written" \
	'[ $e -eq 1 ] && grep -q "pid 43 is a thread of process 42" "$root/err" && [ "$(cat $G/shrink)" = 77 ]'
$C bos -p abc >"$root/out" 2>"$root/err"; e=$?
check "bos -p abc: exit 1, one line, no table" \
	'[ $e -eq 1 ] && [ ! -s "$root/out" ] && usage1 "$root/err" && grep -q "^gemreclaimctl: --pid: invalid pid \"abc\"" "$root/err"'
$C vms --pid 99999999999999999999 >"$root/out" 2>"$root/err"; e=$?
check "vms --pid of 20 digits: out of range, exit 1, no table" \
	'[ $e -eq 1 ] && [ ! -s "$root/out" ] && usage1 "$root/err" && grep -q "\"99999999999999999999\" is out of range (1..4194304)" "$root/err"'
$C status --pid 42 >"$root/out" 2>"$root/err"; e=$?
check "status refuses --pid (it would be ignored)" \
	'[ $e -eq 1 ] && [ ! -s "$root/out" ] && grep -q "applies to bos, vms, top and shrink only" "$root/err"'
$C set idle_threshold_ms -5 >"$root/out" 2>"$root/err"; e=$?
check "set idle_threshold_ms -5: a value, not an option: one line naming it, the knob unchanged" \
	'[ $e -eq 1 ] && usage1 "$root/err" && grep -q "^gemreclaimctl: invalid value \"-5\" for idle_threshold_ms: " "$root/err" && [ "$(knob idle_threshold_ms)" = 1234 ]'
$C -d card0 set -- idle_threshold_ms 99999999999999999999 >"$root/out" 2>"$root/err"; e=$?
check "set after --, a value that overflows 64 bits: said to be out of range, nothing written" \
	'[ $e -eq 1 ] && usage1 "$root/err" && grep -q "invalid value \"99999999999999999999\" for idle_threshold_ms: out of range" "$root/err" && [ "$(knob idle_threshold_ms)" = 1234 ]'
$C vms --bogus >"$root/out" 2>"$root/err"; e=$?
check "an unknown option: one line and the hint, not the whole usage" \
	'[ $e -eq 1 ] && usage1 "$root/err" && grep -q "^gemreclaimctl: unknown option \"--bogus\"" "$root/err"'

# 5a. --json: one valid JSON document per command (top: one per refresh),
# typed by column: a comm of digits is a string, "-" in a number column null
cp "$G/vms" "$root/vms.keep"; cp "$G/stats" "$root/stats.keep"
printf '2 101 1234 idle - 1 4096 0 0\n' >> "$G/vms"
printf 'some_gauge -3\n' >> "$G/stats"
if command -v python3 >/dev/null 2>&1; then
	jq_() { python3 -c "import json,sys
lines=sys.stdin.read().splitlines()
docs=[json.loads(l) for l in lines]
$1"; }
	check "status --json: knobs typed (numbers for _ms/_mb), stats numbers, signed" \
		'$C status --json | jq_ "d=docs[0][\"card0\"]; assert len(docs)==1 and d[\"knobs\"]==dict(policy=\"discard\",available_policies=\"discard idle-vm-first swapout\",idle_threshold_ms=1234,min_resident_mb=32,swapout_min_idle_ms=0,refault_protect_ms=0) and d[\"stats\"]==dict(resident_bytes=1048576,swapped_bytes=0,some_gauge=-3) and d[\"driver\"] is None, d"'
	check "vms --json: a comm of digits stays a string, idle_ms \"-\" is null" \
		'$C vms --json | jq_ "r=docs[0][\"card0\"][1]; assert r[\"comm\"]==\"1234\" and r[\"idle_ms\"] is None and r[\"pid\"]==101, r"'
	check "bos --json and get --json are JSON; get types its knobs" \
		'$C bos --json | jq_ "assert docs==[{\"card0\":[]}]" && $C get --json | jq_ "assert docs[0][\"card0\"][\"idle_threshold_ms\"]==1234 and docs[0][\"card0\"][\"policy\"]==\"discard\"" && $C --json get min_resident_mb | jq_ "assert docs==[{\"card0\":{\"min_resident_mb\":32}}]"'
	check "set --json prints the knob as read back" \
		'$C set idle_threshold_ms 1234 --json | jq_ "assert docs==[{\"card0\":{\"idle_threshold_ms\":1234}}]"'
	check "shrink --json: bytes and pages asked and freed, page size, pid null" \
		'$C shrink 8M --json | jq_ "assert docs==[{\"card0\":dict(asked_bytes=8388608,asked_pages=8388608//$pg,freed_bytes=8388608,freed_pages=8388608//$pg,page_size=$pg,pid=None)}], docs"'
	check "top --json: one JSON document per refresh (JSON Lines)" \
		'$C top --json -n 2 -i 0.1 | jq_ "assert len(docs)==2 and all(set(d)=={\"time\",\"status\",\"vms\"} and isinstance(d[\"time\"],int) and d[\"vms\"][\"card0\"][0][\"resident\"]==8388608 for d in docs), docs"'
else
	for t in "status --json" "vms --json" "bos/get --json" "set --json" "shrink --json" "top --json"; do
		skip "$t is valid JSON" "python3 absent"
	done
fi
$C bos --json --sort nosuch >"$root/out" 2>"$root/err"; e=$?
check "a --json command that fails prints no partial document" \
	'[ $e -eq 1 ] && [ ! -s "$root/out" ] && grep -q "no column \"nosuch\"" "$root/err"'
cp "$root/vms.keep" "$G/vms"; cp "$root/stats.keep" "$G/stats"

# 5b. gemreclaimctl --cgroup. A directory not on cgroup2 is refused; with a
# cgroup2 mount, fake tables whose last column names cgroup inodes are
# filtered and summed. The subtree is a child (with a child) of this
# process's cgroup when it can be created (removed at exit), else that
# cgroup itself, read only.
$C bos --cgroup "$root" >"$root/out" 2>"$root/err"; e=$?
check "--cgroup on a directory not on cgroup2 exits 1, says why, prints nothing" \
	'[ $e -eq 1 ] && [ ! -s "$root/out" ] && grep -q -- "--cgroup: $root is not on a cgroup v2 filesystem" "$root/err"'
$C status --cgroup "$root/none" >"$root/out" 2>"$root/err"; e=$?
check "status --cgroup on a missing path exits 1 naming it" \
	'[ $e -eq 1 ] && [ ! -s "$root/out" ] && grep -q "$root/none: No such file or directory" "$root/err"'
$C shrink 1M --cgroup "$root" 2>"$root/err"; e=$?
check "shrink refuses --cgroup (a shrink cannot be scoped to one)" \
	'[ $e -eq 1 ] && grep -q "applies to status, bos, vms and top only" "$root/err"'
cg=; cgmade=
cgmnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
if [ -n "$cgmnt" ]; then
	cg=$cgmnt$(sed -n 's/^0:://p' /proc/self/cgroup)
	cg=${cg%/}
	[ -d "$cg" ] || cg=$cgmnt
	if mkdir "$cg/gemreclaim-e2e.$$" 2>/dev/null; then
		if mkdir "$cg/gemreclaim-e2e.$$/sub" 2>/dev/null; then
			cgmade=$cg/gemreclaim-e2e.$$
			cg=$cgmade
		else
			rmdir "$cg/gemreclaim-e2e.$$"
		fi
	fi
fi
cgcheck() { if [ -n "$cg" ]; then check "$1" "$2"; else skip "$1" "no cgroup2 mount"; fi; }
if [ -n "$cg" ]; then
	in=$(stat -c %i "$cg")
	below=$(find "$cg" -xdev -mindepth 1 -type d -printf '%i\n' 2>/dev/null | head -n 1)
	[ -n "$below" ] || below=$in
	out=$(($(find "$cg" -xdev -type d -printf '%i\n' | sort -n | tail -n 1) + 1))
	cp "$G/bos" "$root/bos.old"; cp "$G/vms" "$root/vms.old"
	cat > "$G/bos" <<EOF
id vm pid comm size resident state flags mmap reclaims swapins idle_ms cgroup
1 1 100 app 1048576 1048576 resident - 1 0 0 120 $in
2 1 100 app 4194304 0 swapped d 0 3 1 90000 $below
3 2 200 other 65536 65536 resident - 0 0 0 5 $out
4 2 200 other 8192 0 discarded d 0 1 0 7 $below
5 - 300 kworker 4096 4096 pinned - 0 0 0 0 0
EOF
	cat > "$G/vms" <<EOF
id pid comm state idle_ms bos resident swapped discarded cgroup
1 100 app idle 60000 2 1048576 4194304 8192 $in
2 200 other active 0 1 65536 0 0 $out
EOF
fi
ids() { awk 'NR > 1 { printf "%s ", $1 }'; }
cgcheck "bos --cgroup keeps the rows of the cgroup and below, not others or 0" \
	'[ "$($C bos --cgroup "$cg" | ids)" = "1 2 4 " ]'
cgcheck "bos -g with --pid keeps the rows matching both" \
	'[ "$($C bos -g "$cg" --pid 200 | ids)" = "4 " ]'
if command -v python3 >/dev/null 2>&1; then
	cgcheck "vms --cgroup --json is valid JSON with the cgroup's VM only" \
		'$C vms --cgroup "$cg" --json | python3 -c "import json,sys; d=json.load(sys.stdin); assert [v[\"id\"] for v in d[\"card0\"]]==[1]"'
	cgcheck "status --cgroup --json: the subtree's BO sums as numbers, valid JSON" \
		'$C status --cgroup "$cg" --json | python3 -c "import json,sys; c=json.load(sys.stdin)[\"card0\"][\"cgroup\"]; assert c[\"path\"]==sys.argv[1] and (c[\"bos\"],c[\"resident\"],c[\"swapped\"],c[\"discarded\"])==(3,1048576,4194304,8192) and isinstance(c.get(\"memory.current\",0),int)" "$cg"'
else
	cgcheck "vms --cgroup --json has the cgroup's VM only (python3 absent: not validated)" \
		'$C vms --cgroup "$cg" --json | grep -q "\"id\":1," && ! $C vms --cgroup "$cg" --json | grep -q "\"id\":2,"'
	cgcheck "status --cgroup --json has the subtree's BO sums (python3 absent: not validated)" \
		'$C status --cgroup "$cg" --json | grep -q "\"bos\":3,\"resident\":1048576,\"swapped\":4194304,\"discarded\":8192"'
fi
cgcheck "status --cgroup: BO count, resident, swapped, discarded of the subtree; the cgroup's memory lines" \
	'$C status --raw --cgroup "$cg" >"$root/out" && grep -q "^  cgroup_bos  *3\$" "$root/out" && grep -q "^  cgroup_resident  *1048576\$" "$root/out" && grep -q "^  cgroup_swapped  *4194304\$" "$root/out" && grep -q "^  cgroup_discarded  *8192\$" "$root/out" && grep -q "^  memory.current  *[0-9-]" "$root/out" && grep -q "^  memory.swap.current  *[0-9-]" "$root/out"'
[ -z "$cg" ] || printf 'id vm pid comm size resident state flags mmap reclaims swapins idle_ms cgroup\n1 1 100 app 4096 4096 resident - 1 0 0 120 0\n' > "$G/bos"
cgcheck "a cgroup column of zeros is reported as the memory controller disabled" \
	'[ -z "$($C bos --cgroup "$cg" 2>"$root/err" | ids)" ] && grep -q "memory controller is disabled" "$root/err"'
if [ -n "$cg" ]; then
	cp "$root/bos.old" "$G/bos"; cp "$root/vms.old" "$G/vms"
	$C bos --cgroup "$cg" >"$root/out" 2>"$root/err"; e=$?
fi
cgcheck "an old kernel's bos without a cgroup column: exit 5 and a clear error, no rows" \
	'[ $e -eq 5 ] && grep -q "reclaim/bos has no cgroup column (kernel without cgroup support?)" "$root/err" && [ ! -s "$root/out" ]'

# 6. the service manager's view: sd_notify messages and the watchdog
# appending, so that the test can empty the file between steps
$bin/notify-listen "$root/notify" >>"$root/notes" & lpid=$!
waitfor '[ -S "$root/notify" ]'
NOTIFY_SOCKET=$root/notify WATCHDOG_USEC=200000 $D -c "$root/good.conf" 2>"$root/log" & pid=$!
check "sd_notify: READY=1, then a STATUS line naming the level and devices" \
	'waitfor "grep -q \"^READY=1\" $root/notes && grep -q \"^STATUS=level none, 1 device, polling PSI averages\" $root/notes"'
sleep 1.5
check "watchdog: WATCHDOG=1 about every half period (WATCHDOG_USEC=200000)" \
	'[ "$(grep -c "^WATCHDOG=1" "$root/notes")" -ge 10 ]'
: >"$root/notes"
kill -HUP $pid
check "sd_notify: SIGHUP sends RELOADING=1 then READY=1" \
	'waitfor "grep -A9 \"^RELOADING=1\" $root/notes | grep -q \"^READY=1\""'
kill -TERM $pid; wait $pid
check "sd_notify: SIGTERM sends STOPPING=1" 'grep -q "^STOPPING=1" "$root/notes"'
: >"$root/notes"
NOTIFY_SOCKET=$root/notify WATCHDOG_USEC=200000 WATCHDOG_PID=1 $D -c "$root/good.conf" 2>"$root/log" & pid=$!
waitfor 'grep -q "^READY=1" "$root/notes"'
sleep 1
kill -TERM $pid; wait $pid
check "watchdog: off when WATCHDOG_PID names another process" \
	'grep -q "^READY=1" "$root/notes" && ! grep -q "^WATCHDOG=1" "$root/notes"'
kill $lpid; wait $lpid 2>/dev/null

echo "1..$n"
exit $rc
