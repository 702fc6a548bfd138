# tap.sh: TAP for the shell tests (sourced).  Results are counted by .ci/run.
tap_n=0
tap_failed=0
ok() {   # ok CONDITION-EXIT-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		printf 'ok %d - %s\n' "$tap_n" "$2"
	else
		tap_failed=$((tap_failed + 1))
		printf 'not ok %d - %s\n' "$tap_n" "$2"
	fi
}
# check DESCRIPTION COMMAND...: run the command, ok when it exits 0
check() {
	desc=$1; shift
	if "$@"; then ok 0 "$desc"; else ok 1 "$desc"; fi
}
diag() { printf '# %s\n' "$*"; }
tap_done() {
	printf '1..%d\n' "$tap_n"
	[ "$tap_failed" -eq 0 ]
}
