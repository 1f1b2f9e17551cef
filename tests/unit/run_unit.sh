#!/bin/sh
# Runs each cmocka suite binary given, then prints one closing total line.
# Exits non-zero if any suite fails or crashes.
passed=0
failed=0
bad=""
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ]; then
		bad="$bad $(basename "$t")"
		[ -z "$f" ] && failed=$((failed + 1))
	fi
done
[ -n "$bad" ] && echo "unit: failing suites:$bad"
echo "unit: $passed passed, $failed failed"
[ -z "$bad" ]
