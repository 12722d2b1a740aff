# A script that fails: the harness must report its status (1).
echo "failing on purpose"
exit 1
