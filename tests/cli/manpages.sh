#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The man pages: each renders without a single groff or man warning, and
# every long option a program accepts (in its --help text and in its
# getopt_long table) is described in its page, so a new option cannot be
# added without documenting it. Cross references between our pages name
# pages that exist.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"

B=${KX_BUILDDIR:-.}
S=${KX_SRCDIR:-.}
PAGES="makedumpfile/makedumpfile.8 makedumpfile/makedumpfile.conf.5 kexec/kexec.8
	vmcore-dmesg/vmcore-dmesg.8 kdumpctl/kdumpctl.8 kdumpctl/kdump.conf.5"

have_man=no
command -v man >/dev/null 2>&1 && have_man=yes

for page in $PAGES; do
	if [ ! -f "$S/$page" ]; then
		tap_not_ok "$page: exists"
		continue
	fi
	if [ $have_man = no ]; then
		tap_skip "$page: renders without warnings" "man (man-db) not installed"
		continue
	fi
	warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$S/$page" 2>&1 >/dev/null)
	tap_check "$page: renders without warnings" "" "$warnings"
	text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -E UTF-8 -l "$S/$page" 2>/dev/null)
	tap_check "$page: has NAME, SYNOPSIS, DESCRIPTION and SEE ALSO" 4 \
		"$(printf '%s\n' "$text" | grep -cE '^(NAME|SYNOPSIS|DESCRIPTION|SEE ALSO)$')"
done

# The page's text with roff escapes for hyphens and fonts undone, comments
# dropped: "\-\-work\-dir" reads "--work-dir".
plain() {
	grep -v '^\.\\"' "$S/$1" | sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\c//g; s/\\&//g'
}

# check_options PROG PAGE MIN: every long option PROG's --help prints and
# every name in its source's getopt_long tables appears in PAGE, and at
# least MIN were found (an extraction that finds nothing must not pass).
check_options() {
	prog=$1 page=$2 min=$3
	shift 3
	help=$("$B/$prog" --help 2>&1)
	from_help=$(printf '%s\n' "$help" | grep -oE -- '--[A-Za-z0-9][A-Za-z0-9_-]*' | sort -u)
	from_src=$(cat "$@" | grep -oE '^[[:space:]]*\{ "[A-Za-z0-9][A-Za-z0-9_-]*",' |
		sed 's/.*"\(.*\)",/--\1/' | sort -u)
	all=$(printf '%s\n%s\n' "$from_help" "$from_src" | grep -v '^$' | sort -u)
	n=$(printf '%s\n' "$all" | grep -c .)
	if [ "$n" -ge "$min" ]; then
		tap_ok "$prog: $n long options found in --help and the source"
	else
		tap_not_ok "$prog: $n long options found in --help and the source (want >= $min)"
	fi
	text=$(plain "$page")
	missing=""
	for opt in $all; do
		printf '%s\n' "$text" | grep -qE -- "(^|[^A-Za-z0-9_-])$opt([^A-Za-z0-9_-]|\$)" ||
			missing="$missing $opt"
	done
	tap_check "$page: documents every long option of $prog" "" "$missing"
}

check_options makedumpfile/makedumpfile makedumpfile/makedumpfile.8 20 \
	"$S/makedumpfile/options.c"
check_options kexec/kexec kexec/kexec.8 40 "$S/kexec/options.c"
check_options vmcore-dmesg/vmcore-dmesg vmcore-dmesg/vmcore-dmesg.8 2 "$S/vmcore-dmesg/main.c"

# kdumpctl(8) names every command kdumpctl's usage line lists.
usage=$("$B/kdumpctl/kdumpctl" 2>&1 | grep -o '{[^}]*}' | head -1 | tr -d '{}' | tr '|' '\n' | sed 's/ .*//')
text=$(plain kdumpctl/kdumpctl.8)
missing=""
for cmd in $usage; do
	printf '%s\n' "$text" | grep -qw -- "$cmd" || missing="$missing $cmd"
done
tap_check "kdumpctl.8: documents every command of the usage line ($(echo $usage | wc -w))" "" "$missing"

# The dump levels table of makedumpfile(8) names each class with its bit.
text=$(plain makedumpfile/makedumpfile.8)
for row in "1|pages filled with zeros" "2|page cache pages that are not private" \
	   "4|all page cache pages" "8|user process data" "16|free pages"; do
	tap_match "makedumpfile.8: dump level ${row%%|*}" "^${row%%|*}\|${row#*|}" "$text"
done

# Exit codes: each page lists the statuses its program uses.
tap_match "kexec.8: exit statuses 253, 254, 255" "253.*254.*255" \
	"$(plain kexec/kexec.8 | grep -E '^\.B (253|254|255)$' | tr '\n' ' ')"
vd_codes=$("$B/vmcore-dmesg/vmcore-dmesg" --help | sed -n '/Exit status/,$p' |
	grep -oE '(^|[ ;:])[0-9]+ ' | tr -dc '0-9 \n' | tr -s ' \n' '\n\n' | grep . | sort -n | tr '\n' ' ')
pg_codes=$(plain vmcore-dmesg/vmcore-dmesg.8 | grep -oE '^[0-9]+\|' | tr -d '|' | sort -n | tr '\n' ' ')
tap_check "vmcore-dmesg.8: the exit statuses of --help" "$vd_codes" "$pg_codes"

# SEE ALSO and other references to our own pages name pages that exist.
for page in $PAGES; do
	refs=$(plain "$page" | grep -oE '^\.BR (makedumpfile|makedumpfile\.conf|kexec|vmcore-dmesg) \([0-9]\)' |
		sed 's/^\.BR \(.*\) (\([0-9]\))/\1.\2/' | sort -u)
	bad=""
	for r in $refs; do
		found=no
		for p in $PAGES; do [ "${p##*/}" = "$r" ] && found=yes; done
		[ $found = yes ] || bad="$bad $r"
	done
	tap_check "$page: references to our pages exist" "" "$bad"
done

tap_done
