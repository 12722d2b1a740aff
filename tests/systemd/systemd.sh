#!/bin/sh
# vm: --systemd --mem 512M --timeout 300
# The shipped unit and udev rule in a real Debian userland (systemd as PID 1,
# systemd-udevd, journald; tests/systemd/README.md), with the project
# installed by `make install DESTDIR= PREFIX=/usr`:
# - gpusim.ko loaded: 70-gemreclaim.rules fires, systemd starts
#   gemreclaimd.service (not enabled), which reports READY=1 and STATUS=;
# - the hardening is in force: no_new_privs, no capability, seccomp, the
#   file system read-only but for the knobs, which the daemon does write;
# - systemctl reload (SIGHUP) keeps the same process, active;
# - log priorities reach the journal (journalctl -p err / -p info);
# - gpusim unloaded and loaded again: the daemon follows the card;
# - the watchdog is fed: active past WatchdogSec (5 s in a drop-in), never
#   restarted;
# - systemctl stop restores the knobs.
# Each check prints "CASE ok NAME" or "CASE not ok NAME"; the script fails
# when one failed.
. /gemreclaim-test/lib.sh

u=gemreclaimd.service
failed=0
ok() { echo "CASE ok $1"; }
bad() { echo "CASE not ok $1"; echo "# $1: $2"; failed=1; }
check() { # NAME DETAIL CMD...: a case passes when CMD succeeds
	name=$1 detail=$2
	shift 2
	if "$@"; then ok "$name"; else bad "$name" "$detail"; fi
}
prop() { systemctl show -p "$1" --value "$u"; }
# until_true SECONDS CMD...: poll CMD every 0.2 s
until_true() {
	t=$(($1 * 5))
	shift
	while ! "$@"; do
		t=$((t - 1))
		[ $t -le 0 ] && return 1
		sleep 0.2
	done
}
is_active() { [ "$(prop ActiveState)" = active ]; }
journal() { journalctl --no-pager -o cat -u "$u" "$@"; }
in_journal() { journal | grep -q "$1"; }
status_has() { prop StatusText | grep -q "$1"; }

# --- the guest -------------------------------------------------------------
check "systemd is PID 1" "PID 1 is $(cat /proc/1/comm)" [ "$(cat /proc/1/comm)" = systemd ]
check "systemd-udevd and journald running" "$(systemctl is-active systemd-udevd systemd-journald | tr '\n' ' ')" \
	systemctl -q is-active systemd-udevd.service systemd-journald.service
check "unit and rule installed" "$(systemctl cat $u 2>&1 | head -n 3)" \
	sh -c "systemctl cat $u >/dev/null && [ -f /lib/udev/rules.d/70-gemreclaim.rules ]"
check "daemon not started before a card exists" "ActiveState $(prop ActiveState)" \
	[ "$(prop ActiveState)" = inactive ]

# A baseline that the daemon applies when it takes the card over: its own
# writes to the knobs, from inside the sandbox.
cat >/etc/gemreclaim/gemreclaimd.conf <<'EOF'
log_level = "info";
baseline = { idle_threshold_ms = 4321; };
EOF

# --- udev starts it ----------------------------------------------------------
modprobe gpusim || fail "modprobe gpusim failed"
card=
until_true 20 sh -c 'for d in /sys/class/drm/card[0-9]*; do [ -f "$d/device/reclaim/policy" ] && exit 0; done; exit 1' ||
	fail "gpusim registered no card with reclaim knobs"
for d in /sys/class/drm/card[0-9]*; do
	[ -f "$d/device/reclaim/policy" ] && { card=${d##*/}; K=$d/device/reclaim; break; }
done
note "gpusim card: $card"
udevadm settle --timeout=30
check "udev rule tags the card (SYSTEMD_WANTS)" "$(udevadm info "/sys/class/drm/$card" | grep -E 'SYSTEMD|TAGS')" \
	sh -c "udevadm info /sys/class/drm/$card | grep -q 'SYSTEMD_WANTS=.*gemreclaimd.service'"
if until_true 40 is_active; then
	ok "udev started the daemon; READY=1 (active)"
else
	bad "udev started the daemon; READY=1 (active)" "ActiveState $(prop ActiveState) SubState $(prop SubState)"
	journal | tail -n 20
	systemctl status --no-pager $u
	fail "the daemon is not running: nothing else to check"
fi
pid=$(prop MainPID)
note "MainPID $pid; StatusText: $(prop StatusText)"
check "STATUS= shows the card" "StatusText '$(prop StatusText)'" until_true 10 status_has '1 device'
check "journal: taking over $card" "$(journal | tail -n 5)" until_true 10 in_journal "taking over $card"

# --- hardening ---------------------------------------------------------------
st=/proc/$pid/status
check "NoNewPrivs: 1" "$(grep NoNewPrivs $st)" grep -q '^NoNewPrivs:[[:space:]]*1$' $st
check "CapEff and CapBnd empty" "$(grep -E '^Cap(Eff|Bnd|Prm)' $st | tr '\n' ' ')" \
	sh -c "grep -q '^CapEff:[[:space:]]*0000000000000000$' $st && grep -q '^CapBnd:[[:space:]]*0000000000000000$' $st"
check "seccomp filter" "$(grep Seccomp: $st)" grep -q '^Seccomp:[[:space:]]*2$' $st
# In the daemon's mount namespace (as root with every capability: only the
# read-only mounts stand in the way).
check "write to /etc fails in its namespace" "it succeeded" \
	sh -c "! nsenter -t $pid -m sh -c 'echo x >/etc/gemreclaim/probe' 2>/dev/null"
check "write to /usr fails in its namespace" "it succeeded" \
	sh -c "! nsenter -t $pid -m sh -c 'echo x >/usr/probe' 2>/dev/null"
v=$(cat $K/idle_threshold_ms)
check "write to a knob succeeds in its namespace" "$(nsenter -t $pid -m sh -c "echo $v >$K/idle_threshold_ms" 2>&1)" \
	nsenter -t $pid -m sh -c "echo $v >$K/idle_threshold_ms"
# lock_memory under the unit: without CAP_IPC_LOCK, mlockall(MCL_CURRENT)
# is refused (ENOMEM) when the whole mapped size (VmSize, not the touched
# pages) exceeds LimitMEMLOCK (it did with the 8M the unit had).
note "memory: $(grep -E '^Vm(Size|Lck|RSS)' $st | tr -s '\t\n' '  '); LimitMEMLOCK $(prop LimitMEMLOCK)"
check "lock_memory works under the unit (no mlockall error)" "$(journal | grep -m1 'cannot lock the daemon.s memory')" \
	sh -c "! journalctl -b --no-pager -u $u | grep -q 'cannot lock the daemon.s memory'"
check "the daemon's touched pages are locked (VmLck > 0)" "$(grep VmLck $st)" \
	sh -c "[ \$(awk '/^VmLck:/ { print \$2 }' $st) -gt 0 ]"
check "the daemon wrote the baseline to the knob" "idle_threshold_ms $(cat $K/idle_threshold_ms)" \
	until_true 10 sh -c "[ \$(cat $K/idle_threshold_ms) = 4321 ]"

# --- reload ------------------------------------------------------------------
check "systemctl reload succeeds" "exit $?" systemctl reload $u
check "reload: same process, still active" "MainPID $(prop MainPID) ActiveState $(prop ActiveState)" \
	sh -c "[ \"\$(systemctl show -p MainPID --value $u)\" = $pid ] && systemctl -q is-active $u"
check "journal: configuration reloaded" "$(journal | tail -n 5)" until_true 10 in_journal 'configuration reloaded from'

# --- log priorities in the journal ------------------------------------------
echo 'log_level = "info"; no_such_option = 1;' >/etc/gemreclaim/gemreclaimd.conf
systemctl reload $u
until_true 10 sh -c "journalctl --no-pager -o cat -u $u -p err | grep -q 'no_such_option'"
errs=$(journal -p err)
infos=$(journal -p info)
note "journalctl -p err -u $u:"
echo "$errs" | sed 's/^/#   /'
check "-p err has the rejected option" "not there" sh -c "echo \"\$1\" | grep -q no_such_option" - "$errs"
check "-p err has no info line" "$(echo "$errs" | grep 'running\|taking over')" \
	sh -c "! echo \"\$1\" | grep -q 'taking over\|running'" - "$errs"
check "-p info has the info lines" "$(echo "$infos" | head -n 5)" \
	sh -c "echo \"\$1\" | grep -q 'taking over' && echo \"\$1\" | grep -q 'running'" - "$infos"
check "PRIORITY=6 on an info line" "$(journalctl --no-pager -u $u -o verbose | grep -m3 PRIORITY)" \
	sh -c "journalctl --no-pager -u $u -o verbose --grep 'taking over' | grep -q 'PRIORITY=6'"
check "bad file on reload keeps the daemon" "ActiveState $(prop ActiveState) MainPID $(prop MainPID)" \
	sh -c "systemctl -q is-active $u && [ \"\$(systemctl show -p MainPID --value $u)\" = $pid ]"
printf 'log_level = "info";\nbaseline = { idle_threshold_ms = 4321; };\n' >/etc/gemreclaim/gemreclaimd.conf
systemctl reload $u

# --- gpusim unloaded and loaded again ------------------------------------------
modprobe -r gpusim || bad "modprobe -r gpusim" "failed"
check "unload followed: card forgotten" "$(journal | tail -n 5)" until_true 20 in_journal "$card removed"
check "unload followed: STATUS 0 devices" "StatusText '$(prop StatusText)'" until_true 10 status_has '0 devices'
check "still running without a card" "ActiveState $(prop ActiveState)" is_active
n=$(journal | grep -c "taking over $card")
modprobe gpusim || bad "modprobe gpusim again" "failed"
check "reload followed: card taken over again" "$(journal | tail -n 5)" \
	until_true 20 sh -c "[ \$(journalctl --no-pager -o cat -u $u | grep -c 'taking over $card') -gt $n ]"
check "reload followed: STATUS 1 device" "StatusText '$(prop StatusText)'" until_true 10 status_has '1 device'
check "same process throughout" "MainPID $(prop MainPID)" [ "$(prop MainPID)" = "$pid" ]

# --- watchdog ----------------------------------------------------------------
check "shipped unit: WatchdogSec=30s" "WatchdogUSec $(prop WatchdogUSec)" [ "$(prop WatchdogUSec)" = 30s ]
# The shipped 30 s would cost a minute of TCG time: a drop-in shortens it to
# 5 s (the daemon pings at half the interval it is given: 2.5 s of slack on
# a contended host), and the service must stay up for 3 intervals.
mkdir -p /run/systemd/system/$u.d
printf '[Service]\nWatchdogSec=5s\n' >/run/systemd/system/$u.d/watchdog.conf
systemctl daemon-reload
systemctl restart $u
until_true 30 is_active
pid=$(prop MainPID)
w1=$(prop WatchdogTimestampMonotonic)
note "WatchdogUSec $(prop WatchdogUSec), MainPID $pid, last ping at $w1"
sleep 15
w2=$(prop WatchdogTimestampMonotonic)
check "watchdog: up past 3 x WatchdogSec" "ActiveState $(prop ActiveState) Result $(prop Result)" is_active
check "watchdog: same process, no restart" "MainPID $(prop MainPID) NRestarts $(prop NRestarts)" \
	sh -c "[ \"\$(systemctl show -p MainPID --value $u)\" = $pid ] && [ \"\$(systemctl show -p NRestarts --value $u)\" = 0 ]"
check "watchdog: pings seen" "WatchdogTimestampMonotonic $w1 -> $w2" [ "$w2" -gt "$w1" ]
check "no watchdog timeout in the journal" "$(journalctl --no-pager -u $u | grep -i watchdog)" \
	sh -c "! journalctl --no-pager -u $u | grep -qi 'watchdog timeout'"

# --- stop --------------------------------------------------------------------
# The daemon restores at stop what it found at start.
systemctl stop $u
echo 777 >"$K/idle_threshold_ms"
systemctl start $u
until_true 30 is_active
check "start: the daemon wrote the baseline" "idle_threshold_ms $(cat $K/idle_threshold_ms)" \
	until_true 10 sh -c "[ \$(cat $K/idle_threshold_ms) = 4321 ]"
systemctl stop $u
check "stop: knob restored" "idle_threshold_ms $(cat $K/idle_threshold_ms)" [ "$(cat $K/idle_threshold_ms)" = 777 ]
check "stop: inactive, not failed" "ActiveState $(prop ActiveState) Result $(prop Result)" \
	sh -c "[ \"\$(systemctl show -p ActiveState --value $u)\" = inactive ] && [ \"\$(systemctl show -p Result --value $u)\" = success ]"

note "journal of $u:"
journal | tail -n 40 | sed 's/^/#   /'
[ $failed = 0 ] || fail "some cases failed (CASE not ok above)"
echo "all systemd cases passed"
