/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file elf_test_builder.h
 * A tiny byte-level builder for synthetic ELF64 core files, for unit tests.
 *
 * Deliberately independent of common/elf_core_header.c: fields are poked at
 * explicit offsets, so tests can also build malformed files (any e_phoff,
 * wrong fields, truncation) and cross-check the writer. Test code only:
 * allocation failure aborts.
 */
#ifndef KX_ELF_TEST_BUILDER_H
#define KX_ELF_TEST_BUILDER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** A growable, zero-filled byte buffer holding the file image. */
struct elf_tb {
	uint8_t *buf;
	size_t size;
	size_t cap;
};

/** Make the image at least @p size bytes long (new bytes are zero). */
static inline void elf_tb_reserve(struct elf_tb *tb, size_t size)
{
	if (size <= tb->size)
		return;
	if (size > tb->cap) {
		size_t cap = tb->cap ? tb->cap : 4096;
		while (cap < size)
			cap *= 2;
		tb->buf = realloc(tb->buf, cap);
		if (!tb->buf)
			abort();
		tb->cap = cap;
	}
	memset(tb->buf + tb->size, 0, size - tb->size);
	tb->size = size;
}

/** Free the image. */
static inline void elf_tb_free(struct elf_tb *tb)
{
	free(tb->buf);
	*tb = (struct elf_tb){ 0 };
}

/** Store @p v little-endian in @p n bytes at @p off, growing the image. */
static inline void elf_tb_put(struct elf_tb *tb, size_t off, uint64_t v, int n)
{
	elf_tb_reserve(tb, off + (size_t)n);
	for (int i = 0; i < n; i++)
		tb->buf[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/** Little-endian load of @p n bytes at @p p. */
static inline uint64_t elf_tb_get(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/** A valid ELF64 LSB ET_CORE header with program headers at @p phoff. */
static inline void elf_tb_ehdr(struct elf_tb *tb, uint16_t machine, uint64_t phoff,
			       uint16_t phnum)
{
	elf_tb_reserve(tb, 64);
	memcpy(tb->buf, "\177ELF\2\1\1", 7);
	elf_tb_put(tb, 16, 4, 2);        // ET_CORE
	elf_tb_put(tb, 18, machine, 2);
	elf_tb_put(tb, 20, 1, 4);        // EV_CURRENT
	elf_tb_put(tb, 32, phoff, 8);
	elf_tb_put(tb, 52, 64, 2);
	elf_tb_put(tb, 54, 56, 2);
	elf_tb_put(tb, 56, phnum, 2);
}

/** Program header @p i of the table at @p phoff. */
static inline void elf_tb_phdr(struct elf_tb *tb, uint64_t phoff, size_t i,
			       uint32_t type, uint64_t offset, uint64_t vaddr,
			       uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	size_t p = (size_t)phoff + i * 56;
	elf_tb_put(tb, p, type, 4);
	elf_tb_put(tb, p + 4, 7, 4);
	elf_tb_put(tb, p + 8, offset, 8);
	elf_tb_put(tb, p + 16, vaddr, 8);
	elf_tb_put(tb, p + 24, paddr, 8);
	elf_tb_put(tb, p + 32, filesz, 8);
	elf_tb_put(tb, p + 40, memsz, 8);
	elf_tb_put(tb, p + 48, 0, 8);
}

/**
 * A note at @p off (name NUL-terminated, namesz = strlen + 1, both parts
 * padded to 4). @return bytes written.
 */
static inline size_t elf_tb_note(struct elf_tb *tb, size_t off, const char *name,
				 uint32_t type, const void *desc, uint32_t descsz)
{
	size_t namesz = strlen(name) + 1;
	size_t npad = (namesz + 3) & ~(size_t)3, dpad = (descsz + 3) & ~(size_t)3;
	elf_tb_reserve(tb, off + 12 + npad + dpad);
	elf_tb_put(tb, off, namesz, 4);
	elf_tb_put(tb, off + 4, descsz, 4);
	elf_tb_put(tb, off + 8, type, 4);
	memcpy(tb->buf + off + 12, name, namesz);
	if (descsz)
		memcpy(tb->buf + off + 12 + npad, desc, descsz);
	return 12 + npad + dpad;
}

/** The synthetic content of physical address @p paddr. */
static inline uint8_t elf_tb_byte(uint64_t paddr)
{
	return (uint8_t)(paddr * 131 + (paddr >> 8) * 7 + (paddr >> 32) + 1);
}

/** Fill @p len bytes at file offset @p off with the content of @p paddr on. */
static inline void elf_tb_fill(struct elf_tb *tb, size_t off, uint64_t paddr, size_t len)
{
	elf_tb_reserve(tb, off + len);
	for (size_t i = 0; i < len; i++)
		tb->buf[off + i] = elf_tb_byte(paddr + i);
}

/**
 * Write @p size bytes of @p buf to a new temporary file under $TMPDIR (or
 * /tmp). @return malloc'd path; the caller unlinks and frees it.
 */
static inline char *elf_tb_write_buf(const void *buf, size_t size)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(4096);
	if (!path)
		abort();
	snprintf(path, 4096, "%s/kx_elf_test_XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		abort();
	const uint8_t *p = buf;
	while (size) {
		ssize_t n = write(fd, p, size);
		if (n <= 0)
			abort();
		p += n;
		size -= (size_t)n;
	}
	close(fd);
	return path;
}

/** Write the image to a temporary file, see elf_tb_write_buf(). */
static inline char *elf_tb_write(const struct elf_tb *tb)
{
	return elf_tb_write_buf(tb->buf, tb->size);
}

/** Unlink and free a path from elf_tb_write(). */
static inline void elf_tb_unlink(char *path)
{
	unlink(path);
	free(path);
}

#endif /* KX_ELF_TEST_BUILDER_H */
