/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86_64 purgatory entry (GNU as, AT&T syntax).
 *
 * The kernel's relocate_kernel (arch/x86/kernel/relocate_kernel_64.S) has
 * copied every segment into place and jumps here in 64-bit mode, with
 * paging on and all memory identity-mapped, interrupts off, on a stack we
 * must not trust (for kexec -l it may lie in memory a segment overwrote).
 *
 * purgatory_start loads our own flat GDT (the 64-bit boot protocol wants
 * __BOOT_CS = 0x10 and __BOOT_DS = 0x18, Documentation/arch/x86/boot.rst),
 * switches to our own stack, calls purgatory_main() (the digest check; it
 * never returns on a mismatch), then loads every general register from the
 * patched entry64_regs table and jumps to its rip: the kernel's startup_64
 * with %rsi = boot_params.
 *
 * Every address here is %rip-relative (R_X86_64_PC32/PLT32) except the GDT
 * base in gdt_ptr (R_X86_64_64): the code runs wherever the relocator put it.
 */
	.text
	.globl	purgatory_start
	.type	purgatory_start, @function
purgatory_start:
	cli
	lgdt	gdt_ptr(%rip)
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	leaq	stack_end(%rip), %rsp
	/* Reload %cs with the new GDT's 64-bit code selector. */
	pushq	$0x10
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:
	call	purgatory_main

	/* entry64_regs: rax rbx rcx rdx rsi rdi rsp rbp r8-r15 rip (17 x u64). */
	leaq	entry64_regs(%rip), %rax
	movq	8(%rax), %rbx
	movq	16(%rax), %rcx
	movq	24(%rax), %rdx
	movq	32(%rax), %rsi
	movq	40(%rax), %rdi
	movq	48(%rax), %rsp
	movq	56(%rax), %rbp
	movq	64(%rax), %r8
	movq	72(%rax), %r9
	movq	80(%rax), %r10
	movq	88(%rax), %r11
	movq	96(%rax), %r12
	movq	104(%rax), %r13
	movq	112(%rax), %r14
	movq	120(%rax), %r15
	movq	0(%rax), %rax
	jmpq	*entry64_regs+128(%rip)
	.size	purgatory_start, . - purgatory_start

	.data
	.balign	16
gdt:
	.quad	0			/* 0x00 null */
	.quad	0			/* 0x08 unused */
	.quad	0x00af9a000000ffff	/* 0x10 __BOOT_CS: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff	/* 0x18 __BOOT_DS: flat 4 GiB data */
gdt_end:
	.balign	16
gdt_ptr:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.bss
	.balign	16
	.globl	stack_end
stack:
	.skip	8192
stack_end:
	.section .note.GNU-stack, "", @progbits
