/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file elf_core.h
 * Reading ELF64 core files: /proc/vmcore, QEMU dump-guest-memory output and
 * makedumpfile -E files.
 *
 * The input is treated as hostile. Only headers and notes are read into
 * memory (never page data); everything is checked against the file size
 * before use, and errors name the file ("vmcore: PT_LOAD 3 extends past end
 * of file (...)").
 *
 * Accepted: ELFCLASS64, ELFDATA2LSB, ET_CORE, e_machine EM_X86_64 (62) or
 * EM_LOONGARCH (258). e_phoff is honoured wherever it points (QEMU writes the
 * program headers at 192), and the PN_XNUM extension (e_phnum == 0xffff, real
 * count in section header 0's sh_info) is supported.
 *
 * Headers are parsed with elfutils libelf (link with -lelf). libelf needs
 * elf_version(EV_CURRENT) to have been called once per process; this module
 * calls it on every open. That call sets process-global state inside libelf,
 * but always to the same value, so it is harmless to repeat and to mix with
 * other libelf users. Notes are parsed here, by hand, with bounds checks.
 *
 * Physical address lookups are O(log n): at open time the PT_LOADs are turned
 * into a sorted list of disjoint extents. PT_LOADs may be unsorted and may
 * overlap in physical space (the x86_64 crash header has a kernel-text
 * PT_LOAD overlapping a RAM one). Overlaps are resolved deterministically,
 * like makedumpfile's "first PT_LOAD containing the address within its file
 * size": an address backed by file data in several PT_LOADs maps to the
 * earliest such program header in file order; file data always wins over
 * another PT_LOAD's zero-filled tail (p_memsz beyond p_filesz); among tails
 * only, the earliest PT_LOAD is reported.
 */
#ifndef KX_ELF_CORE_H
#define KX_ELF_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/** The e_machine values this reader accepts. */
enum kx_elf_machine {
	KX_ELF_MACHINE_X86_64 = 62,
	KX_ELF_MACHINE_LOONGARCH = 258,
};

/** Limits on what an input may make us allocate. */
enum {
	/** Total bytes of all PT_NOTE segments read into memory (64 MiB). */
	KX_ELF_CORE_MAX_NOTE_BYTES = 64 << 20,
	/** Maximum number of notes over all PT_NOTE segments. */
	KX_ELF_CORE_MAX_NOTES = 1 << 18,
	/** Maximum number of program headers (with PN_XNUM). */
	KX_ELF_CORE_MAX_PHDRS = 1 << 22,
};

/** The type of the per-CPU register note (name "CORE"). */
static const uint32_t KX_ELF_NT_PRSTATUS = 1;

/** An opened core file. Opaque. */
struct kx_elf_core;

/** One PT_LOAD program header, as in the file. */
struct kx_elf_core_load {
	uint64_t paddr;   /**< p_paddr */
	uint64_t vaddr;   /**< p_vaddr */
	uint64_t offset;  /**< p_offset: file offset of the data */
	uint64_t filesz;  /**< p_filesz: bytes present in the file */
	uint64_t memsz;   /**< p_memsz: bytes of memory; the rest reads as zero */
	uint32_t flags;   /**< p_flags */
	size_t phdr_index; /**< index in the program header table */
};

/** One ELF note. Pointers point into memory owned by the core. */
struct kx_elf_core_note {
	/** Name bytes as in the file (namesz bytes; normally NUL-terminated). */
	const uint8_t *name;
	uint32_t namesz;
	uint32_t type;
	/** Descriptor bytes (descsz bytes, not NUL-terminated). */
	const uint8_t *desc;
	uint32_t descsz;
	/** File offset of the note header. */
	uint64_t offset;
	/** File offset of the descriptor. */
	uint64_t desc_offset;
	/** Index of the PT_NOTE segment (see kx_elf_core_note_segments()). */
	size_t segment;
};

/** One PT_NOTE segment. */
struct kx_elf_core_note_segment {
	size_t phdr_index;     /**< index in the program header table */
	uint64_t offset;       /**< p_offset */
	uint64_t filesz;       /**< p_filesz, trailing zero padding included */
	/** Notes proper: from the start up to the end of the last note. */
	uint64_t size;
	/** p_filesz bytes of the segment, owned by the core. */
	const uint8_t *data;
};

/** Where a physical address lives. */
struct kx_elf_core_extent {
	/** False: the address is in a p_memsz-beyond-p_filesz tail (reads as zero). */
	bool has_data;
	/** File offset of the address (only meaningful when has_data). */
	uint64_t offset;
	/**
	 * Bytes from the address onwards with the same answer from the same
	 * PT_LOAD: file data contiguous from offset, or zero fill. Never 0.
	 */
	uint64_t size;
	/** The PT_LOAD providing it, as an index into kx_elf_core_loads(). */
	size_t load;
};

/**
 * Open and parse the core file @p path (read-only, close-on-exec). The core
 * owns the descriptor and closes it in kx_elf_core_destroy().
 * @param[out] ret the new core.
 * @return KX_ERROR_OS when the file cannot be opened or read,
 * KX_ERROR_CORRUPT for malformed input, KX_ERROR_UNSUPPORTED for a valid ELF
 * file of the wrong class, byte order, type or machine, KX_ERROR_OVERFLOW
 * when a limit above is exceeded, KX_ERROR_NOMEM.
 */
struct kx_error *kx_elf_core_open(const char *path, struct kx_elf_core **ret);

/**
 * Parse the core file open on @p fd. The descriptor is borrowed: it must stay
 * open, and at the same file, while the core is used; destroy does not close
 * it. Errors as for kx_elf_core_open().
 * @param path name used in error messages (copied); may be NULL ("ELF core").
 * @param[out] ret the new core.
 */
struct kx_error *kx_elf_core_create(int fd, const char *path, struct kx_elf_core **ret);

/** Free @p core (and close its descriptor if it was opened by path). NULL is a no-op. */
void kx_elf_core_destroy(struct kx_elf_core *core);

/** e_machine of the core: one of enum kx_elf_machine. */
uint16_t kx_elf_core_machine(const struct kx_elf_core *core);

/** The name given at open time, used in error messages. Never NULL. */
const char *kx_elf_core_path(const struct kx_elf_core *core);

/** The descriptor the core reads from. */
int kx_elf_core_fd(const struct kx_elf_core *core);

/** Size of the file in bytes at open time. */
uint64_t kx_elf_core_file_size(const struct kx_elf_core *core);

/**
 * The PT_LOADs in file order (not sorted).
 * @param[out] ret_count number of entries.
 * @return the array, owned by the core; NULL when there are none.
 */
const struct kx_elf_core_load *kx_elf_core_loads(const struct kx_elf_core *core,
						 size_t *ret_count);

/**
 * All notes of all PT_NOTE segments, in file order. Trailing zero padding of
 * a segment (an all-zero note header) ends that segment's notes.
 * @param[out] ret_count number of notes.
 * @return the array, owned by the core; NULL when there are none.
 */
const struct kx_elf_core_note *kx_elf_core_notes(const struct kx_elf_core *core,
						 size_t *ret_count);

/**
 * The PT_NOTE segments in file order.
 * @param[out] ret_count number of segments.
 * @return the array, owned by the core; NULL when there are none.
 */
const struct kx_elf_core_note_segment *
kx_elf_core_note_segments(const struct kx_elf_core *core, size_t *ret_count);

/**
 * True when the name of @p note is @p name. Like the kernel and makedumpfile,
 * namesz must be strlen(name) + 1 with a terminating NUL; namesz equal to
 * strlen(name) (no NUL) is also accepted.
 */
bool kx_elf_core_note_name_is(const struct kx_elf_core_note *note, const char *name);

/**
 * The VMCOREINFO text: the descriptor of the first note named "VMCOREINFO"
 * with type 0, up to its first NUL byte.
 * @param[out] ret_text NUL-terminated copy owned by the core.
 * @param[out] ret_size strlen of the text; may be NULL.
 * @return KX_ERROR_NOT_FOUND when the core has no VMCOREINFO note.
 */
struct kx_error *kx_elf_core_vmcoreinfo(const struct kx_elf_core *core,
					const char **ret_text, size_t *ret_size);

/** Number of NT_PRSTATUS notes (name "CORE", type 1): one per CPU. */
size_t kx_elf_core_num_prstatus(const struct kx_elf_core *core);

/**
 * The @p i-th NT_PRSTATUS note in file order, or NULL when
 * @p i >= kx_elf_core_num_prstatus().
 */
const struct kx_elf_core_note *kx_elf_core_prstatus(const struct kx_elf_core *core,
						    size_t i);

/**
 * Describe where physical address @p paddr lives.
 * @param[out] ret filled on success.
 * @return KX_ERROR_FAULT (address set) when no PT_LOAD covers @p paddr.
 */
struct kx_error *kx_elf_core_paddr_extent(const struct kx_elf_core *core, uint64_t paddr,
					  struct kx_elf_core_extent *ret);

/**
 * Map physical address @p paddr to a file offset.
 * @param[out] ret_offset file offset of @p paddr.
 * @param[out] ret_avail contiguous bytes of file data from there (>= 1).
 * @return KX_ERROR_NODATA when @p paddr lies in a PT_LOAD's zero-filled tail
 * (p_memsz beyond p_filesz), KX_ERROR_FAULT when no PT_LOAD covers it.
 */
struct kx_error *kx_elf_core_paddr_to_offset(const struct kx_elf_core *core,
					     uint64_t paddr, uint64_t *ret_offset,
					     uint64_t *ret_avail);

/**
 * Read @p size bytes of physical memory at @p paddr into @p buf, crossing
 * PT_LOAD boundaries where the address ranges are contiguous.
 * @return as kx_elf_core_paddr_to_offset() for the first address that cannot
 * be read (zero-filled tails are not read as zeros: KX_ERROR_NODATA);
 * KX_ERROR_OS or KX_ERROR_CORRUPT from the read itself. @p buf may be
 * partly written on failure.
 */
struct kx_error *kx_elf_core_read_paddr(const struct kx_elf_core *core, uint64_t paddr,
					void *buf, size_t size);

#endif /* KX_ELF_CORE_H */
