/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * LoongArch64 purgatory entry.
 *
 * The kernel's relocate_new_kernel (arch/loongarch/kernel/relocate_kernel.S)
 * has copied every segment into place and jumps here with `jr a3`, a3 being
 * phys_to_virt(entry): we run in the cached direct-map window
 * 0x9000000000000000 | paddr, paging on, interrupts off, with
 *   a0 = EFI boot flag, a1 = command line (virtual), a2 = EFI system table,
 * which the new kernel's head.S expects unchanged (fw_arg0..2).
 *
 * purgatory_start keeps a0-a2 in callee-saved s0-s2, switches to its own
 * stack (the old kernel's may lie in memory a segment overwrote), asks
 * purgatory_main() whether the digest matches, and either jumps to the
 * patched kernel_entry with a0-a2 restored, or spins forever.
 *
 * Only PC-relative addressing (la.pcrel: R_LARCH_PCALA_HI20/LO12; bl:
 * R_LARCH_B26), so the code runs at whatever window address it lands at.
 */
	.text
	.globl	purgatory_start
	.type	purgatory_start, @function
purgatory_start:
	move	$s0, $a0
	move	$s1, $a1
	move	$s2, $a2
	la.pcrel $sp, stack_end
	bl	purgatory_main
	beqz	$a0, purgatory_halt
	la.pcrel $t0, kernel_entry
	ld.d	$t0, $t0, 0
	move	$a0, $s0
	move	$a1, $s1
	move	$a2, $s2
	jr	$t0

	/*
	 * Digest mismatch: never enter the kernel. A plain branch-to-self
	 * rather than `idle`: it behaves the same on hardware with interrupts
	 * off and under qemu-user (where `idle` is privileged), so the test
	 * harness runs this exact path and sees it hang.
	 */
	.globl	purgatory_halt
purgatory_halt:
	b	purgatory_halt
	.size	purgatory_start, . - purgatory_start

	/*
	 * The stack gets pages of its own (16 KiB, LoongArch's usual page):
	 * nothing needs it on hardware, where the purgatory runs unpaged
	 * through the DMW, but under qemu-user a store to a page holding
	 * translated code invalidates that code, and the test would crawl.
	 */
	.bss
	.balign	16384
stack:
	.skip	8192
	.globl	stack_end
stack_end:
	.section .note.GNU-stack, "", @progbits
