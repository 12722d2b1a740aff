#!/bin/sh
# vm: --mem 256M --timeout 300
# Knob fuzz (issue 4): at least 10 000 malformed writes to the reclaim knobs
# of the first reclaim-capable card, through sysfs
# (/sys/class/drm/card<N>/device/reclaim) and debugfs
# (/sys/kernel/debug/dri/<N>/reclaim), serially and from several concurrent
# writers. Passes when every malformed write fails, every knob (in both
# views) still shows what it showed before, concurrent valid writers of
# policy leave one of the values they wrote, and a debugfs write continued
# at a non-zero offset is rejected. A sign or a space around a number
# ('+5', ' 5': kstrtou64 alone takes a leading '+') fails with EINVAL in
# particular, for the numeric knobs of both views and for the debugfs
# shrink file, and changes nothing. Skips while no device exposes the knobs.
. /tests/guest/lib.sh

sysdir=
for d in /sys/class/drm/card*/device/reclaim; do
	[ -d "$d" ] && { sysdir=$d; break; }
done
[ -n "$sysdir" ] || skip "no /sys/class/drm/card*/device/reclaim (no device with the reclaim control plane)"
card=${sysdir#/sys/class/drm/card}
card=${card%%/*}
dbgdir=/sys/kernel/debug/dri/$card/reclaim
[ -d "$dbgdir" ] || { note "no $dbgdir: sysfs only"; dbgdir=; }
note "knobs: $sysdir ${dbgdir:-}"

KNOBS="policy idle_threshold_ms min_resident_mb swapout_min_idle_ms refault_protect_ms"
VIEWS="$sysdir $dbgdir"

# state: sets $s to every knob of every view, in one string (builtins only,
# no subshell: this runs after every write). Its loop variables are its
# own: the callers loop over $v and $k around it.
state() {
	s=
	for sv in $VIEWS; do
		for sk in $KNOBS available_policies; do
			read -r x <"$sv/$sk" || x="<unreadable>"
			s="$s$sk=$x;"
		done
	done
}

# Malformed values, as echo -e escapes, per knob. None may be accepted.
BAD_POLICY='bogus|discard discard|discard\tswapout|discard\n\n|Discard|discard,swapout|disc\0001ard|\0377|swapout discard swapout|discard\r|idle-vm-first-|-|discard\0000swapout|\tdiscard|discard\x7f|5000|discard\nswapout|lru|discard \xc3\xa9|swapout\n\n\n'
BAD_NUM='-1|abc| 5|5 |0x10|1e3|99999999999999999999999|5\n\n|5\t|+-5|5ms|\n|1.5|\0000|5\0000|discard|1 2|\x35\x00|+5|+5\n|+0|+1234|-0'
# Signs and blanks around a number: each must fail with EINVAL (not only
# fail), checked one by one below.
SIGNED_NUM='+5|+5\n|+0|+1234|+ 5|-0| 5| 5\n|  5|\t5|5 |5 \n|\n5'
SIGNED_SHRINK='+5|+5\n| 5|\t5|5 |+5 tgid=1|5 tgid=+1|5 tgid= 1|5  tgid=1|5\ttgid=1| 5 tgid=1|5 tgid=1 '
BAD_THRESHOLD='86400001|4294967296'
BAD_MIN='1048577|4294967296'

bad_values() { # KNOB
	case "$1" in
	policy) echo "$BAD_POLICY" ;;
	idle_threshold_ms | swapout_min_idle_ms | refault_protect_ms) echo "$BAD_NUM|$BAD_THRESHOLD" ;;
	min_resident_mb) echo "$BAD_NUM|$BAD_MIN" ;;
	esac
}

# A value longer than the parsers accept (and one longer than a page).
long=$(printf '%0300d' 0)
huge=$(printf '%05000d' 0)

serial_target=8000 want=10000 random=100
# debug kernel: 2000 serial writes took 112 s and 400 random ones 59 s
if [ "${GR_KERNEL:-stock}" = debug ]; then
	serial_target=400 want=5000 random=10
fi

state
before=$s
note "before: $before"
t0=$(date +%s)
total=0
unexpected=0

# try FILE VALUE: a malformed write; count it, and fail on success.
# busybox echo -e takes the escapes of the lists above and reports a failed
# write in its status.
# shellcheck disable=SC3037
try() {
	total=$((total + 1))
	if echo -ne "$2" 2>/dev/null >"$1"; then
		unexpected=$((unexpected + 1))
		echo "accepted: '$2' -> $1"
	fi
}

# einval FILE VALUE: the write of VALUE (echo -e escapes) must fail with
# EINVAL; busybox reports the failed write's error on stderr.
# shellcheck disable=SC3037
einval() {
	total=$((total + 1))
	if err=$( { echo -ne "$2" >"$1"; } 2>&1); then
		unexpected=$((unexpected + 1))
		echo "accepted: '$2' -> $1 (want EINVAL)"
		return
	fi
	case "$err" in
	*"Invalid argument"*) ;;
	*) unexpected=$((unexpected + 1)); echo "'$2' -> $1: $err (want EINVAL)" ;;
	esac
}

# Signed and blank-padded numbers: EINVAL, and nothing changes (the shrink
# file's last result and the reclaim stats included).
shrink_state() {
	sh_state=
	[ -n "$dbgdir" ] && sh_state="$(cat "$dbgdir/shrink") $(grep -v scan_calls "$dbgdir/stats" | tr '\n' ' ')"
}
# restore: put every knob back as it was before (after a write that
# changed one, so that the other cases still start from there)
restore() {
	for k in $KNOBS; do
		val=${before#*"$k="}
		echo "${val%%;*}" >"$sysdir/$k" || fail "cannot restore $k"
	done
}
shrink_state
shrink_before=$sh_state
changed=0
IFS='|'
for b in $SIGNED_NUM; do
	IFS=' '
	for v in $VIEWS; do
		for k in idle_threshold_ms min_resident_mb swapout_min_idle_ms refault_protect_ms; do
			einval "$v/$k" "$b"
			state
			if [ "$s" != "$before" ]; then
				echo "changed by '$b' -> $v/$k: $s"
				changed=$((changed + 1))
				restore
			fi
		done
	done
	IFS='|'
done
if [ -n "$dbgdir" ] && [ -e "$dbgdir/shrink" ]; then
	for b in $SIGNED_SHRINK; do
		IFS=' '
		einval "$dbgdir/shrink" "$b"
		IFS='|'
	done
	shrink_state
	[ "$sh_state" = "$shrink_before" ] || fail "rejected shrink requests changed the shrink file or the stats: $sh_state (was $shrink_before)"
fi
IFS=' '
state
[ "$s" = "$before" ] || fail "signed numbers changed a knob: $s"
note "signed and blank-padded numbers: $total writes, $unexpected not rejected with EINVAL, $changed changed a knob"
[ $unexpected = 0 ] && [ $changed = 0 ] ||
	fail "$unexpected signed or blank-padded numbers were not rejected with EINVAL, $changed changed a knob"

# Serial phase: after each malformed write, every knob is as it was.
round=0
while [ $total -lt $serial_target ]; do
	for v in $VIEWS; do
		for k in $KNOBS; do
			IFS='|'
			for b in $(bad_values "$k"); do
				IFS=' '
				try "$v/$k" "$b"
				state
				[ "$s" = "$before" ] || fail "after '$b' -> $v/$k: $s"
			done
			IFS=' '
			try "$v/$k" "$long"
			try "$v/$k" "$huge"
			try "$v/$k" "x$round"
		done
		try "$v/available_policies" "discard"
	done
	round=$((round + 1))
done
state
[ "$s" = "$before" ] || fail "serial phase changed a knob: $s"
note "serial phase: $total malformed writes, $unexpected accepted, $(($(date +%s) - t0)) s"
[ $unexpected = 0 ] || fail "$unexpected malformed writes were accepted"

# Random bytes (prefixed so that they can never be valid).
i=0
while [ $i -lt $random ]; do
	for k in $KNOBS; do
		{ printf 'x'; head -c $((i % 64 + 1)) /dev/urandom; } >/tmp/rnd
		if cat /tmp/rnd 2>/dev/null >"$sysdir/$k"; then
			fail "random write accepted by $sysdir/$k"
		fi
		total=$((total + 1))
	done
	i=$((i + 1))
done
state
[ "$s" = "$before" ] || fail "random writes changed a knob: $s"
note "after random bytes: $total malformed writes, $(($(date +%s) - t0)) s"

# Concurrent phase: malformed writers on every knob of both views, two
# valid writers alternating the policy between A and B, and a reader
# checking that policy always shows a whole value.
A='discard swapout'
B='swapout idle-vm-first'
orig_policy=$(cat "$sysdir/policy")
rm -f /tmp/fz.*
# shellcheck disable=SC3037
bad_writer() { # ID
	n=0 acc=0 r=0
	while [ $r -lt 12 ]; do
		for v in $VIEWS; do
			for k in idle_threshold_ms min_resident_mb swapout_min_idle_ms refault_protect_ms policy; do
				IFS='|'
				for b in $(bad_values "$k"); do
					IFS=' '
					n=$((n + 1))
					echo -ne "$b" 2>/dev/null >"$v/$k" && acc=$((acc + 1))
				done
				IFS=' '
			done
		done
		r=$((r + 1))
	done
	echo "$n $acc" >"/tmp/fz.bad.$1"
}
good_writer() { # ID
	n=0 err=0
	while [ $n -lt 300 ]; do
		for val in "$A" "$B"; do
			for v in $VIEWS; do
				echo "$val" 2>/dev/null >"$v/policy" || err=$((err + 1))
			done
		done
		n=$((n + 1))
	done
	echo "$err" >"/tmp/fz.good.$1"
}
reader() {
	torn=0
	while [ ! -e /tmp/fz.stop ]; do
		for v in $VIEWS; do
			read -r p <"$v/policy"
			case "$p" in
			"$A" | "$B" | "$orig_policy") ;;
			*) torn=$((torn + 1)); echo "reader saw '$p'" ;;
			esac
		done
	done
	echo "$torn" >/tmp/fz.reader
}

reader &
rpid=$!
pids=
for id in 1 2 3; do bad_writer $id & pids="$pids $!"; done
for id in 1 2; do good_writer $id & pids="$pids $!"; done
for p in $pids; do wait "$p"; done
touch /tmp/fz.stop
wait $rpid

for id in 1 2 3; do
	read -r n acc </tmp/fz.bad.$id
	total=$((total + n))
	[ "$acc" = 0 ] || fail "concurrent writer $id: $acc malformed writes accepted"
done
for id in 1 2; do
	read -r err </tmp/fz.good.$id
	[ "$err" = 0 ] || fail "valid writer $id: $err valid writes rejected"
done
read -r torn </tmp/fz.reader
[ "$torn" = 0 ] || fail "policy read back $torn times as neither value written"
note "after the concurrent phase: $total malformed writes, $(($(date +%s) - t0)) s"
final=$(cat "$sysdir/policy")
case "$final" in
"$A" | "$B") note "policy after concurrent writers: '$final'" ;;
*) fail "policy after concurrent writers: '$final'" ;;
esac
for v in $VIEWS; do
	for k in idle_threshold_ms min_resident_mb swapout_min_idle_ms refault_protect_ms available_policies; do
		[ "$(cat "$v/$k")" = "$(cat "$sysdir/$k")" ] || fail "$v/$k differs between views"
	done
	[ "$(cat "$v/policy")" = "$final" ] || fail "$v/policy differs between views"
done
echo "$orig_policy" >"$sysdir/policy" || fail "cannot restore policy"
state
[ "$s" = "$before" ] || fail "knobs changed by the concurrent phase: $s"

# A debugfs write continued on the same open file (offset != 0) is rejected
# after the first part was applied; sysfs applies each write on its own.
if [ -n "$dbgdir" ]; then
	if { echo swapout; echo discard; } 2>/dev/null >"$dbgdir/policy"; then
		fail "debugfs accepted a write at a non-zero offset"
	fi
	expect_eq "policy after a continued debugfs write" "$(cat "$dbgdir/policy")" swapout
	echo "$orig_policy" >"$sysdir/policy"
fi

# Valid writes still work in both views, and reach the other view.
for v in $VIEWS; do
	echo 1234 >"$v/idle_threshold_ms" || fail "valid write to $v/idle_threshold_ms"
	expect_eq "idle_threshold_ms via $v" "$(cat "$sysdir/idle_threshold_ms")" 1234
	echo >"$v/policy" || fail "empty chain rejected by $v"
	expect_eq "empty chain via $v" "$(cat "$sysdir/policy")" ""
done
for k in $KNOBS; do
	val=${before#*"$k="}
	echo "${val%%;*}" >"$sysdir/$k" || fail "cannot restore $k"
done
state
[ "$s" = "$before" ] || fail "could not restore the knobs: $s"

note "$total malformed writes rejected, every knob unchanged, $(($(date +%s) - t0)) s"
[ $total -ge $want ] || fail "only $total malformed writes (want >= $want)"
