/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file x86_load_harness.h
 * The x86_64 loaders under test with a stand-in purgatory (the real one is
 * another module): it places one page and records what it is given and
 * every segment's bytes, so a whole plan and its zero page can be checked
 * byte for byte. Plus helpers to read dry-run prints and zero pages.
 *
 * Include after cmocka.h, test_util.h, image_x86_64.h, byteorder.h and
 * boot_params.h; one test program per inclusion (static state).
 */
#ifndef KX_TESTS_X86_LOAD_HARNESS_H
#define KX_TESTS_X86_LOAD_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// --- the stand-in purgatory ------------------------------------------------

struct seen_segment {
	char role[16];
	uint64_t mem, memsz;
	size_t bufsz;
	uint8_t *bytes; // copy of buf
};

static struct {
	uint64_t mem;
	bool finished;
	struct kx_x86_64_purgatory_params params;
	struct seen_segment seg[16];
	size_t nseg;
} fake;

struct kx_x86_64_purgatory {
	int unused;
};

static struct kx_x86_64_purgatory fake_handle;

static inline struct kx_error *fake_place(struct kx_load_builder *b,
					   struct kx_x86_64_purgatory **ret)
{
	struct kx_buffer_spec s = { NULL, 0, 4096, 4096, 0x3000, UINT64_MAX, KX_HOLE_LAST_FIT,
				    "purgatory" };
	KX_TRY(b->ops->add_buffer(b, &s, &fake.mem));
	*ret = &fake_handle;
	return NULL;
}

static inline void forget_segments(void)
{
	for (size_t i = 0; i < fake.nseg; i++)
		free(fake.seg[i].bytes);
	fake.nseg = 0;
	fake.finished = false;
}

static inline struct kx_error *fake_finish(struct kx_x86_64_purgatory *p, struct kx_load_builder *b,
				    const struct kx_x86_64_purgatory_params *params)
{
	assert_ptr_equal(p, &fake_handle);
	forget_segments();
	fake.params = *params;
	for (size_t i = 0; i < b->ops->count(b) && i < 16; i++) {
		struct kx_segment_view v;
		b->ops->segment(b, i, &v);
		struct seen_segment *s = &fake.seg[fake.nseg++];
		snprintf(s->role, sizeof(s->role), "%s", v.role);
		s->mem = v.mem;
		s->memsz = v.memsz;
		s->bufsz = v.bufsz;
		s->bytes = calloc(1, v.bufsz + 1);
		if (v.buf)
			memcpy(s->bytes, v.buf, v.bufsz);
	}
	fake.finished = true;
	b->ops->set_entry(b, fake.mem);
	return NULL;
}

static inline void fake_destroy(struct kx_x86_64_purgatory *p)
{
	assert_ptr_equal(p, &fake_handle);
}

static const struct kx_x86_64_purgatory_ops fake_ops = { fake_place, fake_finish, fake_destroy };

static inline const struct seen_segment *seen(const char *role)
{
	for (size_t i = 0; i < fake.nseg; i++)
		if (strcmp(fake.seg[i].role, role) == 0)
			return &fake.seg[i];
	fail_msg("no %s segment", role);
	return NULL;
}

static inline struct kx_error *bz_load(const struct kx_load_input *in, struct kx_load_builder *b)
{
	return kx_x86_64_bzimage_load_with(in, b, &fake_ops);
}

static inline struct kx_error *elf_load(const struct kx_load_input *in, struct kx_load_builder *b)
{
	return kx_x86_64_elf_load_with(in, b, &fake_ops);
}

static const struct kx_image_loader bz = {
	.name = "bzImage64", .probe = kx_x86_64_bzimage_probe, .load = bz_load,
};
static const struct kx_image_loader elf = {
	.name = "elf-x86_64", .probe = kx_x86_64_elf_probe, .load = elf_load,
};
static const struct kx_image_loader *const test_loaders[] = { &elf, &bz, NULL };

// The segment lines of a dry-run print, without their sha256.
static inline char *segment_lines(const char *out)
{
	char *text = calloc(1, strlen(out) + 1);
	size_t n = 0;
	for (const char *l = out; *l;) {
		const char *eol = strchr(l, '\n');
		size_t len = eol ? (size_t)(eol - l) : strlen(l);
		if (strncmp(l, "segment ", 8) == 0) {
			const char *sha = strstr(l, " sha256=");
			size_t keep = sha && sha < l + len ? (size_t)(sha - l) : len;
			memcpy(text + n, l, keep);
			n += keep;
			text[n++] = '\n';
		}
		l += len + (eol ? 1 : 0);
	}
	return text;
}

static inline uint64_t e820_field(const uint8_t *zp, size_t i, size_t off, size_t width)
{
	const uint8_t *e = zp + KX_BP_E820_TABLE + i * KX_BP_E820_ENTRY_SIZE + off;
	return width == 8 ? kx_get_le64(e) : kx_get_le32(e);
}

// The first segment placed at @p mem.
static inline const struct seen_segment *seen_at(uint64_t mem)
{
	for (size_t i = 0; i < fake.nseg; i++)
		if (fake.seg[i].mem == mem)
			return &fake.seg[i];
	fail_msg("no segment at 0x%llx", (unsigned long long)mem);
	return NULL;
}

// A two-PT_LOAD vmlinux shape: text at phys @p paddr (vaddr
// 0xffffffff81000000; CONFIG_PHYSICAL_START), data 2 MiB after it, e_entry
// physical (ENTRY(phys_startup_64)).
static inline uint8_t *make_vmlinux(uint64_t paddr, size_t *ret_size)
{
	size_t size = 0x3000;
	uint8_t *p = calloc(1, size);
	memcpy(p, "\177ELF\2\1\1", 7);
	kx_put_le16(p + 16, 2);
	kx_put_le16(p + 18, 62);
	kx_put_le32(p + 20, 1);
	kx_put_le64(p + 24, paddr);
	kx_put_le64(p + 32, 64);
	kx_put_le16(p + 52, 64);
	kx_put_le16(p + 54, 56);
	kx_put_le16(p + 56, 2);
	for (int i = 0; i < 2; i++) {
		uint8_t *ph = p + 64 + 56 * i;
		kx_put_le32(ph, 1);
		kx_put_le64(ph + 8, 0x1000 + 0x1000 * (uint64_t)i);
		kx_put_le64(ph + 16, 0xffffffff81000000 + 0x200000 * (uint64_t)i);
		kx_put_le64(ph + 24, paddr + 0x200000 * (uint64_t)i);
		kx_put_le64(ph + 32, 0x1000);
		kx_put_le64(ph + 40, i ? 0x5000 : 0x1000);
	}
	memset(p + 0x1000, 0x90, 0x2000);
	*ret_size = size;
	return p;
}

static inline struct kx_test_run run(const char *root, ...)
{
	va_list ap;
	va_start(ap, root);
	struct kx_test_run r = kx_test_run_kexec(NULL, test_loaders, root, ap);
	va_end(ap);
	return r;
}

static inline void write_temp(char *path, const void *buf, size_t size)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, size), (ssize_t)size);
	close(fd);
}

#endif /* KX_TESTS_X86_LOAD_HARNESS_H */
