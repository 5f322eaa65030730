# SPDX-License-Identifier: GPL-2.0-only
# tests/e2e/lib.sh: building and running x86_64 QEMU guests that run
# Debian 12's kernel, for tests on real kexec, kdump and /proc/vmcore.
# Source it from a POSIX shell script. Nothing here runs kexec, reboots or
# touches /proc/sysrq-trigger on the host: all of that happens in guests.
#
# Environment:
#   KX_BUILDDIR    build tree (default .); KX_SRCDIR source tree
#   KX_E2E_CACHE   cache of downloads, kernels, tools and vmcores
#                  (default $KX_BUILDDIR/e2e-cache; point it outside the
#                  build tree to share it between builds)
#   KX_E2E_KERNEL  Debian kernel flavour to use, e.g. 6.1.0-56-amd64
#                  (default: what linux-image-amd64 depends on, or the
#                  newest one already in the cache when apt knows nothing)
#
# The pieces, each usable alone:
#   e2e_fetch_kernel             Debian's vmlinuz, config and modules -> $E2E_KDIR
#   e2e_fetch_debian_tools       Debian's kexec, makedumpfile, vmcore-dmesg
#                                out of their .debs -> $E2E_DEBIAN_{KEXEC,MAKEDUMPFILE,VMCORE_DMESG}
#   e2e_fetch_modtree            a virtio/ext4 part of /lib/modules/<kver> with
#                                depmod's files -> $E2E_MODTREE
#   e2e_fetch_dbg_vmlinux        the debug vmlinux for crash -> $E2E_DBG_VMLINUX
#   e2e_fetch_dbg_modules FILE...  debug .ko files of modules, in a tree
#                                standing for "/" -> $E2E_DBG_ROOT
#   e2e_build_hog                tests/e2e/hog.c, static -> $E2E_HOG
#   e2e_initramfs_begin DIR      busybox + modules + the guest helper library
#   e2e_initramfs_add_prog DIR HOSTPATH GUESTPATH   a program and its shared libraries
#   e2e_initramfs_add_file DIR HOSTPATH GUESTPATH [MODE]
#   e2e_initramfs_pack DIR OUT   newc cpio, gzip'ed
#   e2e_build_kdump_guest OUTDIR a first-kernel initrd that can arm a capture
#                                kernel (see its comment: parameters are variables)
#   e2e_install_tree DESTDIR     make install DESTDIR=... of the build tree
#   e2e_build_kdumpctl_guest OUT DESTDIR UUID  a first kernel whose kdump
#                                service is our kdumpctl (see its comment)
#   e2e_make_disk IMG MIB        an empty ext4 image
#   e2e_make_dump_disk IMG MIB UUID  an ext4 image with /var/crash
#   e2e_disk_dumpdirs IMG        the directories in its /var/crash
#   e2e_disk_get IMG PATH OUT    copy one file out of an ext4 image (debugfs)
#   e2e_tap_need_host NAME       (TAP scripts) skip NAME's tests without QEMU
#                                or another host tool
#   e2e_tap_capture NAME MEM CPUS TMP  (TAP scripts) a cached real vmcore:
#                                skips NAME's tests when QEMU or host tools are
#                                missing, fails when the capture does -> $E2E_VDIR
#   e2e_fetch_debian_root        a Debian 12 root made by debootstrap (systemd,
#                                initramfs-tools, Debian's kernel installed with
#                                its initrd), cached -> $E2E_DEBROOT
#   e2e_unbuilt PROG...          the first of this build's programs not built
#   e2e_tap_need_host, e2e_tap_need_suite, e2e_tap_fetch_all, e2e_tap_skip_all,
#   e2e_tap_fail_all             the same for TAP tests: skip or fail, and end
#   e2e_fetch_all LOG            kernel, modules tree and Debian's tools; 2 = offline
#   e2e_qemu_run ...             boot a guest under timeout with a serial log
#                                (E2E_QEMU_REBOOT=1: a reboot boots again)
#   e2e_print_log LOG [N]        the last N lines of a log, as TAP comments

: "${KX_BUILDDIR:=.}"
if [ -z "${KX_SRCDIR:-}" ]; then
	KX_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
fi
E2E_CACHE=${KX_E2E_CACHE:-$KX_BUILDDIR/e2e-cache}
case $E2E_CACHE in /*) ;; *) E2E_CACHE=$(pwd)/$E2E_CACHE ;; esac
E2E_DIR=$KX_SRCDIR/tests/e2e
# Modules the guests load; their dependencies are added in load order.
# crc32c_generic is ext4's soft dependency (crc32c-intel needs SSE4.2,
# which QEMU's default TCG CPU does not have).
E2E_MODULES=${E2E_MODULES:-"virtio_pci virtio_blk crc32c_generic ext4 qemu_fw_cfg"}

e2e_log() {
	echo "e2e: $*" >&2
}

# e2e_now: milliseconds since the epoch.
e2e_now() {
	echo $(($(date +%s%N) / 1000000))
}

# e2e_secs START_MS [END_MS]: elapsed seconds with one decimal.
e2e_secs() {
	_e2e_end=${2:-$(e2e_now)}
	_e2e_ms=$((_e2e_end - $1))
	printf '%d.%d' $((_e2e_ms / 1000)) $((_e2e_ms % 1000 / 100))
}

# e2e_missing_tools: prints the host programs the harness needs that are
# not installed (empty when all are there).
e2e_missing_tools() {
	_e2e_missing=
	for _e2e_t in qemu-system-x86_64 busybox cpio gzip timeout flock \
			mkfs.ext4 debugfs objcopy gcc dpkg-deb apt-get ldd; do
		command -v "$_e2e_t" >/dev/null 2>&1 ||
			[ -x "/sbin/$_e2e_t" ] || [ -x "/usr/sbin/$_e2e_t" ] ||
			_e2e_missing="$_e2e_missing $_e2e_t"
	done
	echo "${_e2e_missing# }"
}

# e2e_tap_skip_all NAME REASON, e2e_tap_fail_all WHAT [DETAIL...]: end a
# TAP test (tests/lib/tap.sh) here, NAME's tests skipped, or WHAT failed.
e2e_tap_skip_all() {
	tap_skip "$1" "$2"
	tap_done
	exit 0
}
e2e_tap_fail_all() {
	tap_not_ok "$@"
	tap_done
	exit 1
}

# e2e_tap_need_host NAME: for a TAP test, end the script with NAME's tests
# skipped when QEMU or another host tool is missing.
e2e_tap_need_host() {
	command -v qemu-system-x86_64 >/dev/null 2>&1 ||
		e2e_tap_skip_all "$1" "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
	_e2e_missing=$(e2e_missing_tools)
	[ -z "$_e2e_missing" ] || e2e_tap_skip_all "$1" "host tools missing: $_e2e_missing"
}

# e2e_tap_need_suite: for a TAP test that installs the whole suite into a
# guest, end the script with a failure when a program is not built.
e2e_tap_need_suite() {
	_e2e_u=$(e2e_unbuilt kdumpctl/kdumpctl kexec/kexec makedumpfile/makedumpfile vmcore-dmesg/vmcore-dmesg)
	[ -z "$_e2e_u" ] || e2e_tap_fail_all "$_e2e_u is built"
}

# e2e_tap_fetch_all NAME LOG: e2e_fetch_all for a TAP test; offline, the
# script ends with NAME's tests skipped, on any other failure it fails.
e2e_tap_fetch_all() {
	e2e_fetch_all "$2"
	case $? in
	0) ;;
	2) e2e_tap_skip_all "$1" "cannot download Debian's kernel: $(tail -n 3 "$2" | tr '\n' ' ')" ;;
	*) e2e_tap_fail_all "fetch Debian's kernel, modules and tools" "$(cat "$2")" ;;
	esac
}

# e2e_tap_capture NAME MEM CPUS TMP: for a TAP test, the directory of a MEM
# MiB CPUS-CPU capture (tests/e2e/capture-vmcore.sh, cached) in E2E_VDIR,
# and its kernel in E2E_KVER. When it cannot be had, the script ends here:
# NAME's tests skipped (quick run, no QEMU, missing host tools,
# capture-vmcore.sh exiting 77) or a failed test.
e2e_tap_capture() {
	tap_skip_if_quick "$1"
	e2e_tap_need_host "$1"
	_e2e_t=$(e2e_now)
	sh "${KX_SRCDIR:-.}/tests/e2e/capture-vmcore.sh" --mem "$2" --cpus "$3" >"$4/capture.out" 2>"$4/capture.err"
	_e2e_st=$?
	[ $_e2e_st != 77 ] || e2e_tap_skip_all "$1" "capture-vmcore.sh cannot run here: $(cat "$4/capture.err")"
	E2E_VDIR=$(tail -n 1 "$4/capture.out")
	[ $_e2e_st = 0 ] && [ -f "$E2E_VDIR/vmcore.elf" ] ||
		e2e_tap_fail_all "capture a $2 MiB $3-CPU vmcore in QEMU" "capture-vmcore.sh exited $_e2e_st" \
			"$(cat "$4/capture.out" "$4/capture.err")"
	E2E_KVER=$(cat "$E2E_VDIR/kernel-version")
	tap_ok "capture a $2 MiB $3-CPU vmcore of $E2E_KVER in QEMU ($(e2e_secs "$_e2e_t") s)"
	sed '$d; s/^/# /' "$4/capture.out"
	grep -v "kernel:" "$E2E_VDIR/timings.txt" | sed 's/^/# /'
}

# The busybox to put into guests: it must be static (busybox-static).
e2e_busybox() {
	for _e2e_b in /bin/busybox /usr/bin/busybox; do
		if [ -x "$_e2e_b" ] && ! ldd "$_e2e_b" >/dev/null 2>&1; then
			echo "$_e2e_b"
			return 0
		fi
	done
	e2e_log "no static busybox (install busybox-static)"
	return 1
}

# _e2e_download DIR PKG[=VERSION]: apt-get download into DIR unless a .deb
# of that package is already there; prints the .deb's path.
_e2e_download() {
	_e2e_pkg=${2%%=*}
	mkdir -p "$1"
	_e2e_deb=$(ls "$1/${_e2e_pkg}"_*.deb 2>/dev/null | tail -n 1)
	if [ -z "$_e2e_deb" ]; then
		(cd "$1" && apt-get download -q "$2" >download.log 2>&1) || {
			cat "$1/download.log" >&2
			e2e_log "apt-get download $2 failed"
			return 1
		}
		_e2e_deb=$(ls "$1/${_e2e_pkg}"_*.deb 2>/dev/null | tail -n 1)
		[ -n "$_e2e_deb" ] || { e2e_log "apt-get download $2 left no .deb"; return 1; }
	fi
	echo "$_e2e_deb"
}

# e2e_kernel_version: the Debian kernel flavour to use (e.g. 6.1.0-56-amd64).
e2e_kernel_version() {
	if [ -n "${KX_E2E_KERNEL:-}" ]; then
		echo "$KX_E2E_KERNEL"
		return 0
	fi
	_e2e_v=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | head -n 1)
	if [ -z "$_e2e_v" ]; then
		# Offline: the newest kernel already extracted.
		_e2e_v=$(ls "$E2E_CACHE/kernel" 2>/dev/null | sort -V | tail -n 1)
	fi
	[ -n "$_e2e_v" ] || { e2e_log "cannot resolve linux-image-amd64's kernel version"; return 1; }
	echo "$_e2e_v"
}

# _e2e_modinfo KO FIELD: the values of FIELD in KO's .modinfo section.
_e2e_modinfo() {
	objcopy -O binary --only-section=.modinfo "$1" /dev/stdout 2>/dev/null |
		tr '\0' '\n' | sed -n "s/^$2=//p"
}

# _e2e_mod_order KDIR NAME...: appends NAME's dependencies then NAME to
# $KDIR/modules.order (each once), reading depends= from .modinfo, the
# data depmod writes modules.dep from (the .deb has no modules.dep; it is
# made by depmod at install time).
_e2e_mod_order() {
	_e2e_kd=$1
	shift
	for _e2e_m in "$@"; do
		_e2e_m=$(echo "$_e2e_m" | tr - _)
		grep -qx "$_e2e_m" "$_e2e_kd/modules.order" 2>/dev/null && continue
		_e2e_ko=$(awk -v m="$_e2e_m" '$1 == m { print $2; exit }' "$_e2e_kd/modules.index")
		[ -n "$_e2e_ko" ] || { e2e_log "module $_e2e_m not in the kernel package"; return 1; }
		case $_e2e_ko in
		*.ko.xz) xz -dc "$_e2e_ko" >"$_e2e_kd/modules/$_e2e_m.ko" ;;
		*.ko.zst) zstd -qdc "$_e2e_ko" >"$_e2e_kd/modules/$_e2e_m.ko" ;;
		*.ko.gz) gzip -dc "$_e2e_ko" >"$_e2e_kd/modules/$_e2e_m.ko" ;;
		*) cp "$_e2e_ko" "$_e2e_kd/modules/$_e2e_m.ko" ;;
		esac || return 1
		_e2e_deps=$(_e2e_modinfo "$_e2e_kd/modules/$_e2e_m.ko" depends | tr , ' ')
		# Recursion in POSIX sh shares variables: save ours first.
		if [ -n "$_e2e_deps" ]; then
			set -- "$_e2e_m" "$@"
			_e2e_mod_order "$_e2e_kd" $_e2e_deps || return 1
			_e2e_m=$1
		fi
		grep -qx "$_e2e_m" "$_e2e_kd/modules.order" 2>/dev/null ||
			echo "$_e2e_m" >>"$_e2e_kd/modules.order"
	done
}

# _e2e_locked FN [LOCK]: runs FN holding the cache's fetch lock (or
# .lock-LOCK), so that tests run in parallel by make -j never download or
# extract into the same directory at once (fd 8; capture-vmcore.sh holds
# fd 9).
_e2e_locked() {
	mkdir -p "$E2E_CACHE" || return 1
	exec 8>"$E2E_CACHE/.lock-${2:-fetch}"
	flock 8
	"$1"
	_e2e_rc=$?
	flock -u 8
	exec 8>&-
	return $_e2e_rc
}

e2e_fetch_kernel() { _e2e_locked _e2e_fetch_kernel_unlocked; }
e2e_fetch_debian_tools() { _e2e_locked _e2e_fetch_debian_tools_unlocked; }

# e2e_fetch_kernel: downloads Debian's kernel package (once) and extracts
# vmlinuz, config, System.map (a placeholder in Debian: the real map is in
# the -dbg package), the modules in $E2E_MODULES and their dependencies.
# Sets E2E_KVER and E2E_KDIR ($E2E_KDIR/vmlinuz, config, modules/*.ko,
# modules.order = load order).
_e2e_fetch_kernel_unlocked() {
	E2E_KVER=$(e2e_kernel_version) || return 1
	E2E_KDIR=$E2E_CACHE/kernel/$E2E_KVER
	if [ -f "$E2E_KDIR/.complete" ] && [ "$(cat "$E2E_KDIR/.complete")" = "$E2E_MODULES" ]; then
		return 0
	fi
	e2e_log "fetching Debian's linux-image-$E2E_KVER"
	rm -rf "$E2E_KDIR"
	mkdir -p "$E2E_KDIR/modules" "$E2E_KDIR/tree"
	_e2e_kdeb=$(_e2e_download "$E2E_CACHE/debs" "linux-image-$E2E_KVER") || return 1
	dpkg-deb --fsys-tarfile "$_e2e_kdeb" |
		tar -x -C "$E2E_KDIR/tree" ./boot ./lib/modules/"$E2E_KVER"/kernel || {
		e2e_log "cannot extract $_e2e_kdeb"
		return 1
	}
	cp "$E2E_KDIR/tree/boot/vmlinuz-$E2E_KVER" "$E2E_KDIR/vmlinuz" &&
		cp "$E2E_KDIR/tree/boot/config-$E2E_KVER" "$E2E_KDIR/config" &&
		cp "$E2E_KDIR/tree/boot/System.map-$E2E_KVER" "$E2E_KDIR/System.map" || return 1
	# NAME PATH of every module, NAME with "_" for "-" as the kernel does.
	find "$E2E_KDIR/tree/lib/modules" -name '*.ko*' |
		awk -F/ '{ n = $NF; sub(/\.ko.*$/, "", n); gsub("-", "_", n); print n, $0 }' >"$E2E_KDIR/modules.index"
	: >"$E2E_KDIR/modules.order"
	_e2e_mod_order "$E2E_KDIR" $E2E_MODULES || return 1
	rm -rf "$E2E_KDIR/tree" "$E2E_KDIR/modules.index"
	basename "$_e2e_kdeb" >"$E2E_KDIR/deb"
	echo "$E2E_MODULES" >"$E2E_KDIR/.complete"
	e2e_log "kernel $E2E_KVER: modules $(tr '\n' ' ' <"$E2E_KDIR/modules.order")"
}

e2e_fetch_modtree() { _e2e_locked _e2e_fetch_modtree_unlocked; }

# The part of Debian's /lib/modules/<kver> a virtio + ext4 guest needs, as a
# system would have it (kernel/... paths, modules.builtin from the package,
# modules.dep/.alias/.softdep written by depmod), for kdumpctl's initramfs
# builder; the whole tree (about 400 MB) would not fit a guest's RAM.
E2E_MODTREE_FILES="drivers/virtio/* drivers/block/virtio_blk.ko fs/ext4/* fs/jbd2/*
fs/mbcache.ko lib/crc16.ko lib/libcrc32c.ko crypto/crc32c_generic.ko
arch/x86/crypto/crc32c-intel.ko drivers/firmware/qemu_fw_cfg.ko"

# e2e_fetch_modtree (after e2e_fetch_kernel): sets E2E_MODTREE, a directory
# holding lib/modules/$E2E_KVER.
_e2e_fetch_modtree_unlocked() {
	E2E_MODTREE=$E2E_KDIR/modtree
	[ -f "$E2E_MODTREE/.complete" ] && return 0
	_e2e_depmod=$(command -v depmod || ls /usr/sbin/depmod /sbin/depmod 2>/dev/null | head -n 1)
	[ -n "$_e2e_depmod" ] || { e2e_log "no depmod (install kmod)"; return 1; }
	_e2e_kdeb=$(_e2e_download "$E2E_CACHE/debs" "linux-image-$E2E_KVER") || return 1
	rm -rf "$E2E_MODTREE"
	mkdir -p "$E2E_MODTREE"
	_e2e_md=./lib/modules/$E2E_KVER
	set -f
	set -- "$_e2e_md/modules.builtin" "$_e2e_md/modules.builtin.modinfo" "$_e2e_md/modules.order"
	for _e2e_f in $E2E_MODTREE_FILES; do
		set -- "$@" "$_e2e_md/kernel/$_e2e_f"
	done
	set +f
	dpkg-deb --fsys-tarfile "$_e2e_kdeb" | tar -x -C "$E2E_MODTREE" --wildcards "$@" || {
		e2e_log "cannot extract modules from $_e2e_kdeb"
		return 1
	}
	"$_e2e_depmod" -b "$E2E_MODTREE" "$E2E_KVER" || { e2e_log "depmod failed"; return 1; }
	: >"$E2E_MODTREE/.complete"
}

# e2e_fetch_debian_tools: Debian's kexec-tools and makedumpfile, taken out
# of their .debs (never installed: kexec-tools would arm kexec at boot).
# Sets E2E_DEBIAN_KEXEC, E2E_DEBIAN_MAKEDUMPFILE, E2E_DEBIAN_VMCORE_DMESG.
_e2e_fetch_debian_tools_unlocked() {
	_e2e_td=$E2E_CACHE/debian-tools
	E2E_DEBIAN_KEXEC=$_e2e_td/root/sbin/kexec
	E2E_DEBIAN_VMCORE_DMESG=$_e2e_td/root/sbin/vmcore-dmesg
	E2E_DEBIAN_MAKEDUMPFILE=$_e2e_td/root/usr/bin/makedumpfile
	[ -f "$_e2e_td/.complete" ] && return 0
	e2e_log "fetching Debian's kexec-tools and makedumpfile"
	rm -rf "$_e2e_td/root"
	mkdir -p "$_e2e_td/root"
	for _e2e_p in kexec-tools makedumpfile; do
		_e2e_deb=$(_e2e_download "$E2E_CACHE/debs" "$_e2e_p") || return 1
		dpkg-deb -x "$_e2e_deb" "$_e2e_td/root" || return 1
		basename "$_e2e_deb" >>"$_e2e_td/debs"
	done
	for _e2e_p in "$E2E_DEBIAN_KEXEC" "$E2E_DEBIAN_VMCORE_DMESG" "$E2E_DEBIAN_MAKEDUMPFILE"; do
		[ -x "$_e2e_p" ] || { e2e_log "$_e2e_p missing from the .debs"; return 1; }
	done
	: >"$_e2e_td/.complete"
}

e2e_fetch_dbg_vmlinux() { _e2e_locked _e2e_fetch_dbg_vmlinux_unlocked; }
e2e_fetch_dbg_modules() { _e2e_dbg_mods=$*; _e2e_locked _e2e_fetch_dbg_modules_unlocked; }

# e2e_fetch_dbg_vmlinux (E2E_KVER set, e.g. by e2e_fetch_kernel): the debug
# vmlinux of $E2E_KVER for crash(8), only that file out of
# linux-image-<kver>-dbg (an 860 MB .deb, deleted afterwards; installing it
# would take 5.6 GB). Sets E2E_DBG_VMLINUX.
_e2e_fetch_dbg_vmlinux_unlocked() {
	E2E_DBG_VMLINUX=$E2E_CACHE/dbg/vmlinux-$E2E_KVER
	[ -f "$E2E_DBG_VMLINUX" ] && return 0
	_e2e_dbg_missing=
	_e2e_dbg_extract
}

# e2e_fetch_dbg_modules FILE... (E2E_KVER set): the debug .ko of each
# module FILE (a file name without .ko, e.g. ext4 virtio_blk) out of the
# same package, below E2E_DBG_ROOT, a tree standing in for "/" as the
# package would install them:
#   $E2E_DBG_ROOT/usr/lib/debug/lib/modules/<kver>/kernel/.../FILE.ko
# Only the modules asked for are kept (ext4's is 19 MB, all of them 4 GB);
# $E2E_DBG_ROOT/.modules lists them. The vmlinux comes along when it is not
# cached yet, so one download serves both. Sets E2E_DBG_VMLINUX too.
_e2e_fetch_dbg_modules_unlocked() {
	E2E_DBG_VMLINUX=$E2E_CACHE/dbg/vmlinux-$E2E_KVER
	E2E_DBG_ROOT=$E2E_CACHE/dbg/root-$E2E_KVER
	_e2e_dbg_missing=
	for _e2e_m in $_e2e_dbg_mods; do
		grep -qx "$_e2e_m" "$E2E_DBG_ROOT/.modules" 2>/dev/null ||
			_e2e_dbg_missing="$_e2e_dbg_missing $_e2e_m"
	done
	[ -z "$_e2e_dbg_missing" ] && return 0
	_e2e_dbg_extract
}

# _e2e_dbg_extract: one pass over linux-image-<kver>-dbg (about two minutes
# of xz), taking the vmlinux when it is not cached and the debug .ko of
# each module file in $_e2e_dbg_missing.
_e2e_dbg_extract() {
	E2E_DBG_VMLINUX=$E2E_CACHE/dbg/vmlinux-$E2E_KVER
	E2E_DBG_ROOT=$E2E_CACHE/dbg/root-$E2E_KVER
	_e2e_dmd=./usr/lib/debug/lib/modules/$E2E_KVER/kernel
	set -f
	set --
	[ -f "$E2E_DBG_VMLINUX" ] || set -- "./usr/lib/debug/boot/vmlinux-$E2E_KVER"
	for _e2e_m in ${_e2e_dbg_missing:-}; do
		set -- "$@" "$_e2e_dmd/*/$_e2e_m.ko"
	done
	set +f
	e2e_log "fetching linux-image-$E2E_KVER-dbg for:$(printf ' %s' "$@")"
	mkdir -p "$E2E_CACHE/dbg" || return 1
	_e2e_ddeb=$(_e2e_download "$E2E_CACHE/dbg" "linux-image-$E2E_KVER-dbg") || return 1
	rm -rf "$E2E_CACHE/dbg/x"
	mkdir -p "$E2E_CACHE/dbg/x"
	# GNU tar's * matches "/" too: FILE.ko anywhere below kernel/.
	dpkg-deb --fsys-tarfile "$_e2e_ddeb" | tar -x -C "$E2E_CACHE/dbg/x" --wildcards "$@" || {
		e2e_log "cannot extract$(printf ' %s' "$@") from $_e2e_ddeb"
		rm -rf "$E2E_CACHE/dbg/x"
		return 1
	}
	if [ ! -f "$E2E_DBG_VMLINUX" ]; then
		mv "$E2E_CACHE/dbg/x/usr/lib/debug/boot/vmlinux-$E2E_KVER" "$E2E_DBG_VMLINUX" || return 1
	fi
	for _e2e_m in ${_e2e_dbg_missing:-}; do
		_e2e_ko=$(cd "$E2E_CACHE/dbg/x" && find "$_e2e_dmd" -name "$_e2e_m.ko" | head -n 1)
		[ -n "$_e2e_ko" ] || { e2e_log "no $_e2e_m.ko in $_e2e_ddeb"; return 1; }
		mkdir -p "$E2E_DBG_ROOT/${_e2e_ko%/*}" &&
			mv "$E2E_CACHE/dbg/x/$_e2e_ko" "$E2E_DBG_ROOT/$_e2e_ko" &&
			echo "$_e2e_m" >>"$E2E_DBG_ROOT/.modules" || return 1
	done
	rm -rf "$E2E_CACHE/dbg/x" "$_e2e_ddeb"
}

# e2e_build_hog: compiles tests/e2e/hog.c statically. Sets E2E_HOG.
e2e_build_hog() {
	E2E_HOG=$E2E_CACHE/bin/hog
	if [ -x "$E2E_HOG" ] && [ "$E2E_HOG" -nt "$E2E_DIR/hog.c" ]; then
		return 0
	fi
	mkdir -p "$E2E_CACHE/bin"
	gcc -static -O2 -std=c11 -Wall -o "$E2E_HOG.tmp" "$E2E_DIR/hog.c" &&
		mv "$E2E_HOG.tmp" "$E2E_HOG" || { e2e_log "cannot build hog (gcc -static)"; return 1; }
}

# e2e_initramfs_begin DIR: a fresh initramfs tree with static busybox and
# its applets, the modules of $E2E_KDIR with /etc/kx-modules (load order),
# and /etc/kx-e2e.sh, the guest's helper library. /init is the caller's.
e2e_initramfs_begin() {
	_e2e_root=$1
	rm -rf "$_e2e_root"
	mkdir -p "$_e2e_root"/bin "$_e2e_root"/lib/modules "$_e2e_root"/lib64 \
		"$_e2e_root"/etc "$_e2e_root"/proc "$_e2e_root"/sys "$_e2e_root"/dev \
		"$_e2e_root"/mnt "$_e2e_root"/tmp "$_e2e_root"/usr "$_e2e_root"/root || return 1
	ln -s bin "$_e2e_root/sbin"
	ln -s ../bin "$_e2e_root/usr/bin"
	ln -s ../bin "$_e2e_root/usr/sbin"
	_e2e_bb=$(e2e_busybox) || return 1
	cp "$_e2e_bb" "$_e2e_root/bin/busybox" || return 1
	for _e2e_a in $("$_e2e_bb" --list); do
		[ "$_e2e_a" = busybox ] || ln -s busybox "$_e2e_root/bin/$_e2e_a"
	done
	: >"$_e2e_root/etc/kx-modules"
	while read -r _e2e_m; do
		cp "$E2E_KDIR/modules/$_e2e_m.ko" "$_e2e_root/lib/modules/" || return 1
		echo "/lib/modules/$_e2e_m.ko" >>"$_e2e_root/etc/kx-modules"
	done <"$E2E_KDIR/modules.order"
	cp "$E2E_DIR/guest-lib.sh" "$_e2e_root/etc/kx-e2e.sh"
}

# e2e_initramfs_add_file DIR HOSTPATH GUESTPATH [MODE]
e2e_initramfs_add_file() {
	mkdir -p "$1$(dirname "$3")" && cp -L "$2" "$1$3" && chmod "${4:-644}" "$1$3"
}

# e2e_initramfs_add_prog DIR HOSTPATH GUESTPATH: the program and every
# shared library ldd resolves for it on the host (Debian 12 host = Debian
# 12 guest userland), at the same paths, plus the dynamic loader.
e2e_initramfs_add_prog() {
	e2e_initramfs_add_file "$1" "$2" "$3" 755 || return 1
	ldd "$2" >/dev/null 2>&1 || return 0   # static
	if ldd "$2" | grep -q 'not found'; then
		e2e_log "$2: shared libraries missing on the host:"
		ldd "$2" | grep 'not found' >&2
		return 1
	fi
	for _e2e_lib in $(ldd "$2" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
		[ -e "$1$_e2e_lib" ] && continue
		e2e_initramfs_add_file "$1" "$_e2e_lib" "$_e2e_lib" 755 || return 1
	done
}

# e2e_initramfs_pack DIR OUT: a gzip'ed newc cpio of DIR, owned by root.
e2e_initramfs_pack() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -6 >"$2.tmp" && mv "$2.tmp" "$2"
}

# e2e_build_kdump_guest OUTDIR: builds a kdump-capable guest:
#   OUTDIR/capture.img  the capture kernel's initramfs
#   OUTDIR/initrd.img   the first kernel's: capture.img with, appended as a
#                       second cpio member, /vmlinuz and /initrd.img (=
#                       capture.img) for `kexec -p`
# Both run the same /init, which tells the kernels apart by /proc/vmcore.
# Parameters (variables; E2E_KDIR must be set by e2e_fetch_kernel):
#   E2E_INIT          host path of /init (required)
#   E2E_KEXEC         kexec for the first kernel, put at /sbin/kexec
#   E2E_MAKEDUMPFILE  put at /sbin/makedumpfile (optional)
#   E2E_VMCORE_DMESG  put at /sbin/vmcore-dmesg (optional)
#   E2E_HOG           put at /sbin/hog (optional)
#   E2E_EXTRA         "HOST:GUEST ..." more programs (with their libraries)
#   E2E_CONF          text for /etc/kx-e2e.conf, sourced by the guest library
e2e_build_kdump_guest() {
	_e2e_out=$1
	mkdir -p "$_e2e_out"
	_e2e_t=$_e2e_out/tree
	e2e_initramfs_begin "$_e2e_t" || return 1
	e2e_initramfs_add_file "$_e2e_t" "$E2E_INIT" /init 755 || return 1
	[ -z "${E2E_KEXEC:-}" ] || e2e_initramfs_add_prog "$_e2e_t" "$E2E_KEXEC" /bin/kexec || return 1
	[ -z "${E2E_MAKEDUMPFILE:-}" ] ||
		e2e_initramfs_add_prog "$_e2e_t" "$E2E_MAKEDUMPFILE" /bin/makedumpfile || return 1
	[ -z "${E2E_VMCORE_DMESG:-}" ] ||
		e2e_initramfs_add_prog "$_e2e_t" "$E2E_VMCORE_DMESG" /bin/vmcore-dmesg || return 1
	[ -z "${E2E_HOG:-}" ] || e2e_initramfs_add_prog "$_e2e_t" "$E2E_HOG" /bin/hog || return 1
	for _e2e_x in ${E2E_EXTRA:-}; do
		e2e_initramfs_add_prog "$_e2e_t" "${_e2e_x%%:*}" "${_e2e_x#*:}" || return 1
	done
	printf '%s\n' "${E2E_CONF:-}" >"$_e2e_t/etc/kx-e2e.conf"
	echo "KX_KVER=$E2E_KVER" >>"$_e2e_t/etc/kx-e2e.conf"
	e2e_initramfs_pack "$_e2e_t" "$_e2e_out/capture.img" || return 1
	_e2e_t2=$_e2e_out/tree-first
	rm -rf "$_e2e_t2"
	mkdir -p "$_e2e_t2"
	cp "$E2E_KDIR/vmlinuz" "$_e2e_t2/vmlinuz" &&
		cp "$_e2e_out/capture.img" "$_e2e_t2/initrd.img" || return 1
	e2e_initramfs_pack "$_e2e_t2" "$_e2e_out/extra.img" || return 1
	cat "$_e2e_out/capture.img" "$_e2e_out/extra.img" >"$_e2e_out/initrd.img" || return 1
	rm -rf "$_e2e_t2" "$_e2e_out/extra.img"
}

# e2e_install_tree DESTDIR: `make install DESTDIR=DESTDIR` of $KX_BUILDDIR
# (MAKEFLAGS dropped: this may run inside `make check`). Sets
# E2E_SYSCONFDIR, the directory that received kdump.conf.
e2e_install_tree() {
	rm -rf "$1"
	(unset MAKEFLAGS MFLAGS MAKELEVEL; make -C "$KX_BUILDDIR" install DESTDIR="$1") \
		>"$1.log" 2>&1 || { cat "$1.log" >&2; e2e_log "make install failed"; return 1; }
	E2E_SYSCONFDIR=$(cd "$1" && find . -name kdump.conf -type f | head -n 1)
	E2E_SYSCONFDIR=${E2E_SYSCONFDIR%/kdump.conf}
	E2E_SYSCONFDIR=${E2E_SYSCONFDIR#.}
	[ -f "$1$E2E_SYSCONFDIR/sysconfig/kdump" ] ||
		{ e2e_log "make install put no kdump.conf and sysconfig/kdump"; return 1; }
}

# e2e_build_kdumpctl_guest OUT DESTDIR UUID: OUT/initrd.img, a first-kernel
# root whose kdump service is our kdumpctl: busybox, the E2E modules loaded
# at boot (/etc/kx-modules), DESTDIR (e2e_install_tree) with every program's
# shared libraries, /etc/kdump.conf and /etc/sysconfig/kdump as installed
# plus `ext4 UUID=UUID` (the dump disk), /boot/vmlinuz-<kver> and
# config-<kver>, /lib/modules/<kver> (e2e_fetch_modtree), the host's
# ld.so.conf (where Debian's libraries are) and /init = kdumpctl-init.sh.
# Needs E2E_KDIR, E2E_KVER, E2E_MODTREE and E2E_SYSCONFDIR.
e2e_build_kdumpctl_guest() {
	_e2e_t=$1/tree
	e2e_initramfs_begin "$_e2e_t" || return 1
	e2e_initramfs_add_file "$_e2e_t" "$E2E_DIR/kdumpctl-init.sh" /init 755 || return 1
	cp -a "$2/." "$_e2e_t/" || return 1
	for _e2e_p in $(cd "$2" && find . -type f -perm -u+x -path '*bin/*'); do
		_e2e_p=${_e2e_p#.}
		e2e_initramfs_add_prog "$_e2e_t" "$2$_e2e_p" "$_e2e_p" || return 1
	done
	e2e_initramfs_add_file "$_e2e_t" "$2$E2E_SYSCONFDIR/kdump.conf" /etc/kdump.conf &&
		printf '\n# the e2e dump disk\next4 UUID=%s\n' "$3" >>"$_e2e_t/etc/kdump.conf" &&
		e2e_initramfs_add_file "$_e2e_t" "$2$E2E_SYSCONFDIR/sysconfig/kdump" \
			/etc/sysconfig/kdump &&
		e2e_initramfs_add_file "$_e2e_t" "$E2E_KDIR/vmlinuz" "/boot/vmlinuz-$E2E_KVER" &&
		e2e_initramfs_add_file "$_e2e_t" "$E2E_KDIR/config" "/boot/config-$E2E_KVER" || return 1
	mkdir -p "$_e2e_t/lib/modules" "$_e2e_t/etc/ld.so.conf.d" &&
		cp -a "$E2E_MODTREE/lib/modules/$E2E_KVER" "$_e2e_t/lib/modules/" || return 1
	[ ! -f /etc/ld.so.conf ] || cp /etc/ld.so.conf "$_e2e_t/etc/"
	cp /etc/ld.so.conf.d/*.conf "$_e2e_t/etc/ld.so.conf.d/" 2>/dev/null
	printf '%s\n' "${E2E_CONF:-}" >"$_e2e_t/etc/kx-e2e.conf"
	e2e_initramfs_pack "$_e2e_t" "$1/initrd.img"
}

# e2e_make_dump_disk IMG MIB UUID: an ext4 image with that UUID holding an
# empty /var/crash, as a dump target by UUID.
e2e_make_dump_disk() {
	rm -rf "$1" "$1.skel"
	mkdir -p "$1.skel/var/crash" &&
		truncate -s "${2}M" "$1" &&
		mkfs.ext4 -F -q -L kxdump -U "$3" -d "$1.skel" \
			-E lazy_itable_init=1,lazy_journal_init=1 "$1" >/dev/null 2>&1 || {
		e2e_log "mkfs.ext4 $1 failed"
		return 1
	}
	rm -rf "$1.skel"
}

# e2e_disk_dumpdirs IMG: the names in /var/crash of the image.
e2e_disk_dumpdirs() {
	debugfs -R "ls -p /var/crash" "$1" 2>/dev/null |
		awk -F/ '$6 != "." && $6 != ".." && $6 != "" { print $6 }'
}

# e2e_make_disk IMG MIB: a sparse ext4 image of MIB MiB.
e2e_make_disk() {
	rm -f "$1"
	truncate -s "${2}M" "$1" &&
		mkfs.ext4 -F -q -L kxdump -E lazy_itable_init=1,lazy_journal_init=1 "$1" >/dev/null 2>&1 || {
		e2e_log "mkfs.ext4 $1 failed"
		return 1
	}
}

# e2e_disk_get IMG GUESTPATH OUT: copies a file out of the ext4 image (no
# mount, no root). Fails when it is not there.
e2e_disk_get() {
	rm -f "$3"
	debugfs -R "dump -p $2 $3" "$1" >/dev/null 2>"$3.debugfs" || true
	if [ ! -f "$3" ] || grep -q 'File not found' "$3.debugfs"; then
		e2e_log "$2 is not on $1: $(cat "$3.debugfs")"
		rm -f "$3" "$3.debugfs"
		return 1
	fi
	rm -f "$3.debugfs"
}

# e2e_disk_ls IMG: the root directory of the image.
e2e_disk_ls() {
	debugfs -R "ls -l /" "$1" 2>/dev/null
}

# e2e_qemu_run LOG TIMEOUT MEM_MIB CPUS KERNEL INITRD APPEND [DISK]:
# boots an x86_64 guest under TCG (KVM cannot run Debian's kernel on these
# hosts) with the serial console in LOG and QEMU's own messages in
# LOG.qemu. -no-reboot makes a reboot or a panic (with panic=N) end QEMU;
# with E2E_QEMU_REBOOT=1 a reboot boots KERNEL and INITRD again instead
# (only a power-off or the timeout ends QEMU).
# Returns QEMU's status, 124 when TIMEOUT seconds ran out.
e2e_qemu_run() {
	_e2e_qlog=$1 _e2e_to=$2 _e2e_mem=$3 _e2e_cpus=$4
	_e2e_kernel=$5 _e2e_initrd=$6 _e2e_append=$7 _e2e_disk=${8:-}
	rm -f "$_e2e_qlog"
	if [ -n "$_e2e_disk" ]; then
		set -- -drive "file=$_e2e_disk,format=raw,if=virtio,cache=unsafe"
	else
		set --
	fi
	_e2e_noreboot=-no-reboot
	[ "${E2E_QEMU_REBOOT:-0}" != 1 ] || _e2e_noreboot=
	timeout -k 10 "$_e2e_to" qemu-system-x86_64 -accel tcg -machine pc \
		-m "$_e2e_mem" -smp "$_e2e_cpus" \
		-nodefaults -display none -monitor none $_e2e_noreboot \
		-serial "file:$_e2e_qlog" \
		-kernel "$_e2e_kernel" -initrd "$_e2e_initrd" -append "$_e2e_append" \
		"$@" </dev/null >"$_e2e_qlog.qemu" 2>&1
}

# e2e_print_log LOG [N]: the last N (default 60) lines of LOG as "# " lines.
e2e_print_log() {
	echo "# ---- last ${2:-60} lines of $1 ----"
	tail -n "${2:-60}" "$1" 2>/dev/null | tr -d '\r' | sed 's/^/# /'
	[ -s "$1.qemu" ] && sed 's/^/# qemu: /' "$1.qemu"
	echo "# ----"
}

# e2e_marker LOG NAME: the uptime printed with guest marker NAME ("" if none).
e2e_marker() {
	tr -d '\r' <"$1" | sed -n "s/^KX-E2E: $2 uptime=\([0-9.]*\).*/\1/p" | tail -n 1
}

# (Its own lock: debootstrap takes minutes, the other fetches need not wait.)
e2e_fetch_debian_root() { _e2e_locked _e2e_fetch_debian_root_unlocked debian-root; }

# What the Debian root holds beyond debootstrap's minbase: systemd as init,
# udev (/dev/disk links), initramfs-tools and linux-base for the kernel
# package, and the shared libraries of our programs.
E2E_DEBROOT_PACKAGES="systemd,systemd-sysv,udev,kmod,linux-base,initramfs-tools,\
e2fsprogs,procps,libelf1,libdw1,liblzma5,libzstd1,liblzo2-2,zlib1g,libbz2-1.0"

# e2e_fetch_debian_root (after e2e_fetch_kernel; needs root and debootstrap):
# a Debian 12 (bookworm) root made by `debootstrap --variant=minbase` from
# $KX_E2E_MIRROR (default http://deb.debian.org/debian), with Debian's
# linux-image-$E2E_KVER installed by dpkg in the chroot (its postinst runs
# depmod and update-initramfs: /boot/initrd.img-$E2E_KVER boots a virtio
# root). No service is started in the chroot (policy-rc.d) and nothing of
# the host is mounted into it. Cached in $E2E_CACHE/debian-root/$E2E_KVER;
# sets E2E_DEBROOT (the tree).
_e2e_fetch_debian_root_unlocked() {
	_e2e_rd=$E2E_CACHE/debian-root/$E2E_KVER
	E2E_DEBROOT=$_e2e_rd/root
	[ -f "$_e2e_rd/.complete" ] && return 0
	_e2e_dbs=$(command -v debootstrap || ls /usr/sbin/debootstrap 2>/dev/null)
	[ -n "$_e2e_dbs" ] || { e2e_log "debootstrap is not installed (apt-get install debootstrap)"; return 1; }
	[ "$(id -u)" = 0 ] || { e2e_log "debootstrap needs root"; return 1; }
	_e2e_kdeb=$(_e2e_download "$E2E_CACHE/debs" "linux-image-$E2E_KVER") || return 1
	rm -rf "$_e2e_rd"
	mkdir -p "$_e2e_rd" || return 1
	e2e_log "debootstrap bookworm into $E2E_DEBROOT"
	"$_e2e_dbs" --variant=minbase --include="$E2E_DEBROOT_PACKAGES" bookworm "$E2E_DEBROOT" \
		"${KX_E2E_MIRROR:-http://deb.debian.org/debian}" >"$_e2e_rd/debootstrap.log" 2>&1 || {
		tail -n 20 "$_e2e_rd/debootstrap.log" >&2
		e2e_log "debootstrap failed (log: $_e2e_rd/debootstrap.log)"
		return 1
	}
	printf '#!/bin/sh\nexit 101\n' >"$E2E_DEBROOT/usr/sbin/policy-rc.d" &&
		chmod 755 "$E2E_DEBROOT/usr/sbin/policy-rc.d" &&
		cp "$_e2e_kdeb" "$E2E_DEBROOT/tmp/linux-image.deb" || return 1
	# MODULES=most (initramfs-tools' default) puts virtio_blk and ext4 in.
	chroot "$E2E_DEBROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive dpkg -i /tmp/linux-image.deb \
		>"$_e2e_rd/dpkg.log" 2>&1 || {
		tail -n 20 "$_e2e_rd/dpkg.log" >&2
		e2e_log "dpkg -i $(basename "$_e2e_kdeb") in the chroot failed"
		return 1
	}
	[ -f "$E2E_DEBROOT/boot/initrd.img-$E2E_KVER" ] || {
		e2e_log "the kernel's postinst made no /boot/initrd.img-$E2E_KVER"
		return 1
	}
	rm -f "$E2E_DEBROOT/tmp/linux-image.deb" "$E2E_DEBROOT/usr/sbin/policy-rc.d"
	rm -rf "$E2E_DEBROOT"/var/cache/apt/archives/*.deb "$E2E_DEBROOT"/var/lib/apt/lists/*_Packages
	: >"$_e2e_rd/.complete"
}

# e2e_make_root_disk IMG MIB TREE: an ext4 image holding TREE (owners and
# modes kept: run as root), the root file system of a guest.
e2e_make_root_disk() {
	rm -f "$1"
	truncate -s "${2}M" "$1" &&
		mkfs.ext4 -F -q -L kxroot -d "$3" -E lazy_itable_init=1,lazy_journal_init=1 "$1" \
			>"$1.log" 2>&1 || {
		cat "$1.log" >&2
		e2e_log "mkfs.ext4 -d $3 $1 failed"
		return 1
	}
	rm -f "$1.log"
}

# e2e_unbuilt PROG...: prints the first PROG (relative to $KX_BUILDDIR)
# that is not an executable, nothing when all are built.
e2e_unbuilt() {
	for _e2e_p in "$@"; do
		[ -x "$KX_BUILDDIR/$_e2e_p" ] || { echo "$_e2e_p"; return 0; }
	done
}

# e2e_fetch_all LOG: e2e_fetch_kernel, e2e_fetch_modtree and
# e2e_fetch_debian_tools, their messages into LOG. Returns 0, 2 when a
# download failed (offline, nothing cached: a reason to skip), 1 otherwise.
e2e_fetch_all() {
	{ e2e_fetch_kernel && e2e_fetch_modtree && e2e_fetch_debian_tools; } >"$1" 2>&1 && return 0
	grep -q 'apt-get download' "$1" && return 2
	return 1
}
