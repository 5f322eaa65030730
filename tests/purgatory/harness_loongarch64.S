/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Freestanding LoongArch64 user-mode harness for the purgatory test, run
 * under qemu-loongarch64-static (tests/purgatory/run.sh). No C library:
 * raw Linux system calls (generic numbers: openat 56, read 63, mmap 222,
 * exit_group 94).
 *
 * harness IMAGE: read the image mkimage_loongarch64 wrote, map each record
 * at its fixed address (the purgatory and the fake segments at their
 * "physical" addresses), then enter the purgatory the way the kernel's
 * relocate_new_kernel does: a0 = EFI boot flag, a1 = command line,
 * a2 = EFI system table, jr to the entry. The purgatory either jumps to
 * test_kernel_entry (exit 0 when a0-a2 arrived unchanged, 3 otherwise) or
 * spins forever on a digest mismatch (run.sh sees the timeout).
 * Exit 10-13: the harness itself failed (open, read, bad image, mmap).
 */
	.equ	SYS_openat, 56
	.equ	SYS_read, 63
	.equ	SYS_mmap, 222
	.equ	SYS_exit_group, 94
	.equ	AT_FDCWD, -100
	.equ	BUF_SIZE, 0x100000
	.equ	A0_VALUE, 1
	.equ	A1_VALUE, 0x9000000000108000
	.equ	A2_VALUE, 0x00000000fbadf00d

	.text
	.globl	_start
_start:
	ld.d	$t0, $sp, 0		/* argc */
	li.w	$t1, 2
	li.w	$a0, 10
	bne	$t0, $t1, exit
	ld.d	$a1, $sp, 16		/* argv[1] */
	li.d	$a0, AT_FDCWD
	move	$a2, $zero
	move	$a3, $zero
	li.w	$a7, SYS_openat
	syscall	0
	move	$s0, $a0		/* fd */
	li.w	$a0, 10
	blt	$s0, $zero, exit

	/* Read the whole file into buf (s1 = bytes read). */
	la.pcrel $s2, buf
	move	$s1, $zero
1:	move	$a0, $s0
	add.d	$a1, $s2, $s1
	li.d	$a2, BUF_SIZE
	sub.d	$a2, $a2, $s1
	li.w	$a7, SYS_read
	syscall	0
	blt	$a0, $zero, 2f
	beqz	$a0, 3f
	add.d	$s1, $s1, $a0
	b	1b
2:	li.w	$a0, 11
	b	exit

	/* Header: "KXPIMG01", entry, count. */
3:	li.w	$a0, 12
	li.w	$t0, 24
	blt	$s1, $t0, exit
	ld.d	$t0, $s2, 0
	li.d	$t1, 0x3130474d4950584b	/* "KXPIMG01" little-endian */
	bne	$t0, $t1, exit
	ld.d	$s3, $s2, 8		/* entry */
	ld.d	$s4, $s2, 16		/* records */
	addi.d	$s5, $s2, 24		/* cursor */
	add.d	$s6, $s2, $s1		/* end */

next_record:
	beqz	$s4, enter
	addi.d	$t0, $s5, 24
	li.w	$a0, 12
	bltu	$s6, $t0, exit
	ld.d	$s7, $s5, 0		/* addr */
	ld.d	$a1, $s5, 8		/* memsz */
	ld.d	$s8, $s5, 16		/* datasz */
	addi.d	$s5, $s5, 24
	add.d	$t0, $s5, $s8
	bltu	$s6, $t0, exit
	/* mmap(addr, round_up(memsz, 64K), RWX, PRIVATE|ANON|FIXED, -1, 0) */
	li.d	$t0, 0xffff
	add.d	$a1, $a1, $t0
	li.d	$t0, ~0xffff
	and	$a1, $a1, $t0
	move	$a0, $s7
	li.w	$a2, 7
	li.w	$a3, 0x32
	li.w	$a4, -1
	move	$a5, $zero
	li.w	$a7, SYS_mmap
	syscall	0
	li.w	$t0, 13
	bne	$a0, $s7, exit_t0
	/* copy datasz bytes */
	move	$t1, $zero
4:	bgeu	$t1, $s8, 5f
	ldx.bu	$t2, $s5, $t1
	stx.b	$t2, $s7, $t1
	addi.d	$t1, $t1, 1
	b	4b
5:	add.d	$s5, $s5, $s8
	addi.d	$s4, $s4, -1
	b	next_record

enter:
	ibar	0
	li.d	$a0, A0_VALUE
	li.d	$a1, A1_VALUE
	li.d	$a2, A2_VALUE
	/* Poison what the purgatory must not rely on. */
	li.d	$sp, 0
	move	$ra, $zero
	jr	$s3

	/* The "new kernel": a0-a2 must be what we entered the purgatory with. */
	.globl	test_kernel_entry
test_kernel_entry:
	li.d	$t0, A0_VALUE
	bne	$a0, $t0, bad_args
	li.d	$t0, A1_VALUE
	bne	$a1, $t0, bad_args
	li.d	$t0, A2_VALUE
	bne	$a2, $t0, bad_args
	move	$a0, $zero
	b	exit
bad_args:
	li.w	$a0, 3
	b	exit

exit_t0:
	move	$a0, $t0
exit:
	li.w	$a7, SYS_exit_group
	syscall	0
	b	exit

	.bss
	.balign	16
buf:
	.skip	BUF_SIZE
	.section .note.GNU-stack, "", @progbits
