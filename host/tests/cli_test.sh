#!/bin/sh
# End-to-end tests of the nto CLI against the fake launcher
# (host/tests/fake_launch.c), which prints the image and boot records.
# usage: sh host/tests/cli_test.sh path/to/nto-fake
set -u
NTO=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
T=$(mktemp -d "${TMPDIR:-/tmp}/nto-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
n=0

ok() { n=$((n + 1)); }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "FAIL: $*"; }

# expect STATUS CMD...: runs CMD, output in $T/out and $T/err
expect() {
	want=$1; shift
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" = "$want" ]; then ok; else bad "$* -> exit $got, want $want: $(cat "$T/err")"; fi
}
has() { if grep -qF -- "$2" "$T/$1"; then ok; else bad "$1 lacks '$2': $(cat "$T/$1")"; fi; }
hasnt() { if grep -qF -- "$2" "$T/$1"; then bad "$1 has '$2'"; else ok; fi; }

cd "$T"
printf '\177ELF fake program\n' >prog
chmod 755 prog
printf '#!/bin/sh -e\necho hi\n' >script.sh
chmod 755 script.sh
printf '#!%s/script.sh\n' "$T" >script2
chmod 755 script2
printf 'data\n' >data.txt
mkdir dir

# help, version, usage errors
expect 0 "$NTO" --help;              has out "usage: nto run"
expect 0 "$NTO" --version;           has out "nto "
expect 0 "$NTO" run --help;          has out "--enclave-size"; has out "host environment"
expect 2 "$NTO";                     has err "usage"
expect 2 "$NTO" frobnicate;          has err "unknown command"
expect 2 "$NTO" run;                 has err "missing PROGRAM"
expect 2 "$NTO" run --bogus ./prog;  has err "unknown option '--bogus'"
expect 2 "$NTO" run --env;           has err "needs a value"
expect 2 "$NTO" run --env NOEQUALS ./prog
expect 2 "$NTO" run --env =x ./prog
expect 2 "$NTO" run --mount nocolon ./prog
expect 2 "$NTO" run --mount "$T/dir:relative" ./prog
expect 2 "$NTO" run --mount "$T/dir:/" ./prog
expect 2 "$NTO" run --mount "$T/data.txt:/d" ./prog; has err "Not a directory"
expect 2 "$NTO" run --mount "$T/missing:/d" ./prog; has err "No such file"
expect 2 "$NTO" run --cwd relative ./prog
expect 2 "$NTO" run --enclave-size 12Q ./prog
expect 2 "$NTO" run --enclave-size 0 ./prog
expect 2 "$NTO" run --add "$T/dir:/x" ./prog; has err "Is a directory"
expect 2 "$NTO" run --platform riscv64 ./prog; has err "riscv64-vm)"
expect 2 "$NTO" run --platform nope ./prog; has err "available: sgx-sim"

# program lookup
expect 127 "$NTO" run ./missing;     has err "nto: ./missing: No such file or directory"
expect 127 "$NTO" run no-such-cmd-xyz; has err "nto: no-such-cmd-xyz: No such file or directory"
expect 126 "$NTO" run ./dir;         has err "Is a directory"
expect 126 "$NTO" run /dev/null;     has err "not a regular file"
PATH="$T:$PATH" expect 0 "$NTO" run prog;  has out "exec [/bin/prog]"; has out "arg [prog]"

# a run: boot records in order, options stop at PROGRAM
expect 0 "$NTO" run --env A=1 --env=B=2=3 --cwd /tmp --mount "$T/dir:/data:ro" \
	--mount "$T/dir:/rw" --strace ./prog -la --env X=Y
has out "exec [/bin/prog]"
has out "arg [./prog]"
has out "arg [-la]"
has out "arg [--env]"
has out "arg [X=Y]"
has out "env [A=1]"
has out "env [B=2=3]"
hasnt out "env [X=Y]"
hasnt out "env [PATH="
has out "cwd [/tmp]"
has out "mount id=0 flags=1 /data"
has out "mount id=1 flags=0 /rw"
has out "flags 1"
has out "enclave 1073741824"
has out "entry /bin/prog mode 100755"
tr '\n' ' ' <out | grep -q 'exec \[/bin/prog\] arg \[./prog\] arg \[-la\] arg \[--env\] arg \[X=Y\] env \[A=1\]' && ok || bad "record order: $(cat out)"

# exit status is the launcher's
FAKE_LAUNCH_EXIT=42 expect 42 "$NTO" run ./prog

# enclave sizes and verbose lines
expect 0 "$NTO" run --enclave-size 256M ./prog; has out "enclave 268435456"
expect 0 "$NTO" run --enclave-size 2048M ./prog; has out "enclave 2147483648"
expect 0 "$NTO" run --verbose --enclave-size 1G ./prog
has err "nto: platform sgx-sim, enclave 1 GiB"
has err "nto: measurement "
has out "flags 2"

# scripts pack their interpreter chain at the interpreters' own paths
expect 0 "$NTO" run ./script2 a b
has out "exec [/bin/script2]"
has out "entry $T/script.sh mode"
has out "entry /bin/sh mode"
printf '#!relative/interp\n' >rel.sh
expect 126 "$NTO" run ./rel.sh;      has err "absolute path"
printf '#!/nonexistent/interp\n' >gone.sh
expect 126 "$NTO" run ./gone.sh;     has err "bad interpreter"
printf '#!%s/loop.sh\n' "$T" >loop.sh
expect 126 "$NTO" run ./loop.sh;     has err "too many levels"

# --add, and two different files at one guest path
expect 0 "$NTO" run --add "$T/data.txt:/etc/data.txt" ./prog
has out "entry /etc/data.txt mode 100644 size 5"
has out "entry /etc mode 40755"
expect 2 "$NTO" run --add "$T/data.txt:/bin/prog" ./prog; has err "two files"

# measure: only the packed files matter
m1=$("$NTO" measure ./prog)
m2=$("$NTO" measure --env A=1 --mount "$T/dir:/d" --cwd /x --enclave-size 4G --strace ./prog arg1 arg2)
m3=$(cd dir && "$NTO" measure ../prog)
[ ${#m1} -eq 64 ] && ok || bad "measure output '$m1'"
[ "$m1" = "$m2" ] && ok || bad "args/env/mounts changed the measurement"
[ "$m1" = "$m3" ] && ok || bad "the host path changed the measurement"
"$NTO" run --verbose ./prog >/dev/null 2>err
grep -qF "nto: measurement $m1" err && ok || bad "run --verbose measurement differs from measure"
touch -d 2001-01-01 prog
[ "$("$NTO" measure ./prog)" = "$m1" ] && ok || bad "a timestamp changed the measurement"
printf '\177ELF fake programX' >prog
[ "$("$NTO" measure ./prog)" != "$m1" ] && ok || bad "new bytes kept the measurement"
printf '\177ELF fake program\n' >prog
chmod 700 prog
[ "$("$NTO" measure ./prog)" != "$m1" ] && ok || bad "a mode change kept the measurement"
chmod 755 prog
cp prog other
[ "$("$NTO" measure ./other)" != "$m1" ] && ok || bad "a new guest path kept the measurement"
m4=$("$NTO" measure --add "$T/data.txt:/etc/x" ./prog)
[ "$m4" != "$m1" ] && ok || bad "--add kept the measurement"

echo "cli: $n checks, $fails failed"
[ "$fails" = 0 ]
