#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `kdumpctl test`, the capture side in test mode, the report at the next
# status, and `kdumpctl propagate`, all on copies of fake roots. Every
# kdumpctl here runs with --root: the "sysrq-trigger" is a plain file of the
# copy (kdumpctl refuses procfs's under --root). kexec is ours in
# --dry-run; ssh-keygen and ssh-copy-id are fake scripts in PATH.
. "${KX_SRCDIR:-.}/tests/lib/tap.sh"
B=$(cd "${KX_BUILDDIR:-.}" && pwd)
KD="$B/kdumpctl/kdumpctl"
K="$B/kexec/kexec"
D="${KX_TEST_DATA:-${KX_SRCDIR:-.}/tests/data}/roots"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
XV=6.1.0-56-amd64
TZ=UTC LC_ALL=C
export TZ LC_ALL

fresh() {
	rm -rf "${T:?}/$1" && cp -R "$D/$2" "$T/$1" && mkdir -p "$T/$1/run/lock" ||
		{ echo "Bail out! cannot copy $2"; exit 1; }
}
fresh x x86_64-16g-kdump
X="$T/x"
"$B/tests/tools/mkbzimage" "$X/boot/vmlinuz-$XV" || { echo "Bail out! mkbzimage"; exit 1; }
sleep 1
touch "$X/boot/initramfs-${XV}kdump.img"
: >"$X/proc/sysrq-trigger"
STATUS="$X/var/lib/kdump/vmcore-creation.status"

kd() { KX_KEXEC="$K --dry-run --root=$X" "$KD" --root="$X" --arch=x86_64 "$@"; }
# answer TEXT ARGS...: kdumpctl with TEXT on its standard input.
answer() { a_=$1; shift; printf '%s\n' "$a_" | kd "$@"; }
PROMPT="DANGER!!! Will perform a kdump test by crashing the system, proceed? (y/N): "

# Not loaded, fadump, a bad option: nothing written, nothing crashed.
tap_run "test: not loaded" 1 kd test --force
tap_check "test: not loaded: message" "kdump: Kdump needs be operational before test." "$tap_err"
echo 1 >"$X/sys/kernel/kexec_crash_loaded"
mkdir -p "$X/sys/kernel/fadump"
echo 1 >"$X/sys/kernel/fadump/enabled"
echo 1 >"$X/sys/kernel/fadump/registered"
tap_run "test: fadump" 1 kd test --force
tap_check "test: fadump: message" "kdump: Only kdump is supported for test." "$tap_err"
rm -r "$X/sys/kernel/fadump"
tap_run "test: bad option" 1 kd test --forse
tap_match "test: bad option: usage" "^kdump: Usage: .*kdumpctl test \[--force\]$" "$tap_err"
tap_check "nothing crashed, nothing recorded" "0 no" \
	"$(wc -c <"$X/proc/sysrq-trigger" | tr -d ' ') $([ -e "$STATUS" ] && echo yes || echo no)"

# The prompt: anything but y/Y cancels.
for a in n "" yes; do
	tap_run "test: answer '$a' cancels" 0 answer "$a" test
	tap_check "test: answer '$a': prompt, cancelled" "${PROMPT}kdump: Operation cancelled." \
		"$tap_err"
done
tap_run "test: no answer (EOF) cancels" 0 kd test </dev/null
tap_check "test: EOF: cancelled" "${PROMPT}kdump: Operation cancelled." "$tap_err"
tap_check "cancelled: nothing crashed, nothing recorded" "0 no" \
	"$(wc -c <"$X/proc/sysrq-trigger" | tr -d ' ') $([ -e "$STATUS" ] && echo yes || echo no)"

# y: recorded, reloaded with the id, crashed.
tap_run "test: answer y" 0 answer y test
tap_check "test: y: messages" "${PROMPT}kdump: Start kdump test...
kdump: Stopping kdump: [OK]
kdump: kexec: loaded kdump kernel
kdump: Starting kdump: [OK]" "$(printf '%s\n' "$tap_err" | grep -v '^kdump: kexec: unloaded')"
tap_match "test: y: the record" "^pending kdump_test_id=[0-9]+-[0-9]{9}$" "$(cat "$STATUS")"
ID=$(sed -n 's/^pending kdump_test_id=//p' "$STATUS")
tap_match "test: y: unloads first" "^dry-run: kexec_file_load \(unload\)" "$tap_out"
tap_match "test: y: the capture command line ends with the id" \
	"^cmdline: \".* rd\.systemd\.gpt_auto=no kdump_test_id=$ID\"$" "$tap_out"
tap_check "test: y: sysrq-trigger got c" "c" "$(cat "$X/proc/sysrq-trigger")"
tap_check "test: y: mode 0600" "600" "$(stat -c %a "$STATUS")"

# --force: no prompt, a new id.
: >"$X/proc/sysrq-trigger"
sleep 1
tap_run "test --force" 0 kd test --force
tap_check "test --force: no prompt" "kdump: Stopping kdump: [OK]
kdump: kexec: loaded kdump kernel
kdump: Starting kdump: [OK]" "$(printf '%s\n' "$tap_err" | grep -v '^kdump: kexec: unloaded')"
ID2=$(sed -n 's/^pending kdump_test_id=//p' "$STATUS")
tap_match "test --force: a new id" "^[0-9]+-[0-9]{9}$" "$ID2"
[ "$ID2" != "$ID" ] && tap_ok "test --force: the id changed" ||
	tap_not_ok "test --force: the id changed" "$ID -> $ID2"
tap_check "test --force: sysrq-trigger got c" "c" "$(cat "$X/proc/sysrq-trigger")"
ID=$ID2
DATE=$(date -d "@${ID%%-*}")

# A reload that fails: no crash.
: >"$X/proc/sysrq-trigger"
tap_run "test: kexec fails" 1 env KX_KEXEC=false "$KD" --root="$X" test --force
tap_check "test: kexec fails: no crash" "0" "$(wc -c <"$X/proc/sysrq-trigger" | tr -d ' ')"
# Restore the record of the --force test for what follows.
printf 'pending kdump_test_id=%s\n' "$ID" >"$STATUS"

# The capture side with kdump_test_id= (as kdumpctl-capture.sh).
PATH="$B/makedumpfile:$B/vmcore-dmesg:$PATH"
export PATH
# The crash `kdumpctl test` causes, as the dead kernel logged it.
cat >"$T/spec" <<'SPEC'
arch = x86_64
kernel = 6.1
ram = 0x1000-0x9f000, 0x100000-0x2000000
printk = lockless
default_fill = zero
log 12.500000 caller=C0 "sysrq: Trigger a crash"
log 12.500001 caller=C0 "Kernel panic - not syncing: sysrq triggered crash"
SPEC
croot() {
	R="$T/$1"
	mkdir -p "$R/proc" "$R/sys/class/block" "$R/dev" "$R/kdumproot" "$R/etc/kdump"
	"$B/tests/gen/mkvmcore" "$T/spec" "$R/proc/vmcore" || echo "Bail out! mkvmcore"
	printf 'path /var/crash\ncore_collector makedumpfile -l --message-level 7 -d 31 %s\n' \
		"$2" >"$R/etc/kdump.conf"
	echo "dump ext4 /dev/vda1 /var/crash" >"$R/etc/kdump/targets"
	: >"$R/etc/kdump/modules"
	: >"$R/dev/vda1"
	printf '6,1,2500000,-;capture kernel says hello\n' >"$R/dev/kmsg"
	echo "ro irqpoll kdump_test_id=$ID rd.systemd.gpt_auto=no" >"$R/proc/cmdline"
}
croot ok ""
tap_run "capture in test mode" 0 "$KD" --root="$T/ok" --dry-run capture
TD="$T/ok/kdumproot/var/crash/kdump-test-$ID"
tap_check "capture: kdump-test-<id>/ and nothing else" "kdump-test-$ID" \
	"$(ls "$T/ok/kdumproot/var/crash")"
tap_check "capture: its files" "kexec-dmesg.log
vmcore
vmcore-creation.status
vmcore-dmesg.txt" "$(ls "$TD")"
tap_check "capture: status success" "success" "$(cat "$TD/vmcore-creation.status")"
tap_check "capture: status mode 0600" "600" "$(stat -c %a "$TD/vmcore-creation.status")"
tap_match "capture: the vmcore is kdump-compressed" "^KDUMP   " "$(head -c 8 "$TD/vmcore")"
tap_match "capture: the dead kernel's log" "Kernel panic - not syncing: sysrq triggered crash" \
	"$(cat "$TD/vmcore-dmesg.txt")"

croot small "-L 4096"
tap_run "capture in test mode: target too small" 1 "$KD" --root="$T/small" --dry-run capture
FD="$T/small/kdumproot/var/crash/kdump-test-$ID"
tap_check "small: status fail" "fail" "$(cat "$FD/vmcore-creation.status")"
tap_match "small: vmcore-incomplete left" "vmcore-incomplete" "$(ls "$FD")"

# A capture whose vmcore-dmesg fails (no such program) saves the vmcore
# but is no success.
croot nodmesg ""
mkdir -p "$T/nodmesg-bin"
ln -s "$B/makedumpfile/makedumpfile" "$T/nodmesg-bin/makedumpfile"
tap_run "capture in test mode: no vmcore-dmesg" 0 env PATH="$T/nodmesg-bin:/usr/bin:/bin" \
	"$KD" --root="$T/nodmesg" --dry-run capture
tap_check "no vmcore-dmesg: status fail" "fail" \
	"$(cat "$T/nodmesg/kdumproot/var/crash/kdump-test-$ID/vmcore-creation.status")"

# The report at the next status, for a local target (the fake root's).
tap_run "status: test pending, no dump" 0 kd status
tap_check "status: NOT successful without the directory" "kdump: Kdump is operational
kdump: WARNING: Last NOT successful vmcore creation test on $DATE" "$tap_err"
mkdir -p "$X/var/crash"
cp -R "$FD" "$X/var/crash/"
tap_run "status: failed test" 0 kd status
tap_check "status: NOT successful" \
	"kdump: WARNING: Last NOT successful vmcore creation test on $DATE" \
	"$(printf '%s\n' "$tap_err" | tail -n 1)"
rm -rf "$X/var/crash/kdump-test-$ID"
cp -R "$TD" "$X/var/crash/"
tap_run "status: successful test" 0 kd status
tap_check "status: Notice" "kdump: Notice: Last successful vmcore creation test on $DATE" \
	"$(printf '%s\n' "$tap_err" | tail -n 1)"
tap_run "start when loaded: no notice (upstream returns early)" 0 kd start
tap_check "start when loaded: the warning only" \
	"kdump: WARNING: Kdump already running: [WARNING]" "$tap_err"
echo 0 >"$X/sys/kernel/kexec_crash_loaded"
tap_run "start: the notice" 0 kd start
tap_check "start: Notice last" "kdump: Notice: Last successful vmcore creation test on $DATE" \
	"$(printf '%s\n' "$tap_err" | tail -n 1)"

# A file-system target: read where it is mounted, else a manual check.
cp "$X/etc/kdump.conf" "$T/kdump.conf.local"
echo "ext4 /dev/vdb1" >>"$X/etc/kdump.conf"
tap_run "status: fs target not mounted" 3 kd status
tap_check "status: manual check" \
	"kdump: WARNING: Require manual check for vmcore creation test of $DATE" \
	"$(printf '%s\n' "$tap_err" | tail -n 1)"
echo "/dev/vdb1 /mnt/dump ext4 rw 0 0" >>"$X/proc/mounts"
mkdir -p "$X/mnt/dump/var/crash"
cp -R "$TD" "$X/mnt/dump/var/crash/"
tap_run "status: fs target mounted" 3 kd status
tap_check "status: fs target: Notice" \
	"kdump: Notice: Last successful vmcore creation test on $DATE" \
	"$(printf '%s\n' "$tap_err" | tail -n 1)"
cp "$T/kdump.conf.local" "$X/etc/kdump.conf"
echo "raw /dev/vdc" >>"$X/etc/kdump.conf"
tap_run "status: raw target" 3 kd status
tap_check "status: raw: manual check" \
	"kdump: WARNING: Require manual check for vmcore creation test of $DATE" \
	"$(printf '%s\n' "$tap_err" | tail -n 1)"
cp "$T/kdump.conf.local" "$X/etc/kdump.conf"

# A rebuild forgets the test.
echo "/dev/vda1 / ext4 rw 0 0" >"$X/proc/mounts"
KX_MAKEDUMPFILE="$B/makedumpfile/makedumpfile" KX_VMCORE_DMESG="$B/vmcore-dmesg/vmcore-dmesg"
export KX_MAKEDUMPFILE KX_VMCORE_DMESG
tap_run "rebuild" 0 kd rebuild
tap_check "rebuild: the record is gone" "no" "$([ -e "$STATUS" ] && echo yes || echo no)"
tap_run "status after rebuild" 3 kd status
tap_check "status after rebuild: no test" "kdump: WARNING: No vmcore creation test performed!" \
	"$(printf '%s\n' "$tap_err" | tail -n 1)"

# propagate with fake tools that log their arguments.
mkdir -p "$T/bin"
cat >"$T/bin/ssh-keygen" <<EOF
#!/bin/sh
echo "ssh-keygen \$*" >>"$T/tools.log"
while [ \$# -gt 0 ]; do [ "\$1" = -f ] && f=\$2; shift; done
mkdir -p "\$(dirname "\$f")" && echo key >"\$f" && echo pub >"\$f.pub"
EOF
cat >"$T/bin/ssh-copy-id" <<EOF
#!/bin/sh
echo "ssh-copy-id \$*" >>"$T/tools.log"
exit \${FAKE_COPY_RC:-0}
EOF
chmod 755 "$T/bin/ssh-keygen" "$T/bin/ssh-copy-id"
pg() { PATH="$T/bin:$PATH" "$KD" --root="$X" propagate; }
tap_run "propagate: no ssh target" 1 pg
tap_check "propagate: no ssh target: messages" \
	"kdump: No ssh destination defined in /etc/kdump.conf.
kdump: Please verify that /etc/kdump.conf contains 'ssh <user>@<host>' and that it is properly formatted." \
	"$tap_err"
tap_check "propagate: no ssh target: nothing run" "no" "$([ -e "$T/tools.log" ] && echo yes || echo no)"
echo "ssh kdump@backup.example" >>"$X/etc/kdump.conf"
tap_run "propagate: new key" 0 pg
tap_check "propagate: new key: messages" "kdump: Generating new ssh keys... 
kdump: done.
kdump: /root/.ssh/kdump_id_rsa has been added to ~kdump/.ssh/authorized_keys on backup.example" \
	"$tap_err"
tap_check "propagate: new key: the tools" "ssh-keygen -t rsa -f $X/root/.ssh/kdump_id_rsa -N 
ssh-copy-id -i $X/root/.ssh/kdump_id_rsa kdump@backup.example" "$(cat "$T/tools.log")"
rm "$T/tools.log"
tap_run "propagate: existing key, transfer fails" 1 env FAKE_COPY_RC=1 sh -c \
	'PATH="$1:$PATH" "$2" --root="$3" propagate' sh "$T/bin" "$KD" "$X"
tap_check "propagate: fails: messages" "kdump: Using existing keys...
kdump: Failed to propagate ssh key, could not transfer /root/.ssh/kdump_id_rsa to backup.example" \
	"$tap_err"
tap_check "propagate: existing key: no ssh-keygen" \
	"ssh-copy-id -i $X/root/.ssh/kdump_id_rsa kdump@backup.example" "$(cat "$T/tools.log")"
rm "$T/tools.log"
# sshkey names the key; upstream's validation wants it to exist already.
mkdir -p "$X/etc/kdump"
echo key >"$X/etc/kdump/other_key"
echo "sshkey /etc/kdump/other_key" >>"$X/etc/kdump.conf"
tap_run "propagate: sshkey" 0 pg
tap_check "propagate: sshkey: messages" "kdump: Using existing keys...
kdump: /etc/kdump/other_key has been added to ~kdump/.ssh/authorized_keys on backup.example" \
	"$tap_err"
tap_check "propagate: sshkey: the tools" \
	"ssh-copy-id -i $X/etc/kdump/other_key kdump@backup.example" "$(cat "$T/tools.log")"
tap_done
