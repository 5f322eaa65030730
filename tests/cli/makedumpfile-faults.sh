#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# makedumpfile when the output runs out of room or a signal stops it: -L, a
# full device, SIGTERM/SIGINT/SIGHUP end with exit 1, "incomplete" on the
# console, the INCOMPLETE flag in the header, and every page written before
# the fault readable and intact.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
tap_mdf_setup

"$B/tests/gen/mkvmcore" "$S/tests/gen/examples/x86_64-6.1.spec" "$tmp/v.vmcore" >/dev/null 2>&1 ||
	{ echo "Bail out! mkvmcore failed"; exit 1; }

status_of() {
	"$PY" -c 'import struct,sys; d=open(sys.argv[1],"rb").read(464); print(hex(struct.unpack_from("<I",d,424)[0]))' "$1"
}

tap_run "-L 20M stops the dump and fails" 1 "$MDF" -l -d 31 -L 20M "$tmp/v.vmcore" "$tmp/lim.dump"
tap_match "it says the dump is incomplete" "This is an incomplete dumpfile" "$tap_out"
tap_match "and that makedumpfile failed" "makedumpfile Failed" "$tap_out"
tap_check "the file stops at the limit" "20971520" "$(stat -c %s "$tmp/lim.dump")"
tap_check "the header says INCOMPLETE|LZO" "0xa" "$(status_of "$tmp/lim.dump")"
if "$PY" -c 'import kdumpfile' 2>/dev/null; then
	tap_run "every page written before the limit reads back intact" 0 \
		"$PY" "$S/tests/tools/compare_dump.py" --incomplete "$tmp/v.vmcore" "$tmp/lim.dump"
	tap_match "and there are such pages" "^kept [1-9][0-9]* .* mismatches 0$" "$tap_out"
else
	tap_skip "pages before the limit read back" "python3-libkdumpfile not installed"
fi
if command -v crash >/dev/null 2>&1; then
	tap_run "crash still opens the incomplete dump" 0 crash --osrelease "$tmp/lim.dump"
fi

tap_run "a level list retries at the next level" 1 "$MDF" -d 0,31 -L 20M "$tmp/v.vmcore" "$tmp/retry.dump"
tap_match "it says so" "Retrying with dump level 31" "$tap_out"
tap_check "the last try's dump is kept, incomplete" "0x8" "$(status_of "$tmp/retry.dump")"

# A signal mid-dump (systemd stopping the service, ^C): the dump stops at a
# page boundary and is left INCOMPLETE, never torn. The shim raises the
# signal once 2 MiB have been written.
SHIM=$B/tests/tools/fault_shim.so
for sig in 15 2 1; do
	for mode in "" "--num-threads 2" "-E"; do
		name="signal $sig${mode:+ $mode}"
		rm -f "$tmp/sig.dump"
		opts="-c -d 0 $mode"
		[ "$mode" = -E ] && opts="-E -d 0"  # ELF output is never compressed
		# shellcheck disable=SC2086 # $opts are options
		tap_run "$name: the dump stops and fails" 1 env KX_SIGNAL_AFTER_BYTES=2097152 \
			KX_SIGNAL=$sig LD_PRELOAD="$SHIM" ASAN_OPTIONS=verify_asan_link_order=0 \
			"$MDF" $opts "$tmp/v.vmcore" "$tmp/sig.dump"
		tap_match "$name: it says why" "interrupted by a signal" "$tap_err"
		tap_match "$name: and that the dump is incomplete" "This is an incomplete dumpfile" "$tap_out"
		if [ "$mode" = -E ]; then
			tap_check "$name: e_flags says incomplete" 1 \
				"$(od -An -t u4 -j 48 -N 4 "$tmp/sig.dump" | tr -d ' ')"
			continue
		fi
		tap_check "$name: the header says INCOMPLETE|ZLIB" "0x9" "$(status_of "$tmp/sig.dump")"
		if "$PY" -c 'import kdumpfile' 2>/dev/null; then
			tap_run "$name: the pages written read back intact" 0 \
				"$PY" "$S/tests/tools/compare_dump.py" --incomplete "$tmp/v.vmcore" "$tmp/sig.dump"
			tap_match "$name: and there are such pages" "^kept [1-9][0-9]* .* mismatches 0$" "$tap_out"
		fi
	done
done

if [ -w /dev/full ]; then
	tap_run "a full device fails the dump" 1 "$MDF" -f -d 31 "$tmp/v.vmcore" /dev/full
	tap_match "naming the device and the error" "/dev/full: write: No space left on device" "$tap_err"
	# -F cannot mark a stream incomplete: it stops without the terminator,
	# and -R says at once that the stream is truncated.
	tap_run "-F to a full device fails the dump" 1 sh -c '"$1" -F -l -d 31 "$2" >/dev/full' sh \
		"$MDF" "$tmp/v.vmcore"
	tap_match "-F: naming STDOUT and the error" "STDOUT: write: No space left on device" "$tap_err"
	"$MDF" -F -l -d 31 "$tmp/v.vmcore" 2>/dev/null | head -c 3000000 >"$tmp/cut.flat"
	tap_run "-R of the cut stream fails at once" 1 sh -c '"$1" -R "$2" <"$3"' sh "$MDF" \
		"$tmp/cut.out" "$tmp/cut.flat"
	tap_match "-R: saying it is truncated" "truncated flattened stream" "$tap_err"
else
	tap_skip "a full device" "no writable /dev/full"
fi
tap_done
