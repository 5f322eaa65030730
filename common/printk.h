/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file printk.h
 * The kernel log (printk buffer) of a dead kernel, and its two renderings:
 * vmcore-dmesg's and makedumpfile --dump-dmesg's.
 *
 * The reader knows the three layouts the kernel has used, picked from the
 * VMCOREINFO symbols (kx_printk_detect()):
 *
 * | format     | kernels   | told apart by         | records                      |
 * |------------|-----------|-----------------------|------------------------------|
 * | lockless   | 5.10+     | SYMBOL(prb)           | desc ring + text data ring   |
 * | structured | 3.5–5.9   | SYMBOL(log_first_idx) | struct printk_log in log_buf |
 * | legacy     | < 3.5     | SYMBOL(log_end)       | plain text, circular         |
 *
 * Kernel memory is read through a callback (struct kx_kmem), so this module
 * knows nothing of ELF files or page tables: the caller translates kernel
 * virtual addresses. Every field layout comes from VMCOREINFO
 * (SIZE()/OFFSET()), never from compiled-in structs.
 *
 * Memory stays bounded whatever the ring size: one descriptor, one info and
 * one record's text (at most 64 KiB, text_len is a u16) are read at a time,
 * instead of the whole ring as upstream does.
 *
 * Hostile input: every count, size and index read from the dump is checked
 * (see the limits below); a corrupt ring ends in KX_ERROR_CORRUPT naming the
 * field at fault, never in a crash or an endless loop. Each loop is bounded
 * by the ring's size: at most 2^count_bits records (lockless), one wrap
 * (structured), log_buf_len bytes (legacy).
 */
#ifndef KX_PRINTK_H
#define KX_PRINTK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

struct kx_vmcoreinfo;

/** Limits on what a dump may claim (larger is KX_ERROR_CORRUPT). */
enum {
	/**
	 * Largest prb_desc_ring.count_bits: the kernel derives it as
	 * size_bits - 5, and log_buf_len is capped at 2 GiB (LOG_BUF_LEN_MAX).
	 */
	KX_PRINTK_MAX_COUNT_BITS = 26,
	/** Largest prb_data_ring.size_bits: the 2 GiB LOG_BUF_LEN_MAX. */
	KX_PRINTK_MAX_SIZE_BITS = 31,
	/** Largest SIZE() of a ring structure, descriptor, info or header. */
	KX_PRINTK_MAX_STRUCT_SIZE = 4096,
};

/** The log layouts. */
enum kx_printk_format {
	KX_PRINTK_LOCKLESS = 1,   /**< printk_ringbuffer, 5.10+ */
	KX_PRINTK_STRUCTURED = 2, /**< struct printk_log records, 3.5–5.9 */
	KX_PRINTK_LEGACY = 3,     /**< a circular character buffer, before 3.5 */
};

/**
 * Kernel virtual memory of the dead kernel.
 *
 * read() copies @p size bytes at kernel virtual address @p vaddr into
 * @p buf and returns NULL, or returns an error (KX_ERROR_FAULT for an
 * unmapped address) and leaves @p buf unspecified. The reader prefixes it
 * with what it was reading.
 */
struct kx_kmem {
	struct kx_error *(*read)(void *arg, uint64_t vaddr, void *buf, size_t size);
	void *arg;
};

/** One record of the log, as handed to the visitor. */
struct kx_printk_record {
	/**
	 * Legacy format only: @p text is a piece of the plain-text buffer, to
	 * be written as it is (it has its own "<6>[...]" prefixes and newlines);
	 * every other field is zero.
	 */
	bool raw;
	/**
	 * Lockless: the descriptor has no text data block (lpos begin == next,
	 * a data-less record); text_size is 0. vmcore-dmesg prints its time
	 * stamp on an otherwise empty line, makedumpfile skips it.
	 */
	bool dataless;
	/**
	 * Structured: the zeroed header (len == 0) that marks where the
	 * records wrap to the start of log_buf; ts_nsec is the header's,
	 * text_size 0. vmcore-dmesg prints it as an empty record (seen with
	 * kexec-tools 2.0.25), makedumpfile does not.
	 */
	bool wrap_marker;
	/** printk_info.seq (lockless only). */
	bool has_seq;
	uint64_t seq;
	/** Time stamp in nanoseconds since boot. */
	uint64_t ts_nsec;
	/**
	 * Who logged it, when the kernel records it (OFFSET(printk_info.caller_id)
	 * or OFFSET(printk_log.caller_id) present): a task id, or 0x80000000 |
	 * cpu for a message from interrupt context.
	 */
	bool has_caller_id;
	uint32_t caller_id;
	/** The message bytes, not NUL-terminated; valid during the call only. */
	const uint8_t *text;
	size_t text_size;
};

/**
 * Which layout the VMCOREINFO describes: SYMBOL(prb), else
 * SYMBOL(log_first_idx), else SYMBOL(log_end) with SYMBOL(log_buf).
 * @param[out] ret the format.
 * @return NULL, or KX_ERROR_NOT_FOUND when the note names no printk buffer.
 */
struct kx_error *kx_printk_detect(const struct kx_vmcoreinfo *vi,
				  enum kx_printk_format *ret);

/**
 * Walk the log, oldest record first, calling @p visit for each record that
 * holds a message.
 *
 * Lockless: descriptors tail_id … head_id inclusive; only committed or
 * finalized descriptors whose state_var names the expected id are visited
 * (a stale id in the right slot is a record being reused and is skipped
 * silently, as upstream does); a record without a data block is visited
 * with dataless set. Structured: the wrap marker is visited too (see
 * struct kx_printk_record); at most one wrap is accepted.
 *
 * @param vi the parsed VMCOREINFO: symbols and layouts.
 * @param mem reads the dead kernel's memory.
 * @param visit called once per record, in log order; may be NULL to
 *        validate only. An error it returns stops the walk and is returned
 *        unchanged.
 * @param arg passed to @p visit.
 * @return NULL; KX_ERROR_NOT_FOUND for a missing VMCOREINFO key (named);
 *         KX_ERROR_CORRUPT for a ring that cannot be right (named field);
 *         errors of @p mem (prefixed) or of @p visit (unchanged).
 */
struct kx_error *kx_printk_read(const struct kx_vmcoreinfo *vi, const struct kx_kmem *mem,
				struct kx_error *(*visit)(void *arg,
							  const struct kx_printk_record *rec),
				void *arg);

/**
 * Like kx_printk_read(), but only the records logged since the log was
 * last cleared (`dmesg -c`, syslog(SYSLOG_ACTION_CLEAR)): what
 * makedumpfile --dump-dmesg --partial-dmesg writes.
 *
 * Lockless: records whose printk_info.seq is at least the kernel's
 * clear_seq (SYMBOL(clear_seq); a struct latched_seq, read through its
 * latch as the kernel does, when VMCOREINFO has OFFSET(latched_seq.val),
 * a plain u64 before 5.11). Structured: the records from SYMBOL(clear_idx)
 * on; when clear_idx is not the start of a record still in the buffer
 * (the records it pointed at were overwritten), every record, as the
 * kernel itself then reads from log_first_idx. Legacy logs keep no clear
 * mark.
 *
 * A mark older than every record still kept selects them all, which is
 * also what the kernel's own `dmesg` would print then.
 *
 * @param[out] ret_cleared true when the dump has a clear mark and it was
 *             applied; false when it has none (legacy format,
 *             SYMBOL(clear_seq) or SYMBOL(clear_idx) absent) and the
 *             whole log was walked. Set whenever the walk started.
 * @return as kx_printk_read().
 */
struct kx_error *kx_printk_read_since_clear(const struct kx_vmcoreinfo *vi,
					    const struct kx_kmem *mem,
					    struct kx_error *(*visit)(void *arg,
								      const struct kx_printk_record *rec),
					    void *arg, bool *ret_cleared);

/**
 * Write @p rec as vmcore-dmesg prints it: "[%5llu.%06llu] " (seconds,
 * microseconds), the text with every byte that is neither printable ASCII
 * nor ASCII white space written as "\xNN", then a newline. An empty record
 * still prints its time stamp and newline, and so do a data-less record and
 * a wrap marker. No caller id, no level. A raw record is written as it is.
 * @return NULL, or KX_ERROR_OS when @p out reports a write error.
 */
struct kx_error *kx_printk_render_vmcore_dmesg(const struct kx_printk_record *rec, FILE *out);

/**
 * Write @p rec as makedumpfile --dump-dmesg prints it: "[%5lld.%06ld] ",
 * then, when the record has a caller id, "[%8s] " of "T<pid>" or "C<cpu>";
 * the text with each '\n' written as a newline followed by as many spaces
 * as the prefix is wide, printable and white-space bytes as they are, and
 * other bytes as "\x%02x" of a *signed* char, so bytes from 0x80 up print
 * as "\xffffffNN" (upstream's quirk on x86_64 and loongarch64, kept so
 * outputs compare equal); then a newline. A data-less record and a wrap
 * marker print nothing. A raw record is written as is.
 *
 * Checked against Debian's makedumpfile 1.7.2, which predates the caller
 * column: clear has_caller_id to reproduce its output exactly.
 * @return NULL, or KX_ERROR_OS when @p out reports a write error.
 */
struct kx_error *kx_printk_render_makedumpfile(const struct kx_printk_record *rec, FILE *out);

/**
 * The same renderings into a caller buffer, for tests and for callers
 * without a FILE. Constant memory: what does not fit is counted, not kept.
 * @param makedumpfile false: vmcore-dmesg's format; true: makedumpfile's.
 * @param buf receives the text, NUL-terminated when @p cap > 0.
 * @param cap room in @p buf.
 * @param[out] ret_size bytes of the full rendering (without the NUL), even
 *             when it did not fit; the text is cut at cap - 1 then.
 * @return NULL, or KX_ERROR_NOMEM.
 */
struct kx_error *kx_printk_render_buf(const struct kx_printk_record *rec, bool makedumpfile,
				      char *buf, size_t cap, size_t *ret_size);

#endif /* KX_PRINTK_H */
