/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vmcoreinfo.h
 * The VMCOREINFO note, parsed once into a typed structure.
 *
 * The kernel (kernel/crash_core.c, since 6.9 kernel/vmcore_info.c, plus
 * arch_crash_save_vmcoreinfo()) writes one `KEY=VALUE` line per fact:
 *
 * | line                          | kernel format | parsed as                  |
 * |-------------------------------|---------------|----------------------------|
 * | `SYMBOL(name)=ffffffff82a1c4c0` | `%lx`       | u64, hex, no 0x            |
 * | `SIZE(name)=64`               | `%lu`         | u64, decimal               |
 * | `OFFSET(type.member)=0`       | `%lu`         | u64, decimal               |
 * | `LENGTH(name)=11`             | `%lu`         | u64, decimal               |
 * | `NUMBER(name)=-129`           | `%ld`         | 64-bit word, see below     |
 * | `NUMBER(VMALLOC_START)=0x…`   | `0x%lx`       | 64-bit word, hex           |
 * | `PAGESIZE=4096`               | `%ld`         | power of two, 4096..65536  |
 * | `KERNELOFFSET=2d800000`       | `%lx`         | u64, hex                   |
 * | `CRASHTIME=1700000000`        | `%lld`        | int64, decimal             |
 * | `OSRELEASE=6.1.0-18-amd64`    | `%s`          | string, 1..64 bytes        |
 * | anything else (`BUILD-ID=…`, `CONFIG_X86_PAE=y`, `SRCFILE(pud_t)=…`) | | string |
 *
 * Hex fields (SYMBOL, KERNELOFFSET) also accept a 0x prefix. A NUMBER is a
 * 64-bit word: in decimal it must fit int64 (the kernel prints `%ld`, so
 * `NUMBER(phys_base)=-287309824` is the unsigned 0xffffffffeee00000); with a
 * 0x prefix any 64-bit pattern is accepted. kx_vmcoreinfo_number() returns
 * the word as int64, kx_vmcoreinfo_number_u64() as uint64; neither can fail
 * for a present key.
 *
 * Parsing rules (all failures name the 1-based line):
 * - The text ends at the first NUL; only NULs may follow it (descsz padding).
 *   A last line without a newline is accepted. Empty lines are skipped.
 * - A line needs a '='. The key is everything before the first '=': it must
 *   be non-empty, free of whitespace and control characters, and either a
 *   plain word of [A-Za-z0-9_-] or `PREFIX(name)` with exactly one pair of
 *   parentheses closing at the end of the key. Otherwise KX_ERROR_CORRUPT.
 * - A typed value with anything after the number (`SIZE(page)=64x`, a sign where
 *   none is allowed, an empty value) is KX_ERROR_CORRUPT; a number too big
 *   for its type is KX_ERROR_OVERFLOW.
 * - A repeated key keeps its first value, as upstream makedumpfile reads
 *   it (drgn keeps the last). The kernel never repeats one, but refusing a
 *   dump over it would lose the crash; nr_duplicates lets the caller warn.
 * - Limits: the note text may be at most KX_VMCOREINFO_MAX_SIZE bytes and a
 *   line at most KX_VMCOREINFO_LINE_MAX bytes (KX_ERROR_CORRUPT beyond).
 *   The kernel's buffer is one page (VMCOREINFO_BYTES).
 * - FIXME: when the kernel's buffer fills up, vmcoreinfo_append_str()
 *   silently truncates the last line; such a cut value cannot be detected.
 *
 * Missing keys: every lookup returns KX_ERROR_NOT_FOUND with the message
 * "VMCOREINFO has no OFFSET(page.flags)". Use kx_error_catch() for keys that
 * are optional.
 */
#ifndef KX_VMCOREINFO_H
#define KX_VMCOREINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/** Limits on the input (see the file comment). */
enum {
	/** Largest note text accepted, in bytes (trailing NULs included). */
	KX_VMCOREINFO_MAX_SIZE = 1024 * 1024,
	/** Longest line accepted, in bytes, without its newline. */
	KX_VMCOREINFO_LINE_MAX = 1024,
	/** Longest OSRELEASE (the size of utsname.release minus its NUL). */
	KX_VMCOREINFO_OSRELEASE_MAX = 64,
};

/**
 * The key families. Each `PREFIX(name)` family is looked up by name; every
 * other key (plain words and unknown prefixes) is KX_VMCOREINFO_PLAIN and is
 * looked up by the whole key.
 */
enum kx_vmcoreinfo_kind {
	KX_VMCOREINFO_PLAIN = 0,  /**< `OSRELEASE`, `BUILD-ID`, `SRCFILE(pud_t)` … */
	KX_VMCOREINFO_SYMBOL = 1, /**< `SYMBOL(name)`: address, hex */
	KX_VMCOREINFO_SIZE = 2,   /**< `SIZE(name)`: sizeof, decimal */
	KX_VMCOREINFO_OFFSET = 3, /**< `OFFSET(type.member)`: offsetof, decimal */
	KX_VMCOREINFO_LENGTH = 4, /**< `LENGTH(name)`: element count, decimal */
	KX_VMCOREINFO_NUMBER = 5, /**< `NUMBER(name)`: 64-bit word */
};

/** One line of the note. Internal to the module; read-only for callers. */
struct kx_vmcoreinfo_entry {
	enum kx_vmcoreinfo_kind kind;
	/** Name inside the parentheses, or the whole key for PLAIN. */
	const char *name;
	/** Value text as written, without the newline. */
	const char *value;
	/** Parsed value for SYMBOL/SIZE/OFFSET/LENGTH/NUMBER and typed plain keys. */
	uint64_t word;
	/** 1-based line number in the note. */
	size_t line;
};

/**
 * A parsed note. The typed fields are filled from the corresponding keys;
 * `has_*` tells whether the key was present. Strings point into storage owned
 * by the structure and live until kx_vmcoreinfo_destroy().
 */
struct kx_vmcoreinfo {
	/** The note text as given, NUL-terminated, trailing NULs cut. */
	char *raw;
	/** strlen(raw). */
	size_t raw_size;
	/** OSRELEASE, or NULL when absent. */
	const char *osrelease;
	/** BUILD-ID as written (not validated), or NULL. */
	const char *build_id;
	/** PAGESIZE, validated; 0 when absent. */
	uint64_t page_size;
	/** KERNELOFFSET (KASLR slide), 0 when absent. */
	uint64_t kernel_offset;
	bool has_kernel_offset;
	/** NUMBER(phys_base) as an unsigned word, 0 when absent. */
	uint64_t phys_base;
	bool has_phys_base;
	/** CRASHTIME in seconds since the epoch, 0 when absent (live /proc/kcore). */
	int64_t crash_time;
	bool has_crash_time;
	/** Lines whose key repeated an earlier line's (ignored), and the first such line. */
	size_t nr_duplicates;
	size_t first_duplicate_line;
	/** Entries sorted by (kind, name) for binary search. Internal. */
	struct kx_vmcoreinfo_entry *entries;
	size_t nr_entries;
	/** Mutable copy of the text the entries point into. Internal. */
	char *storage;
};

/**
 * Parse a VMCOREINFO note.
 * @param text the note descriptor; need not be NUL-terminated.
 * @param size bytes in @p text, trailing NUL padding included.
 * @param ret on success, a new object to free with kx_vmcoreinfo_destroy().
 * @return NULL, or KX_ERROR_CORRUPT / KX_ERROR_OVERFLOW / KX_ERROR_UNSUPPORTED
 *         (PAGESIZE a power of two outside 4096..65536) / KX_ERROR_NOMEM.
 */
struct kx_error *kx_vmcoreinfo_create(const void *text, size_t size,
				      struct kx_vmcoreinfo **ret);

/** Free @p vi. NULL is accepted. */
void kx_vmcoreinfo_destroy(struct kx_vmcoreinfo *vi);

/**
 * Find an entry by family and name (`KX_VMCOREINFO_OFFSET`, "page.flags").
 * @return the entry, or NULL when absent. The pointer lives as long as @p vi.
 */
const struct kx_vmcoreinfo_entry *
kx_vmcoreinfo_find(const struct kx_vmcoreinfo *vi, enum kx_vmcoreinfo_kind kind,
		   const char *name);

/**
 * The numeric value of `KIND(name)` for the SYMBOL, SIZE, OFFSET, LENGTH and
 * NUMBER families (NUMBER as its unsigned 64-bit pattern).
 * @return NULL; KX_ERROR_NOT_FOUND when absent; KX_ERROR_INVALID_ARG for
 *         KX_VMCOREINFO_PLAIN.
 */
struct kx_error *kx_vmcoreinfo_lookup(const struct kx_vmcoreinfo *vi,
				      enum kx_vmcoreinfo_kind kind,
				      const char *name, uint64_t *ret);

/** Address of `SYMBOL(name)`. @return NULL or KX_ERROR_NOT_FOUND. */
struct kx_error *kx_vmcoreinfo_symbol(const struct kx_vmcoreinfo *vi,
				      const char *name, uint64_t *ret);

/** Value of `SIZE(name)`. @return NULL or KX_ERROR_NOT_FOUND. */
struct kx_error *kx_vmcoreinfo_size(const struct kx_vmcoreinfo *vi,
				    const char *name, uint64_t *ret);

/**
 * Value of `OFFSET(name)`; @p name is "type.member" as the kernel writes it.
 * @return NULL or KX_ERROR_NOT_FOUND.
 */
struct kx_error *kx_vmcoreinfo_offset(const struct kx_vmcoreinfo *vi,
				      const char *name, uint64_t *ret);

/** Value of `LENGTH(name)`. @return NULL or KX_ERROR_NOT_FOUND. */
struct kx_error *kx_vmcoreinfo_length(const struct kx_vmcoreinfo *vi,
				      const char *name, uint64_t *ret);

/**
 * Value of `NUMBER(name)` as a signed word (0x… values are reinterpreted in
 * two's complement). @return NULL or KX_ERROR_NOT_FOUND.
 */
struct kx_error *kx_vmcoreinfo_number(const struct kx_vmcoreinfo *vi,
				      const char *name, int64_t *ret);

/**
 * Value of `NUMBER(name)` as an unsigned word (-1 becomes UINT64_MAX).
 * @return NULL or KX_ERROR_NOT_FOUND.
 */
struct kx_error *kx_vmcoreinfo_number_u64(const struct kx_vmcoreinfo *vi,
					  const char *name, uint64_t *ret);

/**
 * Value text of a key written in full, as the kernel names it ("OSRELEASE",
 * "CONFIG_X86_PAE", "SYMBOL(_stext)"). The string lives as long as @p vi.
 * @return NULL; KX_ERROR_NOT_FOUND when absent; KX_ERROR_INVALID_ARG when
 *         @p key is not a well-formed key.
 */
struct kx_error *kx_vmcoreinfo_string(const struct kx_vmcoreinfo *vi,
				      const char *key, const char **ret);

/** True when the key written in full (as for kx_vmcoreinfo_string()) exists. */
bool kx_vmcoreinfo_has(const struct kx_vmcoreinfo *vi, const char *key);

/**
 * Render a key as the kernel names it: "OFFSET(page.flags)", or @p name
 * alone for KX_VMCOREINFO_PLAIN.
 * @param buf receives the NUL-terminated key.
 * @param cap size of @p buf in bytes.
 * @return NULL; KX_ERROR_INVALID_ARG for an empty name or unknown kind;
 *         KX_ERROR_OVERFLOW when the key and its NUL do not fit in @p cap
 *         (@p buf is then untouched).
 */
struct kx_error *kx_vmcoreinfo_key_format(enum kx_vmcoreinfo_kind kind,
					  const char *name, char *buf,
					  size_t cap);

#endif /* KX_VMCOREINFO_H */
