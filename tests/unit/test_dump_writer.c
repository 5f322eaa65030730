// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "compress.h"
#include "diskdump_reader.h"
#include "dump_writer.h"
#include "dump_sample.h"
#include "io.h"
#include "test_util.h"

// A fresh, already unlinked temporary file.
static int temp_file(void)
{
	char name[] = "/tmp/kx-test-dump-XXXXXX";
	int fd = mkstemp(name);
	assert_true(fd >= 0);
	unlink(name);
	return fd;
}

static struct kx_diskdump_reader *open_reader(int fd)
{
	struct kx_diskdump_reader *r = NULL;
	assert_kx_ok(kx_diskdump_reader_create(fd, "sample.dump", &r));
	return r;
}

static void check_headers(struct kx_diskdump_reader *r, enum kx_compress_method m,
			  int dump_level)
{
	const struct kx_diskdump_header *h = kx_diskdump_reader_header(r);
	const struct kx_diskdump_sub_header *s = kx_diskdump_reader_sub_header(r);
	assert_memory_equal(h->signature, "KDUMP   ", 8);
	assert_int_equal(h->header_version, 6);
	assert_int_equal(h->status, (uint32_t)m);
	assert_int_equal(h->block_size, SAMPLE_BS);
	assert_int_equal(h->nr_cpus, SAMPLE_NR_CPUS);
	assert_int_equal(h->timestamp_sec, 1700000000);
	assert_int_equal(h->timestamp_usec, 0);
	assert_string_equal(h->utsname.machine, "x86_64");
	assert_int_equal(s->dump_level, dump_level);
	assert_int_equal(s->phys_base, 0x1000000);
	assert_int_equal(s->max_mapnr_64, SAMPLE_MAX_MAPNR);
	assert_int_equal(s->offset_note, SAMPLE_BS + 104);
	const struct kx_diskdump_layout *l = kx_diskdump_reader_layout(r);
	assert_int_equal(l->num_dumpable, sample_num_dumpable());
	assert_true(l->two_bitmaps);

	unsigned char notes[SAMPLE_NOTES_CAP];
	uint64_t voff, vsize;
	size_t nsize = sample_notes(notes, &voff, &vsize), got;
	const unsigned char *n = kx_diskdump_reader_notes(r, &got);
	assert_int_equal(got, nsize);
	assert_memory_equal(n, notes, nsize);
	assert_int_equal(s->offset_vmcoreinfo, SAMPLE_BS + 104 + voff);
	assert_string_equal(kx_diskdump_reader_vmcoreinfo(r, &got), sample_vmcoreinfo);
}

// Every pfn reads back as written, or fails as a hole/excluded page must.
static void check_pages(struct kx_diskdump_reader *r, int dump_level)
{
	unsigned char want[SAMPLE_BS], got[SAMPLE_BS];
	const struct kx_diskdump_layout *l = kx_diskdump_reader_layout(r);
	for (uint64_t pfn = 0; pfn < SAMPLE_MAX_MAPNR; pfn++) {
		enum sample_kind k = sample_kind(pfn);
		bool present, dumpable;
		assert_kx_ok(kx_diskdump_reader_pfn_present(r, pfn, &present));
		assert_kx_ok(kx_diskdump_reader_pfn_dumpable(r, pfn, &dumpable));
		assert_int_equal(present, k != SAMPLE_HOLE);
		assert_int_equal(dumpable, k != SAMPLE_HOLE && k != SAMPLE_EXCLUDED);
		if (k == SAMPLE_HOLE) {
			assert_kx_err(kx_diskdump_reader_read_page(r, pfn, got), KX_ERROR_FAULT,
				      "not in the dump (memory hole)");
			continue;
		}
		if (k == SAMPLE_EXCLUDED) {
			assert_kx_err(kx_diskdump_reader_read_page(r, pfn, got), KX_ERROR_NODATA,
				      "was excluded from the dump");
			continue;
		}
		sample_page(pfn, want);
		assert_kx_ok(kx_diskdump_reader_read_page(r, pfn, got));
		assert_memory_equal(got, want, SAMPLE_BS);
		struct kx_diskdump_page_desc pd;
		assert_kx_ok(kx_diskdump_reader_page_desc(r, pfn, &pd));
		assert_int_equal(pd.page_flags, 0);
		if (k == SAMPLE_ZERO && (dump_level & 1)) {
			assert_int_equal(pd.offset, l->offset_data);
			assert_int_equal(pd.size, SAMPLE_BS);
			assert_int_equal(pd.flags, 0);
		} else {
			assert_true(pd.offset >= l->offset_data + ((dump_level & 1) ? SAMPLE_BS : 0));
		}
		if (k == SAMPLE_RANDOM)
			assert_int_equal(pd.flags, 0);
	}
	assert_kx_err(kx_diskdump_reader_read_page(r, SAMPLE_MAX_MAPNR, got), KX_ERROR_FAULT,
		      "beyond max_mapnr");
}

static void round_trip(enum kx_compress_method m, int dump_level, size_t buffer_size)
{
	int fd = temp_file();
	assert_kx_ok(sample_write(fd, "sample.dump", m, dump_level, buffer_size));
	struct kx_diskdump_reader *r = open_reader(fd);
	check_headers(r, m, dump_level);
	check_pages(r, dump_level);
	// Text pages are compressed with the method's flag.
	struct kx_diskdump_page_desc pd;
	assert_int_equal(sample_kind(12), SAMPLE_TEXT);
	assert_kx_ok(kx_diskdump_reader_page_desc(r, 12, &pd));
	assert_int_equal(pd.flags, (uint32_t)m);
	if (m != KX_COMPRESS_NONE)
		assert_true(pd.size < SAMPLE_BS);
	kx_diskdump_reader_destroy(r);
	close(fd);
}

// The sample's pages compressed here in batches of @batch pages laid one
// after the other, as the pipeline does, and added by reference; every
// fifth batch's first page is added as a copy instead.
static struct kx_error *ref_pages(struct kx_dump_writer *w, enum kx_compress_method m,
				  int dump_level, unsigned int batch)
{
	struct kx_compressor *c;
	KX_TRY(kx_compressor_create(m, SAMPLE_BS, &c));
	size_t room = kx_compressor_room(c);
	unsigned char *arena = malloc(batch * room), page[SAMPLE_BS];
	struct kx_error *err = arena ? NULL : &kx_enomem;
	size_t used = 0;
	unsigned int in_batch = 0, batches = 0;
	for (uint64_t pfn = 0; pfn < SAMPLE_MAX_MAPNR && !err; pfn++) {
		enum sample_kind k = sample_kind(pfn);
		if (k == SAMPLE_HOLE || k == SAMPLE_EXCLUDED)
			continue;
		sample_page(pfn, page);
		uint32_t size = 0, flags;
		if ((dump_level & 1) && kx_dump_writer_page_is_zero(page, sizeof(page)))
			err = kx_dump_writer_add_zero_page(w);
		else if (!(err = kx_compressor_compress_into(c, page, arena + used, &size, &flags)))
			err = in_batch == 0 && batches % 5 == 4
				? kx_dump_writer_add_stored(w, arena + used, size, flags)
				: kx_dump_writer_add_stored_ref(w, arena + used, size, flags);
		used += size;
		if (!err && ++in_batch == batch) {
			err = kx_dump_writer_flush_refs(w);
			used = in_batch = 0;
			batches++;
		}
	}
	// The last batch, however short, is written before its memory goes.
	if (!err)
		err = kx_dump_writer_flush_refs(w);
	free(arena);
	kx_compressor_destroy(c);
	return err;
}

// Pages added by reference make the very file that copies make.
static void by_ref(enum kx_compress_method m, int dump_level, size_t buffer_size,
		   unsigned int batch)
{
	int copied = temp_file(), referenced = temp_file();
	assert_kx_ok(sample_write(copied, "copied.dump", m, dump_level, buffer_size));
	unsigned char notes[SAMPLE_NOTES_CAP];
	struct kx_dump_writer_params p;
	sample_params(&p, notes, m, dump_level, buffer_size);
	struct kx_dump_writer *w;
	assert_kx_ok(kx_dump_writer_create(referenced, "referenced.dump", &p, &w));
	assert_kx_ok(kx_dump_writer_write_headers(w));
	assert_kx_ok(sample_bitmap(w, 1, 512));
	assert_kx_ok(sample_bitmap(w, 2, 200));
	assert_kx_ok(ref_pages(w, m, dump_level, batch));
	assert_kx_ok(kx_dump_writer_finish(w));
	kx_dump_writer_destroy(w);
	off_t size = lseek(copied, 0, SEEK_END);
	assert_int_equal(lseek(referenced, 0, SEEK_END), size);
	unsigned char *a = malloc((size_t)size), *b = malloc((size_t)size);
	assert_non_null(a);
	assert_non_null(b);
	assert_kx_ok(kx_io_pread_full(copied, a, (size_t)size, 0, "copied"));
	assert_kx_ok(kx_io_pread_full(referenced, b, (size_t)size, 0, "referenced"));
	assert_memory_equal(a, b, (size_t)size);
	free(a);
	free(b);
	close(copied);
	close(referenced);
}

static void test_stored_by_reference(void **state)
{
	(void)state;
	by_ref(KX_COMPRESS_LZO, 31, 0, 7);
	by_ref(KX_COMPRESS_ZLIB, 31, 4096, 3);  // buffers of one page: flushes mid-batch
	by_ref(KX_COMPRESS_NONE, 0, 0, 128);
}

static void test_round_trip_none(void **state)
{
	(void)state;
	round_trip(KX_COMPRESS_NONE, 31, 0);
}

static void test_round_trip_zlib(void **state)
{
	(void)state;
	round_trip(KX_COMPRESS_ZLIB, 31, 0);
}

static void test_round_trip_lzo(void **state)
{
	(void)state;
	round_trip(KX_COMPRESS_LZO, 1, 0);
}

static void test_round_trip_zstd(void **state)
{
	(void)state;
	round_trip(KX_COMPRESS_ZSTD, 17, 0);
}

// Small buffers force a flush every few pages; without dump level bit 0
// zero pages are stored like any other page.
static void test_round_trip_small_buffers_no_zero_sharing(void **state)
{
	(void)state;
	round_trip(KX_COMPRESS_ZLIB, 30, 1);
	round_trip(KX_COMPRESS_NONE, 0, 5000);
}

// The file layout matches makedumpfile's: offsets and the zero block.
static void test_file_layout(void **state)
{
	(void)state;
	int fd = temp_file();
	assert_kx_ok(sample_write(fd, "sample.dump", KX_COMPRESS_ZSTD, 31, 0));
	struct kx_diskdump_reader *r = open_reader(fd);
	const struct kx_diskdump_layout *l = kx_diskdump_reader_layout(r);
	assert_int_equal(l->sub_hdr_size, 1);
	assert_int_equal(l->bitmap_blocks, 2); // 8400 bits = 1050 bytes → 1 block each
	assert_int_equal(l->offset_bitmap1, 2 * 4096);
	assert_int_equal(l->offset_bitmap2, 3 * 4096);
	assert_int_equal(l->offset_desc, 4 * 4096);
	assert_int_equal(l->offset_data, 4 * 4096 + 24 * sample_num_dumpable());
	unsigned char block[SAMPLE_BS], zero[SAMPLE_BS] = { 0 };
	assert_kx_ok(kx_io_pread_full(fd, block, SAMPLE_BS, l->offset_data, "f"));
	assert_memory_equal(block, zero, SAMPLE_BS);
	// Header block: everything after byte 464 is zero; sub header tail too.
	assert_kx_ok(kx_io_pread_full(fd, block, SAMPLE_BS, 0, "f"));
	assert_memory_equal(block + 464, zero, SAMPLE_BS - 464);
	assert_memory_equal(block + 402, zero, 6);
	kx_diskdump_reader_destroy(r);
	close(fd);
}

// A dropped page takes no descriptor; its 2nd-bitmap byte is rewritten.
static void test_drop_page(void **state)
{
	(void)state;
	unsigned char notes[SAMPLE_NOTES_CAP], page[SAMPLE_BS] = { 1 };
	struct kx_dump_writer_params p;
	sample_params(&p, notes, KX_COMPRESS_NONE, 0, 0);
	p.num_dumpable = 3;
	int fd = temp_file();
	struct kx_dump_writer *w;
	assert_kx_ok(kx_dump_writer_create(fd, "d.dump", &p, &w));
	assert_kx_ok(kx_dump_writer_write_headers(w));
	const uint8_t bits = 0x0e;  // pfns 9, 10, 11
	assert_kx_ok(kx_dump_writer_write_bitmap(w, 2, 1, &bits, 1));
	assert_kx_ok(kx_dump_writer_add_page(w, page));
	assert_kx_ok(kx_dump_writer_drop_page(w, 10, 0x0a));
	assert_kx_err(kx_dump_writer_finish(w), KX_ERROR_INVALID_ARG,
		      "1 pages written and 1 dropped but 3 were counted");
	assert_kx_ok(kx_dump_writer_add_stored(w, page, SAMPLE_BS, 0));
	assert_kx_err(kx_dump_writer_drop_page(w, 12, 0), KX_ERROR_INVALID_ARG,
		      "more pages than the 3 counted");
	assert_kx_err(kx_dump_writer_add_stored(w, page, SAMPLE_BS + 1, 0),
		      KX_ERROR_INVALID_ARG, "a stored page of 4097 bytes");
	assert_kx_ok(kx_dump_writer_finish(w));
	assert_int_equal(kx_dump_writer_pages_added(w), 2);
	const struct kx_diskdump_layout *l = kx_dump_writer_layout(w);
	uint8_t byte;
	assert_kx_ok(kx_io_pread_full(fd, &byte, 1, l->offset_bitmap2 + 1, "d"));
	assert_int_equal(byte, 0x0a);
	kx_dump_writer_destroy(w);
	close(fd);
}

static void test_misuse(void **state)
{
	(void)state;
	unsigned char notes[SAMPLE_NOTES_CAP], page[SAMPLE_BS] = { 1 };
	struct kx_dump_writer_params p;
	sample_params(&p, notes, KX_COMPRESS_ZLIB, 0, 0);
	p.num_dumpable = 1;
	int fd = temp_file();
	struct kx_dump_writer *w;
	assert_kx_ok(kx_dump_writer_create(fd, "x.dump", &p, &w));
	assert_kx_err(kx_dump_writer_add_page(w, page), KX_ERROR_INVALID_ARG,
		      "headers must be written first");
	assert_kx_err(kx_dump_writer_mark_incomplete(w), KX_ERROR_INVALID_ARG,
		      "x.dump: no header to mark");
	assert_kx_ok(kx_dump_writer_write_headers(w));
	assert_kx_err(kx_dump_writer_add_zero_page(w), KX_ERROR_INVALID_ARG,
		      "zero pages are shared only with dump level bit 1");
	assert_kx_err(kx_dump_writer_write_bitmap(w, 2, 4000, page, 200),
		      KX_ERROR_INVALID_ARG, "does not fit the 4096-byte bitmap");
	assert_kx_err(kx_dump_writer_write_bitmap(w, 3, 0, page, 1), KX_ERROR_INVALID_ARG,
		      "bitmap 3 does not exist");
	assert_kx_err(kx_dump_writer_finish(w), KX_ERROR_INVALID_ARG,
		      "x.dump: 0 pages written and 0 dropped but 1 were counted as dumpable");
	assert_kx_ok(kx_dump_writer_add_page(w, page));
	assert_kx_err(kx_dump_writer_add_page(w, page), KX_ERROR_INVALID_ARG,
		      "more pages than the 1 counted as dumpable");
	assert_kx_ok(kx_dump_writer_finish(w));
	assert_int_equal(kx_dump_writer_pages_added(w), 1);
	kx_dump_writer_destroy(w);
	kx_dump_writer_destroy(NULL);

	p.dump_level = 32;
	assert_kx_err(kx_dump_writer_create(fd, "x", &p, &w), KX_ERROR_INVALID_ARG,
		      "dump level 32");
	p.dump_level = 1;
	p.vmcoreinfo_offset = p.size_note;
	assert_kx_err(kx_dump_writer_create(fd, "x", &p, &w), KX_ERROR_INVALID_ARG,
		      "is not inside the");
	sample_params(&p, notes, (enum kx_compress_method)0x4, 0, 0);
	assert_kx_err(kx_dump_writer_create(fd, "x", &p, &w), KX_ERROR_UNSUPPORTED,
		      "snappy compression (-p) is not supported");
	sample_params(&p, notes, KX_COMPRESS_NONE, 0, 0);
	p.num_dumpable = SAMPLE_MAX_MAPNR + 1;
	assert_kx_err(kx_dump_writer_create(fd, "x", &p, &w), KX_ERROR_INVALID_ARG,
		      "8401 dumpable pages but max_mapnr is only 8400");
	close(fd);
}

static void test_dev_full(void **state)
{
	(void)state;
	int fd = open("/dev/full", O_WRONLY);
	if (fd < 0)
		skip();
	unsigned char notes[SAMPLE_NOTES_CAP];
	struct kx_dump_writer_params p;
	sample_params(&p, notes, KX_COMPRESS_ZLIB, 31, 0);
	struct kx_dump_writer *w;
	assert_kx_ok(kx_dump_writer_create(fd, "/dev/full", &p, &w));
	assert_kx_err(kx_dump_writer_write_headers(w), KX_ERROR_NOSPACE,
		      "/dev/full: write: No space left on device");
	assert_kx_err(kx_dump_writer_write_bitmap(w, 1, 0, notes, 1), KX_ERROR_NOSPACE,
		      "cannot continue after an earlier write error");
	kx_dump_writer_destroy(w);
	close(fd);
}

// Write the sample under a file size limit in a child; SIGXFSZ is ignored
// so writes past the limit fail with EFBIG, which the writer treats as a
// full disk. Returns the child's exit status.
static int write_limited(int fd, rlim_t limit, int dump_level, size_t buffer_size)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = { limit, limit };
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(3);
		struct kx_error *err = sample_write(fd, "limited.dump", KX_COMPRESS_ZLIB,
						    dump_level, buffer_size);
		int rc = kx_error_is(err, KX_ERROR_NOSPACE) ? 0 : err ? 1 : 2;
		kx_error_destroy(err);
		_exit(rc);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_nospace_leaves_readable_incomplete_dump(void **state)
{
	(void)state;
	int fd = temp_file();
	// Headers, bitmaps, descriptors and the zero block fit; half the data not.
	assert_int_equal(write_limited(fd, 200 * 1024, 31, 16 * 1024), 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(st.st_size <= 200 * 1024);
	struct kx_diskdump_reader *r = open_reader(fd);
	assert_true(kx_diskdump_reader_incomplete(r));
	assert_int_equal(kx_diskdump_reader_header(r)->status,
			 KX_DISKDUMP_ZLIB | KX_DISKDUMP_INCOMPLETE);
	unsigned char want[SAMPLE_BS], got[SAMPLE_BS];
	unsigned ok = 0, missing = 0;
	bool seen_missing = false;
	for (uint64_t pfn = 0; pfn < SAMPLE_MAX_MAPNR; pfn++) {
		enum sample_kind k = sample_kind(pfn);
		if (k == SAMPLE_HOLE || k == SAMPLE_EXCLUDED)
			continue;
		struct kx_error *err = kx_diskdump_reader_read_page(r, pfn, got);
		if (kx_error_is(err, KX_ERROR_NODATA) && strstr(err->message, "incomplete")) {
			kx_error_destroy(err);
			missing++;
			seen_missing = true;
			continue;
		}
		assert_kx_ok(err);
		sample_page(pfn, want);
		assert_memory_equal(got, want, SAMPLE_BS);
		// Pages are written in pfn order: nothing after a gap except
		// zero pages, whose shared block was written first.
		if (seen_missing)
			assert_int_equal(k, SAMPLE_ZERO);
		ok++;
	}
	print_message("# %u pages read back, %u missing\n", ok, missing);
	assert_true(ok > 50);
	assert_true(missing > 100);
	kx_diskdump_reader_destroy(r);
	close(fd);
}

// A limit just past the descriptor area with dump level 0 (no zero block):
// the first data flush fails, so no descriptor is ever written and every
// page reads as incomplete. Cut the file inside the descriptor area too:
// descriptors beyond the end of the file are incomplete, not corrupt.
static void test_nospace_before_any_page(void **state)
{
	(void)state;
	int fd = temp_file();
	uint64_t data = 4 * 4096 + 24 * sample_num_dumpable();
	assert_int_equal(write_limited(fd, data + 100, 0, 0), 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, data + 100);
	struct kx_diskdump_reader *r = open_reader(fd);
	assert_true(kx_diskdump_reader_incomplete(r));
	unsigned char got[SAMPLE_BS];
	assert_kx_err(kx_diskdump_reader_read_page(r, 1, got), KX_ERROR_NODATA,
		      "sample.dump: pfn 0x1: the page data was never written (incomplete dump)");
	kx_diskdump_reader_destroy(r);

	assert_int_equal(ftruncate(fd, 4 * 4096 + 24 * 50), 0);
	r = open_reader(fd);
	assert_kx_err(kx_diskdump_reader_read_page(r, 1, got), KX_ERROR_NODATA,
		      "pfn 0x1: the page data was never written");
	assert_kx_err(kx_diskdump_reader_read_page(r, 8399, got), KX_ERROR_NODATA,
		      "pfn 0x20cf: the page descriptor was never written (incomplete dump)");
	kx_diskdump_reader_destroy(r);
	close(fd);
}

// Copy the sample to a fresh file and patch @size bytes at @off.
static int patched_sample(uint64_t off, const void *bytes, size_t size)
{
	int fd = temp_file();
	assert_kx_ok(sample_write(fd, "sample.dump", KX_COMPRESS_ZLIB, 31, 0));
	assert_kx_ok(kx_io_pwrite_full(fd, bytes, size, off, "patch"));
	return fd;
}

// File offset of the descriptor of @pfn in the sample.
static uint64_t desc_offset(uint64_t pfn)
{
	int fd = temp_file();
	assert_kx_ok(sample_write(fd, "sample.dump", KX_COMPRESS_ZLIB, 31, 0));
	struct kx_diskdump_reader *r = open_reader(fd);
	uint64_t idx = 0;
	for (uint64_t p = 0; p < pfn; p++) {
		enum sample_kind k = sample_kind(p);
		idx += k != SAMPLE_HOLE && k != SAMPLE_EXCLUDED;
	}
	uint64_t off = kx_diskdump_reader_layout(r)->offset_desc + 24 * idx;
	kx_diskdump_reader_destroy(r);
	close(fd);
	return off;
}

static void test_hostile_descriptors(void **state)
{
	(void)state;
	unsigned char got[SAMPLE_BS], b[4];
	struct kx_diskdump_reader *r;
	uint64_t pd12 = desc_offset(12);
	struct {
		uint64_t at;
		uint32_t value;
		enum kx_error_code code;
		const char *msg;
	} cases[] = {
		{ pd12 + 8, 4097, KX_ERROR_CORRUPT, "pfn 0xc: page descriptor has a bad size (0x1001)" },
		{ pd12 + 8, 0, KX_ERROR_CORRUPT, "bad size (0x0)" },
		{ pd12 + 12, 0x3, KX_ERROR_CORRUPT, "bad flags (0x3)" },
		{ pd12 + 12, 0x40, KX_ERROR_CORRUPT, "bad flags (0x40)" },
		{ pd12 + 12, 0, KX_ERROR_CORRUPT, "a raw size other than block_size" },
		{ pd12 + 12, 0x4, KX_ERROR_UNSUPPORTED, "snappy-compressed pages are not supported" },
		{ pd12 + 12, 0x20, KX_ERROR_CORRUPT, "do not decompress to one 4096-byte page" },
		{ pd12 + 0, 0, KX_ERROR_CORRUPT, "offset 0 in a complete dump" },
		{ pd12 + 0, 100, KX_ERROR_CORRUPT, "data before the data area" },
		{ pd12 + 0, 0x7fffff00, KX_ERROR_CORRUPT, "data beyond the end of the file" },
	};
	for (size_t i = 0; i < KX_ARRAY_SIZE(cases); i++) {
		kx_put_le32(b, cases[i].value);
		int fd = patched_sample(cases[i].at, b, 4);
		if (cases[i].at == pd12) // clear the high half of the offset too
			assert_kx_ok(kx_io_pwrite_full(fd, "\0\0\0\0", 4, pd12 + 4, "p"));
		r = open_reader(fd);
		assert_kx_err(kx_diskdump_reader_read_page(r, 12, got), cases[i].code,
			      cases[i].msg);
		// Neighbours are unaffected.
		assert_kx_ok(kx_diskdump_reader_read_page(r, 13, got));
		kx_diskdump_reader_destroy(r);
		close(fd);
	}
}

static void test_hostile_files(void **state)
{
	(void)state;
	struct kx_diskdump_reader *r = NULL;
	unsigned char b[4];
	int fd = patched_sample(0, "KDUMQ", 5);
	assert_kx_err(kx_diskdump_reader_create(fd, "bad.dump", &r), KX_ERROR_CORRUPT,
		      "bad.dump: no \"KDUMP   \" signature");
	close(fd);
	kx_put_le32(b, 8000);
	fd = patched_sample(428, b, 4);
	assert_kx_err(kx_diskdump_reader_create(fd, "bad.dump", &r), KX_ERROR_CORRUPT,
		      "bad.dump: block_size 8000 is not a power of two");
	close(fd);
	// max_mapnr_64 larger than the bitmaps can hold.
	unsigned char q[8];
	kx_put_le64(q, 2 * 4096ULL * 8 + 1);
	fd = patched_sample(4096 + 96, q, 8);
	assert_kx_err(kx_diskdump_reader_create(fd, NULL, &r), KX_ERROR_CORRUPT,
		      "kdump-compressed file: bitmap_blocks 2 hold only 65536 bits, "
		      "less than max_mapnr 65537");
	close(fd);
	// Notes pointing beyond the file.
	kx_put_le64(q, 1ULL << 40);
	fd = patched_sample(4096 + 56, q, 8);
	assert_kx_err(kx_diskdump_reader_create(fd, "n.dump", &r), KX_ERROR_CORRUPT,
		      "notes of 1099511627776 bytes is larger than");
	close(fd);
	// Truncated inside the bitmaps, and inside the descriptors.
	fd = temp_file();
	assert_kx_ok(sample_write(fd, "t.dump", KX_COMPRESS_ZLIB, 31, 0));
	assert_int_equal(ftruncate(fd, 3 * 4096 + 100), 0);
	assert_kx_err(kx_diskdump_reader_create(fd, "t.dump", &r), KX_ERROR_CORRUPT,
		      "t.dump: bitmaps at offset 8192, 8192 bytes, extends beyond the end");
	assert_int_equal(ftruncate(fd, 100), 0);
	assert_kx_err(kx_diskdump_reader_create(fd, "t.dump", &r), KX_ERROR_CORRUPT,
		      "t.dump: file of 100 bytes is too small for a kdump header");
	close(fd);
	fd = temp_file();
	assert_kx_ok(sample_write(fd, "t.dump", KX_COMPRESS_ZLIB, 31, 0));
	assert_int_equal(ftruncate(fd, 4 * 4096 + 100), 0);
	assert_kx_err(kx_diskdump_reader_create(fd, "t.dump", &r), KX_ERROR_CORRUPT,
		      "t.dump: page descriptor area at offset 16384, 16440 bytes, extends "
		      "beyond the end of the file (16484 bytes)");
	close(fd);
	assert_null(r);
}

// A dump with nothing dumpable still holds its whole bitmap area.
static void test_empty_dump(void **state)
{
	(void)state;
	unsigned char notes[SAMPLE_NOTES_CAP], bm[16] = { 0xff, 0xff };
	struct kx_dump_writer_params p;
	sample_params(&p, notes, KX_COMPRESS_LZO, 0, 0);
	p.num_dumpable = 0;
	int fd = temp_file();
	struct kx_dump_writer *w;
	assert_kx_ok(kx_dump_writer_create(fd, "e.dump", &p, &w));
	assert_kx_ok(kx_dump_writer_write_headers(w));
	assert_kx_ok(kx_dump_writer_write_bitmap(w, 1, 0, bm, sizeof(bm)));
	assert_kx_ok(kx_dump_writer_finish(w));
	kx_dump_writer_destroy(w);
	struct kx_diskdump_reader *r = open_reader(fd);
	unsigned char got[SAMPLE_BS];
	assert_kx_err(kx_diskdump_reader_read_page(r, 3, got), KX_ERROR_NODATA, "excluded");
	assert_kx_err(kx_diskdump_reader_read_page(r, 30, got), KX_ERROR_FAULT, "hole");
	kx_diskdump_reader_destroy(r);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_none),
		cmocka_unit_test(test_round_trip_zlib),
		cmocka_unit_test(test_round_trip_lzo),
		cmocka_unit_test(test_round_trip_zstd),
		cmocka_unit_test(test_round_trip_small_buffers_no_zero_sharing),
		cmocka_unit_test(test_file_layout),
		cmocka_unit_test(test_stored_by_reference),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_drop_page),
		cmocka_unit_test(test_dev_full),
		cmocka_unit_test(test_nospace_leaves_readable_incomplete_dump),
		cmocka_unit_test(test_nospace_before_any_page),
		cmocka_unit_test(test_hostile_descriptors),
		cmocka_unit_test(test_hostile_files),
		cmocka_unit_test(test_empty_dump),
	};
	KX_RUN_TESTS(tests);
}
