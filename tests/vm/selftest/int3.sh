# An int3 Oops in the kernel log, as the emulator's cross-modifying-code
# race prints it: with $1 = 0f the trapping byte was patched back (a stale
# int3: vm/run boots again, keeping the first log), with $1 = cc the int3
# is still in the text (a real one: no second boot). Either way it fails.
echo "<1>Oops: int3: 0000 [#1] PREEMPT SMP NOPTI" >/dev/kmsg
echo "<1>RIP: 0010:get_random_u32+0x2a/0xf0" >/dev/kmsg
echo "<1>Code: f3 0f 1e fa 31 c0 $1 <1f> 44 00 00 9c 58" >/dev/kmsg
exit 0
