// SPDX-License-Identifier: GPL-2.0-only
// common/printk: the three log layouts read from fake kernel memory built
// here by hand (independently of tests/gen), corrupt rings, and the exact
// renderings of vmcore-dmesg and makedumpfile.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>

#include "byteorder.h"
#include "printk.h"
#include "vmcoreinfo.h"
#include "test_util.h"

// ---- fake kernel memory: one flat region ----

enum { MEM_SIZE = 1 << 16 };
static const uint64_t BASE = UINT64_C(0xffffffff82000000);

struct fake {
	uint8_t mem[MEM_SIZE];
	struct kx_vmcoreinfo *vi;
	char *out;   // rendering of the last walk
	size_t out_size;
	bool mdf;    // render makedumpfile's format
};

static struct kx_error *fake_read(void *arg, uint64_t vaddr, void *buf, size_t size)
{
	struct fake *f = arg;
	if (vaddr < BASE || vaddr - BASE > MEM_SIZE || size > MEM_SIZE - (vaddr - BASE))
		return kx_error_fault(vaddr, "%#" PRIx64 " is not mapped", vaddr);
	memcpy(buf, f->mem + (vaddr - BASE), size);
	return NULL;
}

static struct kx_error *render(void *arg, const struct kx_printk_record *rec)
{
	return kx_printk_render_vmcore_dmesg(rec, arg);
}

static struct kx_error *render_mdf(void *arg, const struct kx_printk_record *rec)
{
	return kx_printk_render_makedumpfile(rec, arg);
}

// Walk the log of @p f and keep the rendering in f->out.
static struct kx_error *walk(struct fake *f)
{
	struct kx_kmem mem = { .read = fake_read, .arg = f };
	free(f->out);
	f->out = NULL;
	FILE *out = open_memstream(&f->out, &f->out_size);
	assert_non_null(out);
	struct kx_error *err = kx_printk_read(f->vi, &mem, f->mdf ? render_mdf : render, out);
	fclose(out);
	return err;
}

static struct fake *fake_new(const char *vmcoreinfo)
{
	struct fake *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_kx_ok(kx_vmcoreinfo_create(vmcoreinfo, strlen(vmcoreinfo), &f->vi));
	return f;
}

static void fake_free(struct fake *f)
{
	kx_vmcoreinfo_destroy(f->vi);
	free(f->out);
	free(f);
}

// ---- lockless ring (6.1 layout) ----

// Memory map of the fake 6.1 kernel.
enum { L_PRB = 0x0, L_RB = 0x100, L_DESCS = 0x1000, L_INFOS = 0x2000, L_DATA = 0x4000 };
enum { COUNT_BITS = 3, SIZE_BITS = 8 };  // 8 descriptors, 256 bytes of text
static const uint64_t MASK = ~(UINT64_C(3) << 62);

static const char LOCKLESS_VI[] =
	"SYMBOL(prb)=ffffffff82000000\n"
	"SIZE(printk_ringbuffer)=88\nOFFSET(printk_ringbuffer.desc_ring)=0\n"
	"OFFSET(printk_ringbuffer.text_data_ring)=48\n"
	"OFFSET(prb_desc_ring.count_bits)=0\nOFFSET(prb_desc_ring.descs)=8\n"
	"OFFSET(prb_desc_ring.infos)=16\nOFFSET(prb_desc_ring.head_id)=24\n"
	"OFFSET(prb_desc_ring.tail_id)=32\nSIZE(prb_desc)=24\nOFFSET(prb_desc.state_var)=0\n"
	"OFFSET(prb_desc.text_blk_lpos)=8\nOFFSET(prb_data_blk_lpos.begin)=0\n"
	"OFFSET(prb_data_blk_lpos.next)=8\nSIZE(printk_info)=88\nOFFSET(printk_info.seq)=0\n"
	"OFFSET(printk_info.ts_nsec)=8\nOFFSET(printk_info.text_len)=16\n"
	"OFFSET(printk_info.caller_id)=20\nOFFSET(prb_data_ring.size_bits)=0\n"
	"OFFSET(prb_data_ring.data)=8\nOFFSET(atomic_long_t.counter)=0\n";

static void lockless_ring(struct fake *f, uint64_t tail, uint64_t head)
{
	uint8_t *rb = f->mem + L_RB;
	kx_put_le64(f->mem + L_PRB, BASE + L_RB);
	kx_put_le32(rb, COUNT_BITS);
	kx_put_le64(rb + 8, BASE + L_DESCS);
	kx_put_le64(rb + 16, BASE + L_INFOS);
	kx_put_le64(rb + 24, head);
	kx_put_le64(rb + 32, tail);
	kx_put_le32(rb + 48, SIZE_BITS);
	kx_put_le64(rb + 56, BASE + L_DATA);
}

// Descriptor @p id in state @p state with text block [begin, next) and its
// info; the text goes at begin % size (or 0 when the block wraps).
static void lockless_rec(struct fake *f, uint64_t id, unsigned int state, uint64_t begin,
			 uint64_t next, uint64_t ts, uint32_t caller, const char *text, size_t len)
{
	uint64_t slot = id % (1u << COUNT_BITS), size = 1u << SIZE_BITS;
	uint8_t *d = f->mem + L_DESCS + slot * 24, *in = f->mem + L_INFOS + slot * 88;
	kx_put_le64(d, (uint64_t)state << 62 | id);
	kx_put_le64(d + 8, begin);
	kx_put_le64(d + 16, next);
	kx_put_le64(in, id);  // seq
	kx_put_le64(in + 8, ts);
	kx_put_le16(in + 16, (uint16_t)len);
	kx_put_le32(in + 20, caller);
	if (begin % size == next % size)
		return;
	uint64_t at = begin % size > next % size ? 0 : begin % size;
	kx_put_le64(f->mem + L_DATA + at, id);
	memcpy(f->mem + L_DATA + at + 8, text, len);
}

static void test_lockless_basic(void **state)
{
	(void)state;
	struct fake *f = fake_new(LOCKLESS_VI);
	// Fresh ring: ids count down from 2^62 - 8 (slot 0), lpos from -256.
	uint64_t id0 = (-(UINT64_C(8))) & MASK, lp = -(UINT64_C(256));
	lockless_ring(f, id0, (id0 + 3) & MASK);
	lockless_rec(f, id0, 2, lp, lp + 48, 0, 0, "Linux version 6.1.0 (gcc 12)", 28);
	lockless_rec(f, id0 + 1, 2, lp + 48, lp + 72, 1234567890, 1, "two\nlines", 9);
	lockless_rec(f, id0 + 2, 2, lp + 72, lp + 96, 2000000, 0x80000003, "a\x01\x80\xff\tb", 6);
	lockless_rec(f, (id0 + 3) & MASK, 1, 3, 3, 5000000000, 7, "", 0);  // data-less, committed
	assert_kx_ok(walk(f));
	assert_string_equal(f->out,
			    "[    0.000000] Linux version 6.1.0 (gcc 12)\n"
			    "[    1.234567] two\nlines\n"
			    "[    0.002000] a\\x01\\x80\\xff\tb\n"
			    "[    5.000000] \n");
	f->mdf = true;
	assert_kx_ok(walk(f));
	assert_string_equal(f->out,
			    "[    0.000000] [      T0] Linux version 6.1.0 (gcc 12)\n"
			    "[    1.234567] [      T1] two\n"
			    "                          lines\n"
			    "[    0.002000] [      C3] a\\x01\\xffffff80\\xffffffff\tb\n");
	fake_free(f);
}

// A ring after 21 records: tail id 13 > 0, the head's text block wraps
// around the end of the data ring, stale and unfinished records skipped.
static void test_lockless_wrapped(void **state)
{
	(void)state;
	struct fake *f = fake_new(LOCKLESS_VI);
	uint64_t lp = UINT64_C(256) * 40;  // far into the ring's life
	lockless_ring(f, 13, 20);
	lockless_rec(f, 13, 3, lp - 100, lp - 60, 13, 0, "reusable: data overwritten", 26);
	lockless_rec(f, 14, 2, lp - 60, lp - 32, 14000, 0, "kept 14", 7);
	lockless_rec(f, 15, 0, lp - 32, lp - 16, 15000, 0, "reserved", 8);
	lockless_rec(f, 16 - 8, 2, lp, lp + 16, 16000, 0, "stale slot", 10);  // slot of 16 holds 8
	lockless_rec(f, 17, 1, lp + 16, lp + 40, 17000, 0, "committed 17", 12);
	lockless_rec(f, 18, 2, lp + 40, lp + 64, 18000, 0, "finalized 18", 12);
	lockless_rec(f, 19, 2, lp + 64, lp + 200, 19000, 0, "nineteen", 8);
	// 20 begins 56 bytes before the end of the ring: it is stored at 0.
	lockless_rec(f, 20, 2, lp + 200, lp + 256 + 24, 20000000, 0, "wrapped!", 8);
	assert_kx_ok(walk(f));
	assert_string_equal(f->out,
			    "[    0.000014] kept 14\n"
			    "[    0.000017] committed 17\n"
			    "[    0.000018] finalized 18\n"
			    "[    0.000019] nineteen\n"
			    "[    0.020000] wrapped!\n");
	fake_free(f);
}

// --partial-dmesg's walk: kx_printk_read_since_clear() into f->out.
static struct kx_error *walk_since_clear(struct fake *f, bool *cleared)
{
	struct kx_kmem mem = { .read = fake_read, .arg = f };
	free(f->out);
	f->out = NULL;
	FILE *out = open_memstream(&f->out, &f->out_size);
	assert_non_null(out);
	struct kx_error *err = kx_printk_read_since_clear(f->vi, &mem, render, out, cleared);
	fclose(out);
	return err;
}

static void four_records(struct fake *f)
{
	lockless_ring(f, 1, 4);
	lockless_rec(f, 1, 2, 0, 24, 1000, 0, "one", 3);
	lockless_rec(f, 2, 2, 24, 48, 2000, 0, "two", 3);
	lockless_rec(f, 3, 2, 48, 72, 3000, 0, "three", 5);
	lockless_rec(f, 4, 2, 72, 96, 4000, 0, "four", 4);
}

// clear_seq as a latched_seq (5.11+): val[sequence & 1], so a crash in the
// middle of latched_seq_write() still reads the stable copy.
static void test_lockless_since_clear(void **state)
{
	(void)state;
	static const char clear_vi[] = "SYMBOL(clear_seq)=ffffffff82000200\n"
				       "SIZE(latched_seq)=24\nOFFSET(latched_seq.val)=8\n";
	char vi[sizeof(LOCKLESS_VI) + sizeof(clear_vi)];
	snprintf(vi, sizeof(vi), "%s%s", LOCKLESS_VI, clear_vi);
	struct fake *f = fake_new(vi);
	four_records(f);
	bool cleared = false;
	uint8_t *ls = f->mem + 0x200;
	kx_put_le32(ls, 4);          // even: val[0]
	kx_put_le64(ls + 8, 2);
	kx_put_le64(ls + 16, 77);
	assert_kx_ok(walk_since_clear(f, &cleared));
	assert_true(cleared);
	assert_string_equal(f->out, "[    0.000002] two\n[    0.000003] three\n"
			    "[    0.000004] four\n");
	kx_put_le32(ls, 5);          // odd: val[0] is being written, val[1] holds
	kx_put_le64(ls + 8, 77);
	kx_put_le64(ls + 16, 4);
	assert_kx_ok(walk_since_clear(f, &cleared));
	assert_string_equal(f->out, "[    0.000004] four\n");
	kx_put_le64(ls + 16, 5);     // cleared after the last record
	assert_kx_ok(walk_since_clear(f, &cleared));
	assert_true(cleared);
	assert_string_equal(f->out, "");
	kx_put_le64(ls + 16, 0);     // never cleared
	assert_kx_ok(walk_since_clear(f, &cleared));
	assert_string_equal(f->out, "[    0.000001] one\n[    0.000002] two\n"
			    "[    0.000003] three\n[    0.000004] four\n");
	// The plain walk ignores the mark.
	kx_put_le64(ls + 16, 4);
	assert_kx_ok(walk(f));
	assert_string_equal(f->out, "[    0.000001] one\n[    0.000002] two\n"
			    "[    0.000003] three\n[    0.000004] four\n");
	// clear_seq past the end of fake memory: a named fault.
	fake_free(f);
	snprintf(vi, sizeof(vi), "%s%s", LOCKLESS_VI, "SYMBOL(clear_seq)=ffffffff8200fff8\n"
		 "SIZE(latched_seq)=24\nOFFSET(latched_seq.val)=8\n");
	f = fake_new(vi);
	four_records(f);
	assert_kx_err(walk_since_clear(f, &cleared), KX_ERROR_FAULT, "reading clear_seq");
	fake_free(f);
	// A val array that does not fit the struct.
	snprintf(vi, sizeof(vi), "%s%s", LOCKLESS_VI, "SYMBOL(clear_seq)=ffffffff82000200\n"
		 "SIZE(latched_seq)=24\nOFFSET(latched_seq.val)=16\n");
	f = fake_new(vi);
	four_records(f);
	assert_kx_err(walk_since_clear(f, &cleared), KX_ERROR_CORRUPT,
		      "VMCOREINFO OFFSET(latched_seq.val)=16 does not fit");
	fake_free(f);
}

// 5.10: clear_seq is a plain u64; no SYMBOL(clear_seq): the whole log.
static void test_lockless_since_clear_plain(void **state)
{
	(void)state;
	char vi[sizeof(LOCKLESS_VI) + 64];
	snprintf(vi, sizeof(vi), "%sSYMBOL(clear_seq)=ffffffff82000200\n", LOCKLESS_VI);
	struct fake *f = fake_new(vi);
	four_records(f);
	kx_put_le64(f->mem + 0x200, 3);
	bool cleared = false;
	assert_kx_ok(walk_since_clear(f, &cleared));
	assert_true(cleared);
	assert_string_equal(f->out, "[    0.000003] three\n[    0.000004] four\n");
	fake_free(f);
	f = fake_new(LOCKLESS_VI);
	four_records(f);
	cleared = true;
	assert_kx_ok(walk_since_clear(f, &cleared));
	assert_false(cleared);
	assert_string_equal(f->out, "[    0.000001] one\n[    0.000002] two\n"
			    "[    0.000003] three\n[    0.000004] four\n");
	fake_free(f);
}

// Each corruption ends in a named error, not a crash or a hang.
static void test_lockless_corrupt(void **state)
{
	(void)state;
	struct fake *f = fake_new(LOCKLESS_VI);
	lockless_ring(f, 1, 2);
	lockless_rec(f, 1, 2, 0, 24, 1, 0, "ok", 2);
	lockless_rec(f, 2, 2, 24, 48, 2, 0, "ok", 2);
	assert_kx_ok(walk(f));

	kx_put_le32(f->mem + L_RB, 40);
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "count_bits 40 exceeds 26");
	kx_put_le32(f->mem + L_RB, COUNT_BITS);
	kx_put_le32(f->mem + L_RB + 48, 0);
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "size_bits 0 is outside");
	kx_put_le32(f->mem + L_RB + 48, SIZE_BITS);

	kx_put_le64(f->mem + L_RB + 24, 1000);  // head 999 ids past tail
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "999 descriptors past tail_id 0x1, but the ring holds 8");
	kx_put_le64(f->mem + L_RB + 24, UINT64_C(1) << 63);
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "has state bits set");
	kx_put_le64(f->mem + L_RB + 24, 2);

	lockless_rec(f, 2, 2, 24, 28, 2, 0, "", 0);  // 4 bytes: no room for the id
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "too short for its id word");
	lockless_rec(f, 2, 2, 24, 24 + 1000, 2, 0, "", 0);
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "larger than the 256-byte ring");
	lockless_rec(f, 2, 2, 24, 48, 2, 0, "ok", 2);

	kx_put_le64(f->mem + L_DESCS + 2 * 24, UINT64_C(2) << 62 | 5);  // id 5 in slot 2
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "descriptor 2 holds id 0x5, which does not belong");
	lockless_rec(f, 2, 2, 24, 48, 2, 0, "ok", 2);

	kx_put_le64(f->mem + L_RB + 8, UINT64_C(0xfffffffffffffff0));  // descs wraps
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "prb_desc array at 0xfffffffffffffff0 wraps");
	kx_put_le64(f->mem + L_RB + 8, BASE + MEM_SIZE);  // descs unmapped
	assert_kx_err(walk(f), KX_ERROR_FAULT, "reading prb_desc at 0xffffffff82010018");
	kx_put_le64(f->mem + L_PRB, 0x1000);  // prb points nowhere
	assert_kx_err(walk(f), KX_ERROR_FAULT, "reading printk_ringbuffer at 0x1000");
	fake_free(f);
}

static void test_lockless_bad_layout(void **state)
{
	(void)state;
	struct fake *f = fake_new("SYMBOL(prb)=ffffffff82000000\nSIZE(printk_ringbuffer)=88\n"
				  "SIZE(prb_desc)=24\nOFFSET(prb_desc.state_var)=30\n");
	lockless_ring(f, 1, 1);
	assert_kx_err(walk(f), KX_ERROR_CORRUPT,
		      "OFFSET(prb_desc.state_var)=30 puts a 8-byte field outside its 24-byte");
	fake_free(f);
	f = fake_new("SYMBOL(prb)=ffffffff82000000\nSIZE(prb_desc)=99999\n");
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "SIZE(prb_desc)=99999 is not a plausible size");
	fake_free(f);
	f = fake_new("SYMBOL(prb)=ffffffff82000000\nSIZE(prb_desc)=24\n");
	assert_kx_err(walk(f), KX_ERROR_NOT_FOUND, "OFFSET(prb_desc.state_var)");
	fake_free(f);
}

// ---- structured log (3.5-5.9) ----

enum { S_VARS = 0x0, S_BUF = 0x1000, S_LEN = 256 };

static const char STRUCTURED_VI[] =
	"SYMBOL(log_buf)=ffffffff82000000\nSYMBOL(log_buf_len)=ffffffff82000010\n"
	"SYMBOL(log_first_idx)=ffffffff82000020\nSYMBOL(log_next_idx)=ffffffff82000030\n"
	"SIZE(printk_log)=20\nOFFSET(printk_log.ts_nsec)=0\nOFFSET(printk_log.len)=8\n"
	"OFFSET(printk_log.text_len)=10\nOFFSET(printk_log.caller_id)=16\n";

// A record at @p idx: header, text, padding to 4; returns the next index.
static uint32_t slog(struct fake *f, uint32_t idx, uint64_t ts, uint32_t caller, const char *text)
{
	uint8_t *m = f->mem + S_BUF + idx;
	uint16_t tl = (uint16_t)strlen(text), len = (uint16_t)((20 + tl + 3) & ~3);
	kx_put_le64(m, ts);
	kx_put_le16(m + 8, len);
	kx_put_le16(m + 10, tl);
	kx_put_le32(m + 16, caller);
	memcpy(m + 20, text, tl);
	return idx + len;
}

static void slog_vars(struct fake *f, uint32_t first, uint32_t next)
{
	kx_put_le64(f->mem + S_VARS, BASE + S_BUF);
	kx_put_le32(f->mem + S_VARS + 0x10, S_LEN);
	kx_put_le32(f->mem + S_VARS + 0x20, first);
	kx_put_le32(f->mem + S_VARS + 0x30, next);
}

static void test_structured(void **state)
{
	(void)state;
	struct fake *f = fake_new(STRUCTURED_VI);
	// Oldest record at 180, then the wrap marker at 212, newer ones from 0.
	uint32_t i = slog(f, 180, 3000000000, 1, "old");
	memset(f->mem + S_BUF + i, 0, 20);
	uint32_t n = slog(f, 0, 4000000000, 0x80000001, "new\x7f");
	n = slog(f, n, 4500000000, 2, "x\ny");
	slog_vars(f, 180, n);
	assert_kx_ok(walk(f));
	assert_string_equal(f->out, "[    3.000000] old\n"
				    "[    0.000000] \n"
				    "[    4.000000] new\\x7f\n"
				    "[    4.500000] x\ny\n");
	f->mdf = true;
	assert_kx_ok(walk(f));
	assert_string_equal(f->out, "[    3.000000] [      T1] old\n"
				    "[    4.000000] [      C1] new\\x7f\n"
				    "[    4.500000] [      T2] x\n"
				    "                          y\n");
	f->mdf = false;

	// A second wrap before log_next_idx: a cycle.
	memset(f->mem + S_BUF, 0, 20);
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "cycle: wrapped twice (at 0)");
	slog(f, 0, 4000000000, 0x80000001, "new\x7f");
	kx_put_le16(f->mem + S_BUF + 180 + 8, 250);  // len past the end
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "record at 180 has length 250");
	kx_put_le16(f->mem + S_BUF + 180 + 8, 24);
	kx_put_le16(f->mem + S_BUF + 180 + 10, 1000);  // text past the end
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "record at 180 has 1000 bytes of text past");
	slog_vars(f, 250, n);
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "log_first_idx 250 or log_next_idx");
	kx_put_le32(f->mem + S_VARS + 0x10, 0x90000000);
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "log_buf_len 2415919104 is implausible");
	fake_free(f);
}

// ---- legacy buffer ----

static const char LEGACY_VI[] =
	"SYMBOL(log_buf)=ffffffff82000000\nSYMBOL(log_buf_len)=ffffffff82000010\n"
	"SYMBOL(log_end)=ffffffff82000020\nSYMBOL(logged_chars)=ffffffff82000030\n";

static void test_legacy(void **state)
{
	(void)state;
	struct fake *f = fake_new(LEGACY_VI);
	kx_put_le64(f->mem, BASE + 0x100);
	kx_put_le32(f->mem + 0x10, 16);
	kx_put_le32(f->mem + 0x20, 5);
	memcpy(f->mem + 0x100, "<6>a\nXXXXXXXXXXXX", 16);
	assert_kx_ok(walk(f));
	assert_string_equal(f->out, "<6>a\n");
	// 16 + 6 characters logged: the oldest is at 22 % 16.
	kx_put_le32(f->mem + 0x20, 22);
	memcpy(f->mem + 0x100, "c\n<6>d\nb\n<6>bbbb", 16);
	assert_kx_ok(walk(f));
	assert_string_equal(f->out, "\nb\n<6>bbbbc\n<6>d");
	f->mdf = true;
	assert_kx_ok(walk(f));
	assert_string_equal(f->out, "\nb\n<6>bbbbc\n<6>d");
	kx_put_le32(f->mem + 0x10, 0);
	assert_kx_err(walk(f), KX_ERROR_CORRUPT, "log_buf_len 0 is implausible");
	fake_free(f);
}

static void test_detect(void **state)
{
	(void)state;
	struct fake *f = fake_new("OSRELEASE=2.6.32\n");
	enum kx_printk_format fmt = 0;
	assert_kx_err(kx_printk_detect(f->vi, &fmt), KX_ERROR_NOT_FOUND, "no printk buffer");
	assert_int_equal(fmt, 0);
	assert_kx_err(walk(f), KX_ERROR_NOT_FOUND, "no printk buffer");
	fake_free(f);
	f = fake_new(LOCKLESS_VI);
	assert_kx_ok(kx_printk_detect(f->vi, &fmt));
	assert_int_equal(fmt, KX_PRINTK_LOCKLESS);
	fake_free(f);
	f = fake_new(STRUCTURED_VI);
	assert_kx_ok(kx_printk_detect(f->vi, &fmt));
	assert_int_equal(fmt, KX_PRINTK_STRUCTURED);
	fake_free(f);
	f = fake_new(LEGACY_VI);
	assert_kx_ok(kx_printk_detect(f->vi, &fmt));
	assert_int_equal(fmt, KX_PRINTK_LEGACY);
	fake_free(f);
}

static struct kx_error *stop_at_second(void *arg, const struct kx_printk_record *rec)
{
	int *n = arg;
	(void)rec;
	return ++*n == 2 ? kx_error_create(KX_ERROR_NOSPACE, "stop") : NULL;
}

static void test_visitor_error_stops(void **state)
{
	(void)state;
	struct fake *f = fake_new(LOCKLESS_VI);
	lockless_ring(f, 1, 3);
	for (uint64_t id = 1; id <= 3; id++)
		lockless_rec(f, id, 2, 24 * id, 24 * id + 24, id, 0, "ok", 2);
	struct kx_kmem mem = { .read = fake_read, .arg = f };
	int n = 0;
	assert_kx_err(kx_printk_read(f->vi, &mem, stop_at_second, &n), KX_ERROR_NOSPACE, "stop");
	assert_int_equal(n, 2);
	assert_kx_ok(kx_printk_read(f->vi, &mem, NULL, NULL));  // validate only
	fake_free(f);
}

static void test_render_buf(void **state)
{
	(void)state;
	char buf[64];
	size_t size = 0;
	const uint8_t text[] = "caf\xc3\xa9\r\v";
	struct kx_printk_record rec = { .ts_nsec = UINT64_C(123456789012345), .text = text,
					.text_size = sizeof(text) - 1, .has_caller_id = true,
					.caller_id = 123456789 };
	assert_kx_ok(kx_printk_render_buf(&rec, false, buf, sizeof(buf), &size));
	assert_string_equal(buf, "[123456.789012] caf\\xc3\\xa9\r\v\n");
	assert_int_equal(size, strlen(buf));
	assert_kx_ok(kx_printk_render_buf(&rec, true, buf, sizeof(buf), &size));
	assert_string_equal(buf, "[123456.789012] [T123456789] caf\\xffffffc3\\xffffffa9\r\v\n");
	assert_kx_ok(kx_printk_render_buf(&rec, true, buf, 8, &size));
	assert_string_equal(buf, "[123456");
	assert_int_equal(size, 55);
	rec.dataless = true;
	rec.text_size = 0;
	assert_kx_ok(kx_printk_render_buf(&rec, false, buf, sizeof(buf), &size));
	assert_string_equal(buf, "[123456.789012] \n");
	assert_kx_ok(kx_printk_render_buf(&rec, true, buf, sizeof(buf), &size));
	assert_string_equal(buf, "");
	struct kx_printk_record raw = { .raw = true, .text = (const uint8_t *)"<4>x\x01\n",
					.text_size = 6 };
	assert_kx_ok(kx_printk_render_buf(&raw, false, buf, sizeof(buf), &size));
	assert_string_equal(buf, "<4>x\x01\n");
}

/**
 * A record far larger than the buffer: the size is the whole rendering's,
 * the buffer holds its start. (kx_printk_render_buf() used to hold the
 * whole rendering in memory to cut it: 64 KiB for each chunk of a legacy
 * log, ten bytes per byte of escaped text.)
 */
static void test_render_buf_large(void **state)
{
	(void)state;
	enum { N = 65535 };
	uint8_t *text = malloc(N);
	assert_non_null(text);
	memset(text, 0x80, N);
	char buf[32];
	size_t size = 0;
	struct kx_printk_record raw = { .raw = true, .text = text, .text_size = N };
	assert_kx_ok(kx_printk_render_buf(&raw, false, buf, sizeof(buf), &size));
	assert_int_equal(size, N);
	assert_memory_equal(buf, text, sizeof(buf) - 1);
	assert_int_equal(buf[sizeof(buf) - 1], 0);
	struct kx_printk_record rec = { .ts_nsec = 1500000000, .text = text, .text_size = N };
	assert_kx_ok(kx_printk_render_buf(&rec, true, buf, sizeof(buf), &size));
	assert_string_equal(buf, "[    1.500000] \\xffffff80\\xffff");
	assert_int_equal(size, strlen("[    1.500000] ") + (size_t)N * 10 + 1);
	assert_kx_ok(kx_printk_render_buf(&rec, false, buf, 1, &size));
	assert_string_equal(buf, "");
	assert_int_equal(size, strlen("[    1.500000] ") + (size_t)N * 4 + 1);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lockless_basic),
		cmocka_unit_test(test_lockless_wrapped),
		cmocka_unit_test(test_lockless_since_clear),
		cmocka_unit_test(test_lockless_since_clear_plain),
		cmocka_unit_test(test_lockless_corrupt),
		cmocka_unit_test(test_lockless_bad_layout),
		cmocka_unit_test(test_structured),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_visitor_error_stops),
		cmocka_unit_test(test_render_buf),
		cmocka_unit_test(test_render_buf_large),
	};
	KX_RUN_TESTS(tests);
}
