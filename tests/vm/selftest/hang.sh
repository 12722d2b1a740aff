# A script that never ends: the harness must stop the guest at --timeout.
while :; do sleep 1; done
