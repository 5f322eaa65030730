#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Enforce the dependency order written in Makefile.am and README.md:
#   common/ <- arch/ <- kexec/, makedumpfile/, kdumpctl/, vmcore-dmesg/
# A quoted #include must resolve to the file's own directory or to a layer
# below it; a tool never includes another tool's headers.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
cd "${KX_SRCDIR:-.}" || exit 99

# allowed DIR: directories whose headers DIR may include.
allowed() {
	case $1 in
	common*) echo "common" ;;
	arch*) echo "common arch" ;;
	kexec*|makedumpfile*|kdumpctl*|vmcore-dmesg*) echo "common arch ${1%%/*}" ;;
	esac
}

for layer in common arch kexec makedumpfile kdumpctl vmcore-dmesg; do
	bad=""
	for f in $(find "$layer" -name '*.[ch]' | sort); do
		dir=$(dirname "$f")
		for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
			[ "$inc" = config.h ] && continue
			[ -f "$dir/$inc" ] && continue
			found=""
			for a in $(allowed "$f"); do
				if [ -f "$a/$inc" ]; then found=$a; break; fi
			done
			[ -n "$found" ] || bad="$bad $f:$inc"
		done
	done
	if [ -z "$bad" ]; then
		tap_ok "$layer/ includes only what lies below it"
	else
		tap_not_ok "$layer/ includes only what lies below it" $bad
	fi
done
tap_done
