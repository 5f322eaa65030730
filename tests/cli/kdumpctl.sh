#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# kdumpctl end to end on copies of the fake roots x86_64-16g-kdump and
# loongarch64-16g-kdump (copied: kdumpctl takes its lock under the root),
# with our kexec in --dry-run as KX_KEXEC, so the exact kexec command line
# kdumpctl builds is what kexec prints. Nothing touches the real system.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=${KX_BUILDDIR:-.}
KD="$B/kdumpctl/kdumpctl"
K="$B/kexec/kexec"
D="${KX_TEST_DATA:-${KX_SRCDIR:-.}/tests/data}/roots"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
XV=6.1.0-56-amd64
LV=6.6.0-97.0.0.102.oe2403sp2.loongarch64

# fresh NAME SRC: a writable copy of a fake root with /run/lock.
fresh() {
	rm -rf "${T:?}/$1" && cp -R "$D/$2" "$T/$1" && mkdir -p "$T/$1/run/lock" ||
		{ echo "Bail out! cannot copy $2"; exit 1; }
}
fresh x x86_64-16g-kdump
fresh l loongarch64-16g-kdump
X="$T/x" L="$T/l"
"$B/tests/tools/mkbzimage" "$X/boot/vmlinuz-$XV" &&
	"$B/tests/tools/mkloongimage" pe "$L/boot/vmlinuz-$LV" ||
	{ echo "Bail out! cannot make kernel images"; exit 1; }
# The kdump initramfs is newer than everything: no rebuild is asked for.
sleep 1
touch "$X/boot/initramfs-${XV}kdump.img" "$L/boot/initramfs-${LV}kdump.img"

kd_x() { KX_KEXEC="$K --dry-run --root=$X" "$KD" --root="$X" --arch=x86_64 "$@"; }
kd_l() { KX_KEXEC="$K --dry-run --arch=loongarch64 --root=$L" "$KD" --root="$L" --arch=loongarch64 "$@"; }

tap_run "status: not loaded" 3 kd_x status
tap_check "status messages" "kdump: Kdump is not operational
kdump: WARNING: No vmcore creation test performed!" "$tap_err"
echo 1 >"$X/sys/kernel/kexec_crash_loaded"
tap_run "status: loaded" 0 kd_x status
tap_match "status: operational" "^kdump: Kdump is operational$" "$tap_err"
tap_run "start when loaded" 0 kd_x start
tap_check "start when loaded: warns only" "kdump: WARNING: Kdump already running: [WARNING]" \
	"$tap_err"
echo 0 >"$X/sys/kernel/kexec_crash_loaded"

tap_run "showmem x86_64" 0 kd_x showmem
tap_check "showmem x86_64 message" "kdump: Reserved 256MB memory for crash kernel" "$tap_err"
tap_run "showmem loongarch64" 0 kd_l showmem
tap_check "showmem loongarch64 message" "kdump: Reserved 512MB memory for crash kernel" "$tap_err"
tap_run "get-default-crashkernel x86_64" 0 kd_x get-default-crashkernel
tap_check "x86_64 table" "2G-64G:256M,64G-:512M" "$tap_out"
tap_run "get-default-crashkernel loongarch64" 0 kd_l get-default-crashkernel
tap_check "loongarch64 table" "2G-64G:512M,64G-:1G" "$tap_out"
tap_check "no trailing newline" "19" "$(kd_l get-default-crashkernel | wc -c | tr -d ' ')"

tap_run "stop" 0 kd_x stop
tap_match "stop: kexec unloads" "^dry-run: kexec_file_load \(unload\)" "$tap_out"
tap_check "stop messages" "kdump: kexec: unloaded kdump kernel
kdump: Stopping kdump: [OK]" "$tap_err"

tap_run "start x86_64" 0 kd_x start
tap_check "start x86_64 messages" "kdump: kexec: loaded kdump kernel
kdump: Starting kdump: [OK]
kdump: WARNING: No vmcore creation test performed!" "$tap_err"
tap_match "x86_64: kexec_file_load (-s)" "^syscall: kexec_file_load$" "$tap_out"
tap_match "x86_64: the kernel" "^kernel: $X/boot/vmlinuz-$XV$" "$tap_out"
tap_match "x86_64: the kdump initramfs" "^initrd: $X/boot/initramfs-${XV}kdump.img$" "$tap_out"
tap_check "x86_64: the capture command line" \
	"cmdline: \"BOOT_IMAGE=/boot/vmlinuz-$XV ro irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off numa=off udev.children-max=2 panic=10 acpi_no_memhotplug transparent_hugepage=never nokaslr hest_disable novmcoredd cma=0 hugetlb_cma=0 disable_cpu_apicid=0 rd.systemd.gpt_auto=no\"" \
	"$(printf '%s\n' "$tap_out" | grep '^cmdline:')"

tap_run "start loongarch64" 0 kd_l start
tap_match "loongarch64: loaded" "^kdump: Starting kdump: \[OK\]$" "$tap_err"
tap_check "loongarch64: the capture command line" \
	"cmdline: \"BOOT_IMAGE=/vmlinuz-$LV ro resume=UUID=f578fdc3-d268-4440-b9bb-1f5d6704633b video=efifb:off cgroup_disable=files apparmor=0 console=tty0 nokaslr irqpoll nr_cpus=1 reset_devices cgroup_disable=memory udev.children-max=2 panic=10 novmcoredd cma=0 nokaslr rd.systemd.gpt_auto=no\"" \
	"$(printf '%s\n' "$tap_out" | grep '^cmdline:')"

# kdumpctl's own --dry-run prints the command instead of running it.
tap_run "start --dry-run" 0 env KX_KEXEC=kexec "$KD" --root="$X" --dry-run start
tap_match "start --dry-run: the command" \
	"^dry-run: kexec -s -p '--command-line=BOOT_IMAGE=.* rd.systemd.gpt_auto=no' --initrd=$X/boot/initramfs-${XV}kdump.img $X/boot/vmlinuz-$XV$" \
	"$tap_out"

# A kexec that fails.
tap_run "start: kexec fails" 1 env KX_KEXEC=false "$KD" --root="$X" start
tap_check "kexec fails: messages" "kdump: kexec: failed to load kdump kernel
kdump: Starting kdump: [FAILED]" "$tap_err"
tap_run "stop: kexec fails" 1 env KX_KEXEC=false "$KD" --root="$X" stop
tap_check "stop fails: messages" "kdump: kexec: failed to unload kdump kernel
kdump: Stopping kdump: [FAILED]" "$tap_err"

# Failures before kexec, in upstream's order.
fresh n x86_64-16g-kdump
echo 0 >"$T/n/sys/kernel/kexec_crash_size"
tap_run "no memory reserved" 1 kd_x --root="$T/n" start
tap_check "no memory reserved: messages" "kdump: No memory reserved for crash kernel
kdump: Starting kdump: [FAILED]" "$tap_err"
rm "$T/n/sys/kernel/kexec_crash_loaded"
tap_run "not supported" 1 kd_x --root="$T/n" start
tap_check "not supported: messages" "kdump: Kdump is not supported on this kernel
kdump: Starting kdump: [FAILED]" "$tap_err"
fresh c x86_64-16g-kdump
echo "bogus 1" >>"$T/c/etc/kdump.conf"
echo 1 >"$T/c/sys/kernel/kexec_crash_loaded"
tap_run "config error fails even when loaded" 1 kd_x --root="$T/c" start
tap_check "config error: messages" "kdump: Invalid kdump config option bogus
kdump: Starting kdump: [FAILED]" "$tap_err"
rm "$T/c/etc/kdump.conf"
tap_run "no kdump.conf" 1 kd_x --root="$T/c" status
tap_check "no kdump.conf: message" "kdump: Error: No kdump config file found!" "$tap_err"
fresh i x86_64-16g-kdump
rm "$T/i/boot/initramfs-${XV}kdump.img"
export KX_MAKEDUMPFILE="$T/none" KX_VMCORE_DMESG="$B/vmcore-dmesg/vmcore-dmesg"
tap_run "no kdump initramfs: cannot build without makedumpfile" 1 kd_x --root="$T/i" start
tap_match "no kdump initramfs: the build's failure" \
	"^kdump: building the kdump initramfs: $T/none: cannot open $T/none: No such file or directory
kdump: mkdumprd: failed to make kdump initrd
kdump: Starting kdump: \\[FAILED\\]$" "$tap_err"
# With the programs and /proc/mounts, start builds it (kdumpctl-initramfs.sh checks the contents).
echo "/dev/vda1 / ext4 rw 0 0" >"$T/i/proc/mounts"
"$B/tests/tools/mkbzimage" "$T/i/boot/vmlinuz-$XV" || tap_not_ok "mkbzimage"
export KX_MAKEDUMPFILE="$B/makedumpfile/makedumpfile"
tap_run "no kdump initramfs: built" 0 kd_x --root="$T/i" start
tap_check "no kdump initramfs: built, then loaded" "kdump: No kdump initial ramdisk found.
kdump: Rebuilding /boot/initramfs-${XV}kdump.img
kdump: WARNING: /dev/vda1: no block device vda1 in sysfs, its drivers are left out
kdump: WARNING: no modules.dep for $XV: no kernel modules added
kdump: kexec: loaded kdump kernel
kdump: Starting kdump: [OK]
kdump: WARNING: No vmcore creation test performed!" "$tap_err"
rm "$T/i/boot/initramfs-${XV}kdump.img"
rm "$T/i/boot/vmlinuz-$XV"
tap_run "no kernel" 1 kd_x --root="$T/i" start
tap_check "no kernel: messages" "kdump: Failed to detect kdump kernel location
kdump: failed to prepare for kdump bootinfo.
kdump: Starting kdump: [FAILED]" "$tap_err"

tap_run "usage" 1 kd_x
tap_match "usage line" "^Usage: kdumpctl \{start\|stop\|status" "$tap_err"
tap_run "unknown command" 1 kd_x frobnicate
tap_match "upstream's usage line" "^kdump: Usage: .*kdumpctl \{estimate\|start\|stop\|status\|" "$tap_err"
tap_run "--version" 0 "$KD" --version
tap_match "--version output" "^kdumpctl \(kx-kdump\) " "$tap_out"

# One instance at a time: a held lock makes the next one wait and say so.
if command -v flock >/dev/null 2>&1; then
	flock "$X/run/lock/kdump" sleep 2 &
	sleep 0.5
	tap_run "waits for the lock" 3 kd_x status
	tap_match "the waiting message" \
		"^kdump: Another app is currently holding the kdump lock; waiting for it to exit...$" \
		"$tap_err"
	wait
else
	tap_skip "waits for the lock" "no flock(1)"
fi
# restart and reload unload only once the new kernel is ready: a broken
# kdump.conf or a missing kernel leaves the loaded one in place.
echo 1 >"$X/sys/kernel/kexec_crash_loaded"
cp "$X/etc/kdump.conf" "$T/kdump.conf.good"
echo "final_action explode" >>"$X/etc/kdump.conf"
tap_run "restart with a broken kdump.conf fails" 1 kd_x restart
tap_match "restart: says what is wrong" "final_action" "$tap_err"
tap_match "restart: keeps the loaded kernel" "left as it was" "$tap_err"
tap_check "restart: ran no kexec" "" "$tap_out"
cp "$T/kdump.conf.good" "$X/etc/kdump.conf"
mv "$X/boot/vmlinuz-$XV" "$T/vmlinuz.saved"
tap_run "reload without the kernel fails" 1 kd_x reload
tap_match "reload: keeps the loaded kernel" "left as it was" "$tap_err"
tap_check "reload: ran no kexec" "" "$tap_out"
mv "$T/vmlinuz.saved" "$X/boot/vmlinuz-$XV"
# kdump.conf is now newer than the initramfs, and this root cannot build
# one (no /proc/mounts): a failed build keeps the loaded kernel too.
tap_run "restart whose initramfs build fails" 1 kd_x restart
tap_match "restart: the build failed" "mkdumprd: failed to make kdump initrd" "$tap_err"
tap_match "restart: and the loaded kernel stays" "left as it was" "$tap_err"
tap_check "restart: still ran no kexec" "" "$tap_out"
sleep 1
touch "$X/boot/initramfs-${XV}kdump.img"
tap_run "restart with everything in place" 0 kd_x restart
tap_match "restart: unloads, then loads" \
	"^dry-run: kexec_file_load \(unload\).*
dry-run: kexec_file_load" "$(printf '%s\n' "$tap_out" | grep '^dry-run: kexec_file_load')"
# save_raw: the capture kernel streamed its dump (-F) onto a raw target;
# the next start rebuilds it under <path>/<date>/vmcore and clears the
# stream's first block so it is saved once.
fresh r x86_64-16g-kdump
R="$T/r"
"$B/tests/tools/mkbzimage" "$R/boot/vmlinuz-$XV" &&
	"$B/tests/gen/mkvmcore" "${KX_SRCDIR:-.}/tests/gen/examples/x86_64-6.1.spec" "$T/v.vmcore" \
		>/dev/null 2>&1 || { echo "Bail out! cannot make the raw test's inputs"; exit 1; }
mkdir -p "$R/dev"
"$B/makedumpfile/makedumpfile" -F -l -d 31 "$T/v.vmcore" >"$R/dev/sdb1" 2>/dev/null
"$B/makedumpfile/makedumpfile" -l -d 31 "$T/v.vmcore" "$T/direct.dump" >/dev/null 2>&1
echo "raw /dev/sdb1" >>"$R/etc/kdump.conf"
sleep 1
touch "$R/boot/initramfs-${XV}kdump.img"
kd_r() {
	KX_KEXEC="$K --dry-run --root=$R" KX_MAKEDUMPFILE="$B/makedumpfile/makedumpfile" \
		"$KD" --root="$R" --arch=x86_64 "$@"
}
tap_run "start --dry-run on a raw target holding a dump" 0 env KX_MAKEDUMPFILE="$B/makedumpfile/makedumpfile" \
	"$KD" --root="$R" --dry-run start
tap_match "start --dry-run: prints the rebuild" \
	"^dry-run: $B/makedumpfile/makedumpfile -R $R/var/crash/[0-9-]+:[0-9]+/vmcore < $R/dev/sdb1$" "$tap_out"
tap_check "start --dry-run: leaves the dump in place" "" "$(find "$R/var/crash" -name '*:*')"
tap_run "start saves the dump on the raw target" 0 kd_r start
tap_match "start: says where" "^kdump: Dump saved to /var/crash/[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}/vmcore$" "$tap_err"
saved=$(find "$R/var/crash" -name vmcore | head -1)
tap_run "the saved dump is the one the capture wrote" 0 cmp "$saved" "$T/direct.dump"
tap_check "the stream's first block is cleared" 512 \
	"$(head -c 512 "$R/dev/sdb1" | tr -d '\000' | wc -c | awk '{print 512 - $1}')"
echo 0 >"$R/sys/kernel/kexec_crash_loaded"
rm -rf "$R/var/crash"
mkdir -p "$R/var/crash"
tap_run "the next start" 0 kd_r start
tap_check "does not save it again" "" "$(find "$R/var/crash" -name vmcore)"
tap_done
