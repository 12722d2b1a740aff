#!/bin/sh
# End-to-end tests of gemreclaimd's configuration files on a fake tree:
# what -t and a SIGHUP do with a directory, a FIFO, a huge file, a missing
# or unreadable file and a syntax error in place of the configuration (the
# running daemon keeps its configuration and its knobs), drop-ins in
# FILE.d/, @include relative to the including file, warnings, --version,
# and the state file. One TAP line per case.
# usage: config-fake-test.sh <bindir>
bin=$1
D=$bin/gemreclaimd
root=$(mktemp -d /tmp/gemreclaim-conf.XXXXXX)
trap 'kill $pid 2>/dev/null; chmod -R u+rwx "$root" 2>/dev/null; rm -rf "$root"' EXIT
n=0; rc=0; pid=
ok() { n=$((n + 1)); echo "ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; rc=1; [ -f "$root/log" ] && sed 's/^/# /' "$root/log" | tail -n 15; [ -f "$root/err" ] && sed 's/^/# err: /' "$root/err" | tail -n 5; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
knob() { cat "$root/sys/class/drm/card0/device/reclaim/$1"; }
waitfor() { i=0; while [ $i -lt 50 ]; do eval "$1" && return 0; sleep 0.1; i=$((i + 1)); done; return 1; }

R=$root/sys/class/drm/card0/device/reclaim
mkdir -p "$root/proc/pressure" "$R" "$root/etc"
printf 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' >"$root/proc/pressure/memory"
echo "discard" >"$R/policy"
echo "discard idle-vm-first swapout" >"$R/available_policies"
echo 1000 >"$R/idle_threshold_ms"
echo 32 >"$R/min_resident_mb"
export GEMRECLAIM_ROOT=$root
C=$root/etc/d.conf
cat >"$C" <<'CONF'
pressure = { poll_interval_ms = 100; };
baseline = { idle_threshold_ms = 7000; };
CONF
cp "$C" "$root/good.conf"

# 1. -t on what is not a regular file, or too large, or missing
mkdir "$root/dir"
$D -t -c "$root/dir" 2>"$root/err"; e=$?
check "-t on a directory: exit 2, 'PATH: not a regular file (directory)'" \
	'[ $e -eq 2 ] && grep -q "error: $root/dir: not a regular file (directory)" "$root/err" && ! grep -q flex "$root/err"'
mkfifo "$root/fifo"
timeout 5 $D -t -c "$root/fifo" 2>"$root/err"; e=$?
check "-t on a FIFO returns at once: exit 2, not a regular file (FIFO)" \
	'[ $e -eq 2 ] && grep -q "$root/fifo: not a regular file (FIFO)" "$root/err"'
head -c 3000000 /dev/zero | tr '\0' x >"$root/huge.conf"
s=$(date +%s%N)
$D -t -c "$root/huge.conf" 2>"$root/err"; e=$?
t=$((($(date +%s%N) - s) / 1000000))
check "-t on a 3 MB one-line file: exit 2 'too large' within 1 s (took $t ms)" \
	'[ $e -eq 2 ] && [ $t -lt 1000 ] && grep -q "$root/huge.conf: too large (3000000 bytes; at most 1048576)" "$root/err"'
$D -t -c "$root/none.conf" 2>"$root/err"; e=$?
check "an explicit -c PATH that does not exist: exit 2 naming it" \
	'[ $e -eq 2 ] && grep -q "$root/none.conf: cannot open: No such file or directory" "$root/err"'
# 2. warnings and range errors
printf 'levels = ( );\n' >"$root/w.conf"
$D -t -c "$root/w.conf" >"$root/out" 2>"$root/err"; e=$?
check "levels = ( ) passes -t with a warning naming file, line and option" \
	'[ $e -eq 0 ] && grep -q "warning: $root/w.conf:1: option .levels.: empty" "$root/err"'
printf 'devices = {\n  drivers = [ "nosuchdrv" ];\n};\n' >"$root/w.conf"
$D -t -c "$root/w.conf" >"$root/out" 2>"$root/err"; e=$?
check "an unknown driver passes -t with a warning naming it" \
	'[ $e -eq 0 ] && grep -q "warning: $root/w.conf:2: option .devices.drivers\[0\].: no DRM driver \"nosuchdrv\" is loaded or installed" "$root/err"'
printf 'pressure = {\n  cooldown_ms = 99999999999999999999;\n};\n' >"$root/w.conf"
$D -t -c "$root/w.conf" 2>"$root/err"; e=$?
check "an overflowing integer: exit 2, 'value 99999999999999999999 out of range [0, 3600000]'" \
	'[ $e -eq 2 ] && grep -q "w.conf:2: option .pressure.cooldown_ms.: value 99999999999999999999 out of range \[0, 3600000\]" "$root/err"'
# 3. --version
v1=$($D --version); e1=$?; v2=$($D -V); e2=$?
check "--version and -V print 'gemreclaimd VERSION' and exit 0" \
	'[ $e1 -eq 0 ] && [ $e2 -eq 0 ] && [ "$v1" = "$v2" ] && echo "$v1" | grep -Eq "^gemreclaimd [^ ]+$"'
# 4. drop-ins and includes relative to the including file (the daemon runs in /)
mkdir -p "$root/etc/inc/sub" "$root/etc/d.conf.d/ignored.conf.d"
printf 'metrics_interval_ms = 2000;\n@include "sub/two.inc"\n' >"$root/etc/inc/one.inc"
printf 'proactive = { step_mb = 8; };\n' >"$root/etc/inc/sub/two.inc"
cat >"$root/etc/d.conf.d/10-a.conf" <<'CONF'
@include "../inc/one.inc"
baseline = { idle_threshold_ms = 6000; min_resident_mb = 16; };
CONF
printf 'baseline = { idle_threshold_ms = 5000; };\n' >"$root/etc/d.conf.d/20-b.conf"
printf 'baseline = { idle_threshold_ms = 1; };\n' >"$root/etc/d.conf.d/30-c.conf.off"
(cd / && $D -t -c "$C") >"$root/out" 2>"$root/err"; e=$?
check "-t reads FILE.d/*.conf in order, @include relative to the including file" \
	'[ $e -eq 0 ] && grep -q "2 drop-in files read" "$root/err"'
printf 'baseline = { idle_threshold_ms = "x"; };\n' >"$root/etc/d.conf.d/20-b.conf"
(cd / && $D -t -c "$C") >"$root/out" 2>"$root/err"; e=$?
check "an error in a drop-in names the drop-in's file and line" \
	'[ $e -eq 2 ] && grep -q "$root/etc/d.conf.d/20-b.conf:1: option .baseline.idle_threshold_ms.: expected an integer" "$root/err"'
printf 'proactive = ;\n' >"$root/etc/inc/sub/two.inc"
(cd / && $D -t -c "$C") >"$root/out" 2>"$root/err"; e=$?
check "a syntax error in a nested @include names that file" \
	'[ $e -eq 2 ] && grep -q "inc/sub/two.inc:1: syntax error" "$root/err"'
printf 'proactive = { step_mb = 8; };\n' >"$root/etc/inc/sub/two.inc"
printf 'baseline = { idle_threshold_ms = 5000; };\n' >"$root/etc/d.conf.d/20-b.conf"
(cd / && exec $D -c "$C" -v) 2>"$root/log" & pid=$!
# the last drop-in replaces baseline as a whole: min_resident_mb of 10-a is not applied
check "the daemon applies the last drop-in's baseline as a whole" \
	'waitfor "[ \"\$(knob idle_threshold_ms)\" = 5000 ]" && [ "$(knob min_resident_mb)" = 32 ]'
ST=$root/run/gemreclaim/state
check "the state file has pid, level, since and the last action" \
	'waitfor "[ -f $ST ]" && grep -qx "pid=$pid" "$ST" && grep -qx "level=none" "$ST" && grep -q "^since=[0-9][0-9]*$" "$ST" && grep -q "^last_action=started at level none" "$ST"'
kill -TERM $pid; wait $pid; e=$?; pid=
check "SIGTERM exits 0 and removes the state file" '[ $e -eq 0 ] && [ ! -e "$ST" ]'
rm -rf "$root/etc/d.conf.d" "$root/etc/inc"

# 5. a running daemon survives every bad reload, keeps its config and knobs
cp "$root/good.conf" "$C"
$D -c "$C" 2>"$root/log" & pid=$!
waitfor '[ "$(knob idle_threshold_ms)" = 7000 ]'
# bad NAME: put it in place of the file, SIGHUP, expect the error line
bad() {
	: >"$root/log"
	kill -HUP $pid
	if waitfor 'grep -q "keeping the previous configuration" "$root/log"' && kill -0 $pid 2>/dev/null &&
	   grep -q "$2" "$root/log" && [ "$(knob idle_threshold_ms)" = 7000 ] &&
	   grep -q "last_action=reload rejected" "$root/run/gemreclaim/state"; then
		ok "SIGHUP with $1: alive, logged '$2', knobs and config kept"
	else
		nok "SIGHUP with $1: alive, logged '$2', knobs and config kept"
	fi
}
rm "$C"; mkdir "$C"
bad "a directory" "$C: not a regular file (directory)"
rmdir "$C"; mkfifo "$C"
bad "a FIFO" "$C: not a regular file (FIFO)"
rm "$C"; cp "$root/huge.conf" "$C"
bad "a 3 MB file" "$C: too large"
rm "$C"
bad "the explicit file deleted" "$C: cannot open: No such file or directory"
printf 'pressure = { poll_interval_ms = 100; }\nbaseline = {\n' >"$C"
bad "a syntax error" "$C:3: syntax error"
cp "$root/good.conf" "$C"; chmod 000 "$C"
if [ "$(id -u)" = 0 ]; then
	skip "SIGHUP with a file it may not read" "root reads a mode 000 file"
else
	bad "a file it may not read" "$C: cannot open: Permission denied"
fi
chmod 644 "$C"
sed -i 's/7000/8000/' "$C"
: >"$root/log"
kill -HUP $pid
check "a good reload after all that applies the new file" \
	'waitfor "[ \"\$(knob idle_threshold_ms)\" = 8000 ]" && grep -q "last_action=configuration reloaded" "$root/run/gemreclaim/state"'
kill -TERM $pid; wait $pid; e=$?; pid=
check "SIGTERM exits 0, restores the knobs, no sanitizer report" \
	'[ $e -eq 0 ] && [ "$(knob idle_threshold_ms)" = 1000 ] && ! grep -q Sanitizer "$root/log"'

echo "1..$n"
exit $rc
