# SPDX-License-Identifier: GPL-2.0-only
# Synthetic vmcores with a kernel log, for the dmesg tests. Source it after
# tests/lib/tap.sh, with $GEN (tests/gen/mkvmcore) and $OUT (a scratch
# directory) set.

# make_core NAME LINES...: $OUT/NAME.vmcore from a spec of 128 MiB of
# zero-filled RAM, LINES, and the log lines of ${LOGS:-$OUT/logs}.
make_core() {
	name=$1
	shift
	{
		echo "ram = 0x1000-0x9f000, 0x100000-0x8000000"
		echo "default_fill = zero"
		for l in "$@"; do echo "$l"; done
		cat "${LOGS:-$OUT/logs}"
	} >"$OUT/$name.spec"
	"$GEN" "$OUT/$name.spec" "$OUT/$name.vmcore" 2>"$OUT/$name.generr" ||
		tap_not_ok "$name: mkvmcore" "$(cat "$OUT/$name.generr")"
}
