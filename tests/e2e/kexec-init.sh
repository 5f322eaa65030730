#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of tests/e2e/test-kexec.sh's guest: OUR kexec on a real kernel. The
# same initramfs boots both kernels:
#   first kernel (no /proc/vmcore): kexec -S, kexec -c -p, -p -u, -d -c -p,
#     -s -p, each checked against /sys/kernel/kexec_crash_loaded, then arms
#     the capture kernel with the method named by kx_method=c|s on the
#     kernel command line and crashes through sysrq;
#   capture kernel: shows /proc/vmcore, runs our vmcore-dmesg and
#     makedumpfile on it, and powers off.
# Results go to the serial console as "KX-MARK NAME=VALUE" lines, which the
# host test greps; kexec's own output (and -d's segment list) goes there too.
. /etc/kx-e2e.sh

kx_basics
method=
for w in $(cat /proc/cmdline); do
	case $w in kx_method=*) method=${w#kx_method=} ;; esac
done

if [ -e /proc/vmcore ]; then
	kx_mark capture-init
	kx_res capture-kernel 1
	kx_res capture-cmdline "$(cat /proc/cmdline)"
	echo "KX-VMCORE $(ls -l /proc/vmcore)" >/dev/console
	kx_st vmcore-dmesg sh -c 'vmcore-dmesg /proc/vmcore >/tmp/dmesg.txt'
	echo "KX-DMESG-TAIL-BEGIN" >/dev/console
	tail -n 8 /tmp/dmesg.txt >/dev/console
	echo "KX-DMESG-TAIL-END" >/dev/console
	if grep -q 'sysrq: Trigger a crash' /tmp/dmesg.txt; then
		kx_res vmcore-dmesg-sysrq 1
	else
		kx_res vmcore-dmesg-sysrq 0
	fi
	if kx_wait_dev /dev/vda 10 && mount -t ext4 /dev/vda /mnt; then
		# The core header as the capture kernel serves it, for the host.
		# (makedumpfile takes about 3 s under TCG; 40 s means a header
		# describing far more than RAM.)
		dd if=/proc/vmcore of=/mnt/vmcore-head bs=4096 count=16 2>/dev/null
		kx_timed makedumpfile \
			kx_st makedumpfile timeout 40 makedumpfile -l -d 31 /proc/vmcore /mnt/dump.kdump
		echo "KX-DUMP $(ls -l /mnt/dump.kdump 2>&1)" >/dev/console
		if [ -x /bin/makedumpfile-debian ]; then
			# The oracle, on the same /proc/vmcore.
			kx_st makedumpfile-debian timeout 40 makedumpfile-debian -l -d 31 /proc/vmcore \
				/mnt/debian.kdump
		fi
		umount /mnt || sync
	else
		kx_res makedumpfile no-disk
	fi
	kx_mark capture-done
	kx_poweroff
fi

kx_mark boot-init
kx_res first-kernel "$(uname -r)"
kx_res method "$method"
[ "$method" = c ] || [ "$method" = s ] || kx_fail "kx_method=c|s missing from the command line"
# The memory the core header must describe (the host compares).
echo "KX-IOMEM-BEGIN" >/dev/console
cat /proc/iomem >/dev/console
echo "KX-IOMEM-END" >/dev/console
for sym in _text _end; do
	kx_res "sym$sym" "$(sed -n "s/^\([0-9a-f]*\) . $sym\$/\1/p" /proc/kallsyms | head -n 1)"
done
KX_CAPTURE_APPEND="$KX_CAPTURE_APPEND kx_capture=$method"
set -- /vmlinuz --initrd=/initrd.img --append="$KX_CAPTURE_APPEND"

# Nothing loaded yet.
kx_loaded crash-loaded-0
kx_st kexec-S-p-0 kexec -S -p
kx_st kexec-S-0 kexec -S

# kexec_load with our purgatory; unloaded by -p -u.
kx_timed load-c kx_st kexec-c-p kexec -c -p "$@"
kx_loaded crash-loaded-c
kx_st kexec-S-p-c kexec -S -p
kx_st kexec-S-c kexec -S
kx_st kexec-p-u-c kexec -p -u
kx_loaded crash-loaded-c-u
kx_st kexec-S-p-c-u kexec -S -p

# -d: the segment list and the failure dump's format, on a real load.
kx_st kexec-d-c-p kexec -d -c -p "$@"
kx_loaded crash-loaded-d
kx_st kexec-c-p-u-d kexec -c -p -u
kx_loaded crash-loaded-d-u

# kexec_file_load; unloaded by -s -p -u.
kx_timed load-s kx_st kexec-s-p kexec -s -p "$@"
kx_loaded crash-loaded-s
kx_st kexec-S-p-s kexec -S -p
kx_st kexec-s-p-u-s kexec -s -p -u
kx_loaded crash-loaded-s-u
kx_st kexec-S-p-s-u kexec -S -p

# -d with kexec_file_load: 6.1 has no KEXEC_FILE_DEBUG (EINVAL), so the
# load must still succeed (retried without it).
kx_st kexec-d-s-p kexec -d -s -p "$@"
kx_loaded crash-loaded-d-s
kx_st kexec-s-p-u-d kexec -s -p -u
kx_loaded crash-loaded-d-s-u

# The crash cycle with the method of this boot.
kx_st kexec-final-load kexec -$method -p "$@" || kx_fail "kexec -$method -p failed"
kx_loaded crash-loaded-final
[ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ] || kx_fail "kexec_crash_loaded is not 1"
kx_mark armed
sync
kx_mark crash
echo c >/proc/sysrq-trigger
kx_fail "still alive after sysrq-c"
