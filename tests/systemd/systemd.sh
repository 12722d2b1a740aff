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
# - systemctl stop restores the knobs;
# - the Debian package gemreclaim-daemon (v1, then v1+up1) replaces make
#   install's files: dpkg -i installs, enables and starts it; a local edit
#   of gemreclaimd.conf survives the upgrade, which restarts the daemon;
#   dpkg -r keeps the conffile, dpkg -P removes it.
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

# --- the Debian package: install, upgrade, remove, purge --------------------
# gemreclaim-daemon of git HEAD (v1) and the same rebuilt as v1+up1 (v2),
# put in the image by mkimage. make install's files (outside lib/modules:
# the modules stay, the package has none) are removed first, so that the
# package's install is a first install, as on a board: dpkg would overwrite
# the unowned program files anyway, but would treat the unowned, changed
# gemreclaimd.conf as a conffile conflict (prompt, or .dpkg-dist).
pkg=gemreclaim-daemon
debs=/usr/lib/gemreclaim-test/deb
cf=/etc/gemreclaim/gemreclaimd.conf
v1=$(dpkg-deb -f $debs/v1.deb Version)
v2=$(dpkg-deb -f $debs/v2.deb Version)
note "package test: $pkg $v1 -> $v2"
pkg_t0=$(cut -d" " -f1 /proc/uptime)
export DEBIAN_FRONTEND=noninteractive
dpkg_s() { dpkg -s $pkg 2>/dev/null | sed -n "s/^$1: //p"; }
dpkg_run() { # LOG ARGS...: dpkg, no terminal; its output in LOG, shown on failure
	l=$1; shift
	dpkg "$@" </dev/null >"$l" 2>&1 && return 0
	sed 's/^/#   dpkg: /' "$l"
	return 1
}
rm -rf /run/systemd/system/$u.d   # the 5 s watchdog drop-in: the unit as shipped
systemctl stop $u
while read -r f; do rm -f "$f"; done </usr/lib/gemreclaim-test/make-install.files
rmdir /etc/gemreclaim 2>/dev/null
systemctl daemon-reload
check "package: make install's files removed first" "$(ls -l /usr/sbin/gemreclaimd $cf 2>&1 | tr '\n' ' ')" \
	sh -c "[ ! -e /usr/sbin/gemreclaimd ] && [ ! -e $cf ] && [ \"\$(systemctl show -p LoadState --value $u)\" = not-found ]"
k0=$(cat $K/idle_threshold_ms)
[ "$k0" != 2468 ] || { echo 1 >$K/idle_threshold_ms; k0=1; }

# v1: a first install; the postinst enables and starts the unit.
dpkg_run /tmp/dpkg-v1.log -i $debs/v1.deb
check "package: dpkg -i $v1 succeeds" "exit status non-zero" [ $? = 0 ]
check "package: dpkg -s says installed, $v1" "Status '$(dpkg_s Status)' Version '$(dpkg_s Version)'" \
	[ "$(dpkg_s Status)/$(dpkg_s Version)" = "install ok installed/$v1" ]
check "package: it owns the unit, the rule, the conffile" "$(dpkg -S /lib/systemd/system/$u /lib/udev/rules.d/70-gemreclaim.rules $cf 2>&1 | tr '\n' ' ')" \
	sh -c "dpkg -S /lib/systemd/system/$u /lib/udev/rules.d/70-gemreclaim.rules $cf | grep -c '^$pkg: ' | grep -qx 3 &&
		dpkg-query -W -f='\${Conffiles}' $pkg | grep -q ' $cf '"
check "package: unit known to systemd and enabled" "LoadState $(prop LoadState) UnitFileState $(prop UnitFileState)" \
	sh -c "[ \"\$(systemctl show -p LoadState --value $u)\" = loaded ] && [ \"\$(systemctl is-enabled $u)\" = enabled ] &&
		[ -L /etc/systemd/system/multi-user.target.wants/$u ]"
check "package: the postinst started the daemon; READY=1 (active)" "ActiveState $(prop ActiveState) SubState $(prop SubState)" \
	until_true 30 is_active
pid1=$(prop MainPID)
check "package: the daemon has the card (STATUS 1 device)" "StatusText '$(prop StatusText)'" until_true 10 status_has '1 device'
check "package: the packaged binaries, $v1" "$(readlink /proc/$pid1/exe); $(gemreclaimctl --version 2>&1)" \
	sh -c "[ \"\$(readlink /proc/$pid1/exe)\" = /usr/sbin/gemreclaimd ] && gemreclaimctl --version | grep -qF '${v1%%-*}' &&
		! gemreclaimctl --version | grep -qF '+up1'"

# A local edit of the conffile: a baseline the restarted daemon will apply.
sed -i 's/^baseline = {$/&\n  idle_threshold_ms = 2468; # local edit (systemd.sh)/' $cf
check "package: conffile edited" "$(grep -n -A2 '^baseline' $cf | tr '\n' ' ')" \
	grep -q '^  idle_threshold_ms = 2468; # local edit' $cf
cp $cf /tmp/edited.conf

# v2: an upgrade; the conffile is unchanged in the package, so dpkg keeps the
# edit without asking (no --force-conf*: a prompt would fail on /dev/null),
# and the postinst restarts the daemon.
dpkg_run /tmp/dpkg-v2.log -i $debs/v2.deb
check "package: dpkg -i $v2 (upgrade) succeeds" "exit status non-zero" [ $? = 0 ]
check "package: dpkg -s says installed, $v2" "Status '$(dpkg_s Status)' Version '$(dpkg_s Version)'" \
	[ "$(dpkg_s Status)/$(dpkg_s Version)" = "install ok installed/$v2" ]
check "upgrade: the local edit of $cf kept" "$(diff /tmp/edited.conf $cf)" cmp -s /tmp/edited.conf $cf
check "upgrade: no .dpkg-new/.dpkg-dist/.dpkg-old left" "$(ls -a /etc/gemreclaim | tr '\n' ' ')" \
	sh -c "! ls -a /etc/gemreclaim | grep -q '\.dpkg-' && ! grep -q 'Configuration file' /tmp/dpkg-v2.log"
check "upgrade: the daemon restarted, active" "MainPID $pid1 -> $(prop MainPID), ActiveState $(prop ActiveState)" \
	until_true 30 sh -c "[ \"\$(systemctl show -p MainPID --value $u)\" != $pid1 ] && systemctl -q is-active $u"
pid2=$(prop MainPID)
check "upgrade: the new binaries, $v2" "$(gemreclaimctl --version 2>&1)" \
	sh -c "gemreclaimctl --version | grep -qF '+up1' && [ \"\$(readlink /proc/$pid2/exe)\" = /usr/sbin/gemreclaimd ]"
check "upgrade: the restarted daemon applies the kept edit (knob 2468)" "idle_threshold_ms $(cat $K/idle_threshold_ms)" \
	until_true 10 sh -c "[ \$(cat $K/idle_threshold_ms) = 2468 ]"

# dpkg -r: the program goes, the conffile stays; dpkg -P: the conffile too.
dpkg_run /tmp/dpkg-r.log -r $pkg
check "package: dpkg -r succeeds" "exit status non-zero" [ $? = 0 ]
check "remove: dpkg -s says config-files" "Status '$(dpkg_s Status)'" [ "$(dpkg_s Status)" = "deinstall ok config-files" ]
check "remove: program, unit and rule gone" "$(ls /usr/sbin/gemreclaimd /usr/bin/gemreclaimctl /lib/systemd/system/$u /lib/udev/rules.d/70-gemreclaim.rules 2>/dev/null | tr '\n' ' ')" \
	sh -c "[ ! -e /usr/sbin/gemreclaimd ] && [ ! -e /usr/bin/gemreclaimctl ] && [ ! -e /lib/systemd/system/$u ] && [ ! -e /lib/udev/rules.d/70-gemreclaim.rules ]"
check "remove: the daemon stopped, the knob restored" "ActiveState $(prop ActiveState) idle_threshold_ms $(cat $K/idle_threshold_ms) (was $k0)" \
	sh -c "[ \"\$(systemctl show -p ActiveState --value $u)\" != active ] && ! [ -d /proc/$pid2 ] && [ \$(cat $K/idle_threshold_ms) = $k0 ]"
check "remove: the edited conffile left" "$(ls -l $cf 2>&1)" cmp -s /tmp/edited.conf $cf
dpkg_run /tmp/dpkg-P.log -P $pkg
check "package: dpkg -P succeeds" "exit status non-zero" [ $? = 0 ]
check "purge: not known to dpkg any more" "$(dpkg -s $pkg 2>&1 | head -n 3 | tr '\n' ' ')" \
	sh -c "! dpkg -s $pkg >/dev/null 2>&1 || [ \"\$(dpkg-query -W -f='\${Status}' $pkg)\" = 'unknown ok not-installed' ]"
check "purge: conffile and enable link gone" "$(ls -la /etc/gemreclaim /etc/systemd/system/multi-user.target.wants/$u 2>&1 | tr '\n' ' ')" \
	sh -c "[ ! -e $cf ] && [ ! -d /etc/gemreclaim ] && [ ! -L /etc/systemd/system/multi-user.target.wants/$u ]"
note "package test: $(awk -v t0="$pkg_t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime)s"

[ $failed = 0 ] || fail "some cases failed (CASE not ok above)"
echo "all systemd cases passed"
