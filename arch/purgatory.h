/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file purgatory.h
 * The purgatory relocator: lays out a relocatable ELF object (ET_REL) built
 * for x86_64 or LoongArch64, places it through a loader's builder, applies
 * its relocations for the address it landed at, patches named variables
 * with exact size checks, and writes the SHA-256 of every other segment
 * into it.
 *
 * **What a purgatory is.** A small freestanding program that the kernel's
 * kexec relocation code enters instead of the next kernel. It recomputes
 * the SHA-256 of the other segments in memory, compares it with the digest
 * kexec patched into it, halts on a mismatch, and otherwise jumps to the
 * kernel with the registers the boot protocol wants. The objects are built
 * from arch/<arch>/purgatory/ at build time and embedded in the binary
 * (kx_purgatory_x86_64_blob, kx_purgatory_loongarch64_blob).
 *
 * **Object format.** ELF64 little-endian, ET_REL, the expected e_machine,
 * at most 256 sections, with one SHT_SYMTAB and SHT_RELA sections (SHT_REL
 * is refused). Every SHF_ALLOC section is laid out in section order, each at
 * its alignment: first those with bytes, then the SHT_NOBITS ones (.bss),
 * which extend memsz past bufsz and are zero in memory because the kernel
 * zero-fills a segment past its buffer. Relocations of sections that are not
 * laid out (debug info) are ignored. Supported relocation types:
 *  - x86_64: NONE, 64, 32, 32S, PC32, PLT32;
 *  - LoongArch: NONE, 32, 64, B16, B21, B26, PCALA_HI20, PCALA_LO12 (what
 *    clang-19 -mcmodel=normal -fno-pic produces, plus the two shorter
 *    branches).
 * Anything else is KX_ERROR_UNSUPPORTED naming the type. Undefined and
 * common symbols are KX_ERROR_CORRUPT: the object must be self-contained.
 *
 * **Run address.** The address the code runs at is `window | mem`, where
 * mem is the physical address the builder chose: window is 0 for x86_64
 * (identity map) and 0x9000000000000000 for LoongArch, whose kernel enters
 * the purgatory through the cached direct-map window. PC-relative
 * relocations do not care; absolute ones get the window address.
 *
 * **Order of use.** create → place (relocates) → set symbols → after every
 * other segment is final, set_digest (writes sha256_regions and
 * sha256_digest last, after all other patching) → the loader sets the entry
 * from kx_purgatory_entry() → destroy. The placed buffer belongs to the
 * builder (see kx_buffer_spec.buf); the handle writes through it until
 * destroyed, which must happen before the loader's load() returns.
 */
#ifndef KX_PURGATORY_H
#define KX_PURGATORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "loader.h"

/** The embedded x86_64 purgatory object; size 0 when the build has none. */
extern const unsigned char kx_purgatory_x86_64_blob[];
extern const size_t kx_purgatory_x86_64_blob_size; /**< bytes of the blob */
/**
 * The embedded LoongArch purgatory object; size 0 when configure found no
 * compiler for it (an x86_64 build host without clang-19/lld-19).
 */
extern const unsigned char kx_purgatory_loongarch64_blob[];
extern const size_t kx_purgatory_loongarch64_blob_size; /**< bytes of the blob */

/** A parsed (and later placed) purgatory object; opaque, heap. */
struct kx_purgatory;

/**
 * Parse and check @p obj: the ELF header and section table, the symbol
 * table, and every relocation that applies to a laid-out section (type,
 * offset, symbol). Nothing address-dependent is checked yet.
 * @param obj the object's bytes; copied, the caller keeps ownership.
 * @param name what errors call the object ("x86_64 purgatory").
 * @param machine the e_machine required (EM_X86_64 62, EM_LOONGARCH 258).
 * @param[out] ret the new handle; untouched on failure.
 * @return NULL, KX_ERROR_CORRUPT "NAME: ..." for a malformed object,
 *         KX_ERROR_UNSUPPORTED for an unknown relocation type or machine,
 *         KX_ERROR_NOMEM.
 */
struct kx_error *kx_purgatory_create(const void *obj, size_t size, const char *name,
				     uint16_t machine, struct kx_purgatory **ret);

/** Free the handle (never the placed buffer). NULL is a no-op. */
void kx_purgatory_destroy(struct kx_purgatory *p);

/** Bytes of the laid-out image that carry data (its segment's bufsz). */
size_t kx_purgatory_bufsz(const struct kx_purgatory *p);

/** Bytes the laid-out image needs in memory, .bss included (memsz). */
uint64_t kx_purgatory_memsz(const struct kx_purgatory *p);

/**
 * Lay the object out into a new buffer, place it with @p b's add_buffer()
 * (role "purgatory", align = the largest section alignment, within
 * [@p min, @p max), @p fit) and apply every relocation for the run address
 * `@p window | mem`. Call once.
 * @return NULL, the builder's error, or KX_ERROR_OVERFLOW "NAME: relocation
 *         R_... at .text+0x...: value 0x... does not fit" when the chosen
 *         address puts a target out of a relocation's reach.
 */
struct kx_error *kx_purgatory_place(struct kx_purgatory *p, struct kx_load_builder *b,
				    uint64_t min, uint64_t max, enum kx_hole_fit fit,
				    uint64_t window);

/** Physical address the purgatory was placed at (0 before place). */
uint64_t kx_purgatory_mem(const struct kx_purgatory *p);

/**
 * The placed, relocated bytes (kx_purgatory_bufsz() of them), for tests
 * and dumps; NULL before place.
 */
const void *kx_purgatory_image(const struct kx_purgatory *p);

/**
 * Physical address of global symbol @p name (section address + value).
 * Valid after place. @return KX_ERROR_NOT_FOUND "NAME has no global symbol
 * S", KX_ERROR_INVALID_ARG before place.
 */
struct kx_error *kx_purgatory_symbol_addr(const struct kx_purgatory *p, const char *name,
					  uint64_t *ret);

/**
 * Physical entry point: the address of global symbol "purgatory_start".
 * @return as kx_purgatory_symbol_addr().
 */
struct kx_error *kx_purgatory_entry(const struct kx_purgatory *p, uint64_t *ret);

/**
 * Overwrite global symbol @p name with @p size bytes from @p val. The
 * symbol must be a global data object with st_size == @p size exactly, in
 * a section with bytes (not .bss).
 * @return NULL; KX_ERROR_NOT_FOUND; KX_ERROR_INVALID_ARG "NAME: symbol S is
 *         N bytes, got M", "... is in a section without bytes (.bss)", or
 *         when called before place.
 */
struct kx_error *kx_purgatory_set_symbol(struct kx_purgatory *p, const char *name,
					 const void *val, size_t size);

/** Read global symbol @p name, @p size bytes exactly, into @p out (checks as for set). */
struct kx_error *kx_purgatory_get_symbol(const struct kx_purgatory *p, const char *name,
					 void *out, size_t size);

/**
 * Store @p value little-endian into the @p size-byte (1, 2, 4 or 8) global
 * @p name, which must be exactly that size.
 * @return as kx_purgatory_set_symbol(), or KX_ERROR_OVERFLOW when @p value
 *         does not fit in @p size bytes.
 */
struct kx_error *kx_purgatory_set_uint(struct kx_purgatory *p, const char *name,
				       uint64_t value, size_t size);

/**
 * Hash every segment of @p b except the purgatory's own and those whose
 * mem is in @p exclude (@p nexclude entries; e.g. the elfcorehdr under
 * --hotplug): each segment's buf, then zeros up to memsz, in segment order.
 * Writes {mem, memsz} of each into "sha256_regions" (16 entries, the rest
 * zero) and the digest into "sha256_digest". Call after all other patching
 * and after every segment is final.
 * @return NULL, KX_ERROR_NOSPACE "N segments to hash, the purgatory holds
 *         at most 16", or the symbol errors.
 */
struct kx_error *kx_purgatory_set_digest(struct kx_purgatory *p,
					 const struct kx_load_builder *b,
					 const uint64_t *exclude, size_t nexclude);

#endif /* KX_PURGATORY_H */
