#!/bin/sh
# Replays every file of every fuzzer's corpus once (libFuzzer runs file
# arguments once each and stops at the first crash).
# Usage: replay.sh BIN_DIR FUZZER...
bindir=$1
shift
total=0
for f in "$@"; do
	dir=tests/fuzz/corpus/$f
	n=$(find "$dir" -type f | wc -l)
	if [ "$n" -eq 0 ]; then
		echo "fuzz-replay: $f has no corpus in $dir"
		exit 1
	fi
	# xargs keeps the argument list within limits for big corpora.
	if ! find "$dir" -type f -print0 | xargs -0 "$bindir/$f" -rss_limit_mb=4096 \
		>"$bindir/$f.replay.log" 2>&1; then
		tail -50 "$bindir/$f.replay.log"
		echo "fuzz-replay: $f FAILED"
		exit 1
	fi
	echo "fuzz-replay: $f: $n inputs ok"
	total=$((total + n))
done
echo "fuzz-replay: $total inputs replayed, 0 failed"
