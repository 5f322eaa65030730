// SPDX-License-Identifier: GPL-2.0-only
//
// x86_64 purgatory: the C half (entry.S calls purgatory_main()).
//
// Freestanding: no config.h and no C library, because this runs between
// two kernels on bare, identity-mapped memory. It is compiled with
// -ffreestanding -fno-builtin -fno-zero-initialized-in-bss (so the zero
// globals below land in .data, where kexec can patch them) and linked with
// `ld -r` into the relocatable object arch/purgatory.c lays out.
//
// The globals are the purgatory's interface: kexec writes them by name with
// exact size checks (arch/x86_64/purgatory_x86_64.c). Their names and sizes
// follow upstream kexec-tools' purgatory so that a reader of either
// recognizes them.

#include <stddef.h>
#include <stdint.h>

#include "purgatory_verify.h"

void purgatory_main(void);

// --- patched by kexec --------------------------------------------------------
// Explicitly initialized: with -fno-zero-initialized-in-bss that keeps them
// in .data (an uninitialized definition would still go to .bss, whose bytes
// are not in the object and cannot be patched).
uint8_t skip_checks = 0;
uint8_t panic_kernel = 0;
uint8_t reset_vga = 0;
uint8_t console_vga = 0;
uint8_t console_serial = 0;
uint16_t serial_base = 0;
uint32_t serial_baud = 0;
uint64_t backup_start = 0;
uint64_t backup_src_start = 0;
uint64_t backup_src_size = 0;
uint64_t cmdline_end = 0;
uint64_t entry64_regs[17] = { 0 };
struct kx_purgatory_region sha256_regions[KX_PURGATORY_REGIONS] = { 0 };
uint8_t sha256_digest[32] = { 0 };

// --- console, only to explain a halt -------------------------------------------

static inline void outb(uint8_t v, uint16_t port)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

// 8250/16550 UART at serial_base: 8N1 at serial_baud.
static void serial_init(void)
{
	uint32_t div = serial_baud ? 115200 / serial_baud : 1;

	if (div == 0)
		div = 1;
	outb(0x00, (uint16_t)(serial_base + 1)); // no interrupts
	outb(0x80, (uint16_t)(serial_base + 3)); // DLAB
	outb((uint8_t)div, (uint16_t)(serial_base + 0));
	outb((uint8_t)(div >> 8), (uint16_t)(serial_base + 1));
	outb(0x03, (uint16_t)(serial_base + 3)); // 8N1
	outb(0x07, (uint16_t)(serial_base + 2)); // FIFO on, cleared
}

static void serial_putc(char c)
{
	// Bounded wait for the transmitter: a missing UART reads 0xff.
	for (unsigned int i = 0; i < 100000; i++)
		if (inb((uint16_t)(serial_base + 5)) & 0x20)
			break;
	outb((uint8_t)c, serial_base);
}

static void say(const char *s)
{
	static unsigned int vga_pos;
	volatile uint16_t *vga = (volatile uint16_t *)(uintptr_t)0xb8000;

	if (console_serial && serial_base)
		serial_init();
	for (; *s; s++) {
		if (console_serial && serial_base) {
			if (*s == '\n')
				serial_putc('\r');
			serial_putc(*s);
		}
		if (console_vga && *s != '\n' && vga_pos < 80 * 25)
			vga[vga_pos++] = (uint16_t)(0x0700 | (uint8_t)*s);
	}
}

static void halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

// Byte loop on purpose: with -fno-builtin and
// -fno-tree-loop-distribute-patterns GCC keeps it a loop instead of calling a
// memcpy we do not have.
static void copy_bytes(uint64_t dst, uint64_t src, uint64_t len)
{
	volatile uint8_t *d = (volatile uint8_t *)(uintptr_t)dst;
	const volatile uint8_t *s = (const volatile uint8_t *)(uintptr_t)src;

	for (uint64_t i = 0; i < len; i++)
		d[i] = s[i];
}

void purgatory_main(void)
{
	if (!skip_checks &&
	    !kx_purgatory_verify(sha256_regions, KX_PURGATORY_REGIONS, sha256_digest, 0)) {
		say("purgatory: sha256 digest mismatch, not booting\n");
		halt();
	}
	// Old kernels' crash backup of low memory (kexec.md §4.5): the loaders
	// leave it empty for kernels that reserve the low 1 MiB.
	if (panic_kernel && backup_src_size)
		copy_bytes(backup_start, backup_src_start, backup_src_size);
}
