// SPDX-License-Identifier: GPL-2.0-only
// The kernel log of a dead kernel: see printk.h. Layouts are described in
// the kernel's kernel/printk/printk_ringbuffer.h (5.10+) and in the
// struct printk_log comment of kernel/printk/printk.c (3.5–5.9); every
// offset comes from VMCOREINFO.
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "byteorder.h"
#include "printk.h"
#include "vmcoreinfo.h"

// State of a prb_desc lives in the top two bits of state_var, the id in the
// rest (DESC_SV_BITS = BITS_PER_LONG; 64-bit kernels only here).
static const uint64_t DESC_ID_MASK = ~(UINT64_C(3) << 62);
enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };
// Every text data block starts with the id of its descriptor (a long).
enum { BLOCK_ID_SIZE = 8 };
// text_len is a u16: no record is longer.
enum { MAX_TEXT = 65535, LEGACY_CHUNK = 65536 };

struct reader {
	const struct kx_vmcoreinfo *vi;
	const struct kx_kmem *mem;
	struct kx_error *(*visit)(void *arg, const struct kx_printk_record *rec);
	void *arg;
	uint8_t *buf;  // MAX_TEXT (or LEGACY_CHUNK) bytes for one record's text
	bool since_clear;  // --partial-dmesg: start at the clear mark
	bool cleared;      // the dump had a clear mark (since_clear only)
	uint64_t clear_seq; // lockless: first seq to deliver
};

static struct kx_error *kread(const struct reader *r, uint64_t vaddr, void *buf, size_t size,
			      const char *what)
{
	struct kx_error *err = r->mem->read(r->mem->arg, vaddr, buf, size);
	return err ? kx_error_prefix(err, "reading %s at %#" PRIx64, what, vaddr) : NULL;
}

static struct kx_error *read_u64(const struct reader *r, uint64_t vaddr, const char *what,
				 uint64_t *ret)
{
	uint8_t b[8];
	KX_TRY(kread(r, vaddr, b, sizeof(b), what));
	*ret = kx_get_le64(b);
	return NULL;
}

static struct kx_error *read_u32(const struct reader *r, uint64_t vaddr, const char *what,
				 uint32_t *ret)
{
	uint8_t b[4];
	KX_TRY(kread(r, vaddr, b, sizeof(b), what));
	*ret = kx_get_le32(b);
	return NULL;
}

static struct kx_error *deliver(const struct reader *r, const struct kx_printk_record *rec)
{
	return r->visit ? r->visit(r->arg, rec) : NULL;
}

// SIZE(name), checked against the sanity cap.
static struct kx_error *struct_size(const struct kx_vmcoreinfo *vi, const char *name,
				    uint64_t *ret)
{
	uint64_t v;
	KX_TRY(kx_vmcoreinfo_size(vi, name, &v));
	KX_CHECK(v > 0 && v <= KX_PRINTK_MAX_STRUCT_SIZE, KX_ERROR_CORRUPT,
		 "VMCOREINFO SIZE(%s)=%" PRIu64 " is not a plausible size", name, v);
	*ret = v;
	return NULL;
}

// OFFSET(name) of a @p width-byte field that must lie inside @p size bytes.
static struct kx_error *field(const struct kx_vmcoreinfo *vi, const char *name,
			      unsigned int width, uint64_t size, uint64_t *ret)
{
	uint64_t v;
	KX_TRY(kx_vmcoreinfo_offset(vi, name, &v));
	KX_CHECK(v <= size && width <= size - v, KX_ERROR_CORRUPT,
		 "VMCOREINFO OFFSET(%s)=%" PRIu64 " puts a %u-byte field outside its "
		 "%" PRIu64 "-byte structure", name, v, width, size);
	*ret = v;
	return NULL;
}

// ---- lockless ring (5.10+) ----

struct lockless {
	uint64_t desc_size, off_state, off_begin, off_next;
	uint64_t info_size, off_seq, off_ts, off_text_len, off_caller;
	bool has_caller;
	uint64_t descs, infos, data;
	unsigned int count_bits, size_bits;
	uint64_t head_id, tail_id;
};

// Where the fields of prb_desc and printk_info are.
static struct kx_error *lockless_layout(const struct kx_vmcoreinfo *vi, struct lockless *l)
{
	uint64_t state, lpos, begin, next, counter = 0;
	KX_TRY(struct_size(vi, "prb_desc", &l->desc_size));
	struct kx_error *err = kx_vmcoreinfo_offset(vi, "atomic_long_t.counter", &counter);
	if (!kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		KX_TRY(err);
	KX_CHECK(counter <= 8, KX_ERROR_CORRUPT,
		 "VMCOREINFO OFFSET(atomic_long_t.counter)=%" PRIu64 " is implausible", counter);
	KX_TRY(field(vi, "prb_desc.state_var", 8 + (unsigned int)counter, l->desc_size, &state));
	l->off_state = state + counter;
	KX_TRY(field(vi, "prb_desc.text_blk_lpos", 16, l->desc_size, &lpos));
	KX_TRY(field(vi, "prb_data_blk_lpos.begin", 8, l->desc_size - lpos, &begin));
	KX_TRY(field(vi, "prb_data_blk_lpos.next", 8, l->desc_size - lpos, &next));
	l->off_begin = lpos + begin;
	l->off_next = lpos + next;
	KX_TRY(struct_size(vi, "printk_info", &l->info_size));
	KX_TRY(field(vi, "printk_info.seq", 8, l->info_size, &l->off_seq));
	KX_TRY(field(vi, "printk_info.ts_nsec", 8, l->info_size, &l->off_ts));
	KX_TRY(field(vi, "printk_info.text_len", 2, l->info_size, &l->off_text_len));
	err = field(vi, "printk_info.caller_id", 4, l->info_size, &l->off_caller);
	l->has_caller = !err;
	if (!kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		KX_TRY(err);
	return NULL;
}

// The ring itself: read struct printk_ringbuffer once, whole.
static struct kx_error *lockless_ring(const struct reader *r, struct lockless *l)
{
	const struct kx_vmcoreinfo *vi = r->vi;
	uint64_t prb, rb_addr, rb_size, dr, tdr, o, counter = 0;
	uint8_t rb[KX_PRINTK_MAX_STRUCT_SIZE];
	KX_TRY(kx_vmcoreinfo_symbol(vi, "prb", &prb));
	KX_TRY(read_u64(r, prb, "prb", &rb_addr));
	KX_TRY(struct_size(vi, "printk_ringbuffer", &rb_size));
	KX_TRY(kread(r, rb_addr, rb, rb_size, "printk_ringbuffer"));
	struct kx_error *err = kx_vmcoreinfo_offset(vi, "atomic_long_t.counter", &counter);
	kx_error_destroy(err);  // absent means 0; its value was checked by the layout
	KX_TRY(field(vi, "printk_ringbuffer.desc_ring", 40, rb_size, &dr));
	KX_TRY(field(vi, "printk_ringbuffer.text_data_ring", 16, rb_size, &tdr));
	KX_TRY(field(vi, "prb_desc_ring.count_bits", 4, rb_size - dr, &o));
	l->count_bits = kx_get_le32(rb + dr + o);
	KX_TRY(field(vi, "prb_desc_ring.descs", 8, rb_size - dr, &o));
	l->descs = kx_get_le64(rb + dr + o);
	KX_TRY(field(vi, "prb_desc_ring.infos", 8, rb_size - dr, &o));
	l->infos = kx_get_le64(rb + dr + o);
	KX_TRY(field(vi, "prb_desc_ring.head_id", 8 + (unsigned int)counter, rb_size - dr, &o));
	l->head_id = kx_get_le64(rb + dr + o + counter);
	KX_TRY(field(vi, "prb_desc_ring.tail_id", 8 + (unsigned int)counter, rb_size - dr, &o));
	l->tail_id = kx_get_le64(rb + dr + o + counter);
	KX_TRY(field(vi, "prb_data_ring.size_bits", 4, rb_size - tdr, &o));
	l->size_bits = kx_get_le32(rb + tdr + o);
	KX_TRY(field(vi, "prb_data_ring.data", 8, rb_size - tdr, &o));
	l->data = kx_get_le64(rb + tdr + o);
	return NULL;
}

static struct kx_error *lockless_check(const struct lockless *l)
{
	KX_CHECK(l->count_bits <= KX_PRINTK_MAX_COUNT_BITS, KX_ERROR_CORRUPT,
		 "printk ring: count_bits %u exceeds %d", l->count_bits, KX_PRINTK_MAX_COUNT_BITS);
	KX_CHECK(l->size_bits >= 4 && l->size_bits <= KX_PRINTK_MAX_SIZE_BITS, KX_ERROR_CORRUPT,
		 "printk ring: text data size_bits %u is outside 4..%d", l->size_bits,
		 KX_PRINTK_MAX_SIZE_BITS);
	KX_CHECK(!(l->head_id & ~DESC_ID_MASK) && !(l->tail_id & ~DESC_ID_MASK),
		 KX_ERROR_CORRUPT, "printk ring: head_id %#" PRIx64 " or tail_id %#" PRIx64
		 " has state bits set", l->head_id, l->tail_id);
	uint64_t span = (l->head_id - l->tail_id) & DESC_ID_MASK;
	KX_CHECK(span < (UINT64_C(1) << l->count_bits), KX_ERROR_CORRUPT,
		 "printk ring: head_id %#" PRIx64 " is %" PRIu64 " descriptors past tail_id %#"
		 PRIx64 ", but the ring holds %" PRIu64, l->head_id, span, l->tail_id,
		 UINT64_C(1) << l->count_bits);
	uint64_t count = UINT64_C(1) << l->count_bits, size = UINT64_C(1) << l->size_bits;
	KX_CHECK(l->descs <= UINT64_MAX - count * l->desc_size, KX_ERROR_CORRUPT,
		 "printk ring: prb_desc array at %#" PRIx64 " wraps the address space", l->descs);
	KX_CHECK(l->infos <= UINT64_MAX - count * l->info_size, KX_ERROR_CORRUPT,
		 "printk ring: printk_info array at %#" PRIx64 " wraps the address space", l->infos);
	KX_CHECK(l->data <= UINT64_MAX - size, KX_ERROR_CORRUPT,
		 "printk ring: text data at %#" PRIx64 " wraps the address space", l->data);
	return NULL;
}

// Where the text of a block [begin, next) is, following the kernel's rules:
// positions are taken modulo the ring size; a block that would cross the
// end of the ring is stored from offset 0 instead; the first word is the id.
static struct kx_error *lockless_text(const struct lockless *l, uint64_t id, uint64_t lbegin,
				      uint64_t lnext, uint64_t *ret_off, uint64_t *ret_room)
{
	uint64_t size = UINT64_C(1) << l->size_bits;
	uint64_t begin = lbegin % size, next = lnext % size;
	if (begin == next) {
		*ret_off = *ret_room = 0;  // a data-less record
		return NULL;
	}
	KX_CHECK(lnext - lbegin <= size, KX_ERROR_CORRUPT,
		 "printk record %#" PRIx64 ": text block [%#" PRIx64 ", %#" PRIx64 ") is larger "
		 "than the %" PRIu64 "-byte ring", id, lbegin, lnext, size);
	if (begin > next)
		begin = 0;
	KX_CHECK(next >= begin + BLOCK_ID_SIZE, KX_ERROR_CORRUPT,
		 "printk record %#" PRIx64 ": text block [%#" PRIx64 ", %#" PRIx64 ") is too "
		 "short for its id word", id, lbegin, lnext);
	*ret_off = begin + BLOCK_ID_SIZE;
	*ret_room = next - *ret_off;
	return NULL;
}

static struct kx_error *lockless_record(const struct reader *r, const struct lockless *l,
					uint64_t id)
{
	uint8_t desc[KX_PRINTK_MAX_STRUCT_SIZE], info[KX_PRINTK_MAX_STRUCT_SIZE];
	// lockless_check() made sure neither array wraps the address space.
	uint64_t slot = id & ((UINT64_C(1) << l->count_bits) - 1);
	KX_TRY(kread(r, l->descs + slot * l->desc_size, desc, l->desc_size, "prb_desc"));
	uint64_t sv = kx_get_le64(desc + l->off_state);
	uint64_t sv_id = sv & DESC_ID_MASK;
	unsigned int state = (unsigned int)(sv >> 62);
	// A slot only ever holds ids congruent to its index; another id in the
	// right slot is a record being recycled (a crash inside desc_reserve()).
	KX_CHECK(!((sv_id ^ id) & ((UINT64_C(1) << l->count_bits) - 1)), KX_ERROR_CORRUPT,
		 "printk descriptor %" PRIu64 " holds id %#" PRIx64 ", which does not belong "
		 "in that slot (expected %#" PRIx64 ")", slot, sv_id, id);
	if (sv_id != id || (state != DESC_COMMITTED && state != DESC_FINALIZED))
		return NULL;
	KX_TRY(kread(r, l->infos + slot * l->info_size, info, l->info_size, "printk_info"));
	struct kx_printk_record rec = {
		.has_seq = true,
		.seq = kx_get_le64(info + l->off_seq),
		.ts_nsec = kx_get_le64(info + l->off_ts),
		.has_caller_id = l->has_caller,
		.caller_id = l->has_caller ? kx_get_le32(info + l->off_caller) : 0,
		.text = r->buf,
	};
	uint64_t off, room;
	KX_TRY(lockless_text(l, id, kx_get_le64(desc + l->off_begin),
			     kx_get_le64(desc + l->off_next), &off, &room));
	rec.dataless = !off;
	size_t len = rec.dataless ? 0 : kx_get_le16(info + l->off_text_len);
	if (room < len)
		len = (size_t)room;  // a truncated message
	if (len)
		KX_TRY(kread(r, l->data + off, r->buf, len, "printk text"));
	rec.text_size = len;
	if (r->cleared && rec.seq < r->clear_seq)
		return NULL;  // logged before the last clear
	return deliver(r, &rec);
}

// The kernel's clear_seq: a struct latched_seq since 5.11 (a seqcount_latch_t,
// whose sequence is its first word, then u64 val[2]; readers take
// val[sequence & 1]), a plain u64 in 5.10. Leaves r->cleared false when
// VMCOREINFO does not export it.
static struct kx_error *lockless_clear_seq(struct reader *r)
{
	uint64_t sym, off_val, size;
	struct kx_error *err = kx_vmcoreinfo_symbol(r->vi, "clear_seq", &sym);
	if (kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		return NULL;
	KX_TRY(err);
	err = kx_vmcoreinfo_offset(r->vi, "latched_seq.val", &off_val);
	if (kx_error_catch(&err, KX_ERROR_NOT_FOUND)) {
		KX_TRY(read_u64(r, sym, "clear_seq", &r->clear_seq));
		r->cleared = true;
		return NULL;
	}
	KX_TRY(err);
	KX_TRY(struct_size(r->vi, "latched_seq", &size));
	KX_CHECK(off_val >= 4 && off_val <= size && size - off_val >= 16, KX_ERROR_CORRUPT,
		 "VMCOREINFO OFFSET(latched_seq.val)=%" PRIu64 " does not fit two u64 after "
		 "the latch in SIZE(latched_seq)=%" PRIu64, off_val, size);
	KX_CHECK(sym <= UINT64_MAX - size, KX_ERROR_CORRUPT,
		 "clear_seq at %#" PRIx64 " wraps the address space", sym);
	uint32_t latch;
	KX_TRY(read_u32(r, sym, "clear_seq latch", &latch));
	KX_TRY(read_u64(r, sym + off_val + 8 * (latch & 1), "clear_seq", &r->clear_seq));
	r->cleared = true;
	return NULL;
}

static struct kx_error *read_lockless(struct reader *r)
{
	struct lockless l;
	if (r->since_clear)
		KX_TRY(lockless_clear_seq(r));
	KX_TRY(lockless_layout(r->vi, &l));
	KX_TRY(lockless_ring(r, &l));
	KX_TRY(lockless_check(&l));
	// tail_id … head_id inclusive; lockless_check bounded the distance.
	uint64_t span = (l.head_id - l.tail_id) & DESC_ID_MASK;
	for (uint64_t i = 0; i <= span; i++)
		KX_TRY(lockless_record(r, &l, (l.tail_id + i) & DESC_ID_MASK));
	return NULL;
}

// ---- structured log (3.5–5.9) ----

struct structured {
	uint64_t buf, hdr_size, off_ts, off_len, off_text_len, off_caller;
	bool has_caller;
	uint32_t buf_len, first, next;
	bool has_clear;
	uint32_t clear;  // clear_idx, when has_clear
};

// struct printk_log was called struct log before 3.11: accept both names.
static struct kx_error *log_key(const struct kx_vmcoreinfo *vi, const char *member,
				unsigned int width, uint64_t size, uint64_t *ret)
{
	char name[64];
	snprintf(name, sizeof(name), "printk_log.%s", member);
	struct kx_error *err = field(vi, name, width, size, ret);
	if (!kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		return err;
	snprintf(name, sizeof(name), "log.%s", member);
	return field(vi, name, width, size, ret);
}

static struct kx_error *structured_setup(const struct reader *r, struct structured *s)
{
	const struct kx_vmcoreinfo *vi = r->vi;
	uint64_t sym;
	struct kx_error *err = struct_size(vi, "printk_log", &s->hdr_size);
	if (kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		err = struct_size(vi, "log", &s->hdr_size);
	KX_TRY(err);
	KX_TRY(log_key(vi, "ts_nsec", 8, s->hdr_size, &s->off_ts));
	KX_TRY(log_key(vi, "len", 2, s->hdr_size, &s->off_len));
	KX_TRY(log_key(vi, "text_len", 2, s->hdr_size, &s->off_text_len));
	err = log_key(vi, "caller_id", 4, s->hdr_size, &s->off_caller);
	s->has_caller = !err;
	if (!kx_error_catch(&err, KX_ERROR_NOT_FOUND))
		KX_TRY(err);
	KX_TRY(kx_vmcoreinfo_symbol(vi, "log_buf", &sym));
	KX_TRY(read_u64(r, sym, "log_buf", &s->buf));
	KX_TRY(kx_vmcoreinfo_symbol(vi, "log_buf_len", &sym));
	KX_TRY(read_u32(r, sym, "log_buf_len", &s->buf_len));
	KX_TRY(kx_vmcoreinfo_symbol(vi, "log_first_idx", &sym));
	KX_TRY(read_u32(r, sym, "log_first_idx", &s->first));
	KX_TRY(kx_vmcoreinfo_symbol(vi, "log_next_idx", &sym));
	KX_TRY(read_u32(r, sym, "log_next_idx", &s->next));
	if (r->since_clear) {
		err = kx_vmcoreinfo_symbol(vi, "clear_idx", &sym);
		if (!kx_error_catch(&err, KX_ERROR_NOT_FOUND)) {
			KX_TRY(err);
			KX_TRY(read_u32(r, sym, "clear_idx", &s->clear));
			s->has_clear = true;
		}
	}
	// log_buf_len is an int in the kernel: 2 GiB at most.
	KX_CHECK(s->buf_len >= s->hdr_size && s->buf_len <= UINT32_C(1) << 31,
		 KX_ERROR_CORRUPT, "printk log: log_buf_len %" PRIu32 " is implausible", s->buf_len);
	KX_CHECK(s->buf <= UINT64_MAX - s->buf_len, KX_ERROR_CORRUPT,
		 "printk log: log_buf at %#" PRIx64 " wraps the address space", s->buf);
	KX_CHECK(s->first <= s->buf_len - s->hdr_size && s->next <= s->buf_len - s->hdr_size,
		 KX_ERROR_CORRUPT, "printk log: log_first_idx %" PRIu32 " or log_next_idx %"
		 PRIu32 " is outside the %" PRIu32 "-byte buffer", s->first, s->next, s->buf_len);
	return NULL;
}

// Walk log_first_idx .. log_next_idx, delivering every record when @p all,
// else only those from index @p from on; *ret_seen tells whether @p from
// was reached (a record start, a wrap marker or log_next_idx itself).
static struct kx_error *structured_walk(const struct reader *r, const struct structured *sp,
					bool all, uint32_t from, bool *ret_seen)
{
	const struct structured s = *sp;
	uint8_t hdr[KX_PRINTK_MAX_STRUCT_SIZE];
	bool wrapped = false, on = all, seen = false;
	// Indices only grow between wraps and one wrap is allowed: the loop
	// ends within two passes over the buffer.
	for (uint32_t idx = s.first;; ) {
		if (idx == from)
			seen = on = true;
		if (idx == s.next)
			break;
		KX_TRY(kread(r, s.buf + idx, hdr, s.hdr_size, "printk_log"));
		uint16_t len = kx_get_le16(hdr + s.off_len);
		if (!len) {
			// A zeroed header marks the end of the used part of the buffer.
			KX_CHECK(!wrapped, KX_ERROR_CORRUPT,
				 "printk log: cycle: wrapped twice (at %" PRIu32 ") without reaching "
				 "log_next_idx %" PRIu32, idx, s.next);
			wrapped = true;
			struct kx_printk_record marker = { .wrap_marker = true,
							   .ts_nsec = kx_get_le64(hdr + s.off_ts) };
			if (on)
				KX_TRY(deliver(r, &marker));
			idx = 0;
			continue;
		}
		uint16_t text_len = kx_get_le16(hdr + s.off_text_len);
		KX_CHECK(text_len <= s.buf_len - idx - s.hdr_size, KX_ERROR_CORRUPT,
			 "printk log: record at %" PRIu32 " has %" PRIu16 " bytes of text past the "
			 "end of the buffer", idx, text_len);
		if (text_len)
			KX_TRY(kread(r, s.buf + idx + s.hdr_size, r->buf, text_len, "printk text"));
		struct kx_printk_record rec = {
			.ts_nsec = kx_get_le64(hdr + s.off_ts),
			.has_caller_id = s.has_caller,
			.caller_id = s.has_caller ? kx_get_le32(hdr + s.off_caller) : 0,
			.text = r->buf,
			.text_size = text_len,
		};
		if (on)
			KX_TRY(deliver(r, &rec));
		KX_CHECK(len <= s.buf_len - s.hdr_size - idx, KX_ERROR_CORRUPT,
			 "printk log: record at %" PRIu32 " has length %" PRIu16 ", past the end of "
			 "the %" PRIu32 "-byte buffer", idx, len, s.buf_len);
		idx += len;
	}
	*ret_seen = seen;
	return NULL;
}

static struct kx_error *read_structured(struct reader *r)
{
	struct structured s = { 0 };
	bool seen = false;
	KX_TRY(structured_setup(r, &s));
	r->cleared = s.has_clear;
	if (!s.has_clear)
		return structured_walk(r, &s, true, 0, &seen);
	// clear_idx is only trusted where a record starts: the kernel leaves it
	// behind when the records it pointed at are overwritten (and then reads
	// from log_first_idx itself). A first pass, delivering nothing, finds out.
	struct reader quiet = *r;
	quiet.visit = NULL;
	KX_TRY(structured_walk(&quiet, &s, false, s.clear, &seen));
	return structured_walk(r, &s, !seen, s.clear, &seen);
}

// ---- legacy buffer (before 3.5) ----

static struct kx_error *legacy_span(const struct reader *r, uint64_t addr, uint64_t size)
{
	while (size) {
		size_t n = size < LEGACY_CHUNK ? (size_t)size : LEGACY_CHUNK;
		KX_TRY(kread(r, addr, r->buf, n, "log_buf"));
		struct kx_printk_record rec = { .raw = true, .text = r->buf, .text_size = n };
		KX_TRY(deliver(r, &rec));
		addr += n;
		size -= n;
	}
	return NULL;
}

static struct kx_error *read_legacy(const struct reader *r)
{
	const struct kx_vmcoreinfo *vi = r->vi;
	uint64_t sym, buf;
	uint32_t end, len;
	KX_TRY(kx_vmcoreinfo_symbol(vi, "log_buf", &sym));
	KX_TRY(read_u64(r, sym, "log_buf", &buf));
	KX_TRY(kx_vmcoreinfo_symbol(vi, "log_buf_len", &sym));
	KX_TRY(read_u32(r, sym, "log_buf_len", &len));
	KX_TRY(kx_vmcoreinfo_symbol(vi, "log_end", &sym));
	KX_TRY(read_u32(r, sym, "log_end", &end));
	KX_CHECK(len > 0 && len <= UINT32_C(1) << 31, KX_ERROR_CORRUPT,
		 "printk log: log_buf_len %" PRIu32 " is implausible", len);
	KX_CHECK(buf <= UINT64_MAX - len, KX_ERROR_CORRUPT,
		 "printk log: log_buf at %#" PRIx64 " wraps the address space", buf);
	// log_end counts every character ever logged; the buffer keeps the last
	// log_buf_len of them, the oldest at log_end % log_buf_len.
	if (end < len)
		return legacy_span(r, buf, end);
	uint32_t start = end % len;
	KX_TRY(legacy_span(r, buf + start, len - start));
	return legacy_span(r, buf, start);
}

// ---- public ----

struct kx_error *kx_printk_detect(const struct kx_vmcoreinfo *vi, enum kx_printk_format *ret)
{
	if (kx_vmcoreinfo_find(vi, KX_VMCOREINFO_SYMBOL, "prb"))
		*ret = KX_PRINTK_LOCKLESS;
	else if (kx_vmcoreinfo_find(vi, KX_VMCOREINFO_SYMBOL, "log_first_idx"))
		*ret = KX_PRINTK_STRUCTURED;
	else if (kx_vmcoreinfo_find(vi, KX_VMCOREINFO_SYMBOL, "log_end") &&
		 kx_vmcoreinfo_find(vi, KX_VMCOREINFO_SYMBOL, "log_buf"))
		*ret = KX_PRINTK_LEGACY;
	else
		return kx_error_create(KX_ERROR_NOT_FOUND, "VMCOREINFO has no SYMBOL(prb), "
				       "SYMBOL(log_first_idx) or SYMBOL(log_end): no printk buffer");
	return NULL;
}

static struct kx_error *read_log(const struct kx_vmcoreinfo *vi, const struct kx_kmem *mem,
				 struct kx_error *(*visit)(void *arg,
							   const struct kx_printk_record *rec),
				 void *arg, bool since_clear, bool *ret_cleared)
{
	enum kx_printk_format fmt;
	KX_TRY(kx_printk_detect(vi, &fmt));
	struct reader r = { .vi = vi, .mem = mem, .visit = visit, .arg = arg,
			    .since_clear = since_clear };
	r.buf = malloc(LEGACY_CHUNK);
	if (!r.buf)
		return &kx_enomem;
	struct kx_error *err;
	if (fmt == KX_PRINTK_LOCKLESS)
		err = read_lockless(&r);
	else if (fmt == KX_PRINTK_STRUCTURED)
		err = read_structured(&r);
	else
		err = read_legacy(&r);
	free(r.buf);
	*ret_cleared = r.cleared;
	return err;
}

struct kx_error *kx_printk_read(const struct kx_vmcoreinfo *vi, const struct kx_kmem *mem,
				struct kx_error *(*visit)(void *arg,
							  const struct kx_printk_record *rec),
				void *arg)
{
	bool cleared;
	return read_log(vi, mem, visit, arg, false, &cleared);
}

struct kx_error *kx_printk_read_since_clear(const struct kx_vmcoreinfo *vi,
					    const struct kx_kmem *mem,
					    struct kx_error *(*visit)(void *arg,
								      const struct kx_printk_record *rec),
					    void *arg, bool *ret_cleared)
{
	return read_log(vi, mem, visit, arg, true, ret_cleared);
}

// ---- rendering ----

static bool is_print(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

// isspace() in the C locale.
static bool is_space(uint8_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static struct kx_error *out_status(FILE *out)
{
	if (ferror(out))
		return kx_error_os(errno ? errno : EIO, NULL, "writing the log");
	return NULL;
}

struct kx_error *kx_printk_render_vmcore_dmesg(const struct kx_printk_record *rec, FILE *out)
{
	if (rec->raw) {
		fwrite(rec->text, 1, rec->text_size, out);
		return out_status(out);
	}
	fprintf(out, "[%5" PRIu64 ".%06" PRIu64 "] ", rec->ts_nsec / 1000000000,
		rec->ts_nsec % 1000000000 / 1000);
	for (size_t i = 0; i < rec->text_size; i++) {
		uint8_t c = rec->text[i];
		if (is_print(c) || is_space(c))
			putc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
	putc('\n', out);
	return out_status(out);
}

struct kx_error *kx_printk_render_makedumpfile(const struct kx_printk_record *rec, FILE *out)
{
	if (rec->raw) {
		fwrite(rec->text, 1, rec->text_size, out);
		return out_status(out);
	}
	if (rec->dataless || rec->wrap_marker)
		return NULL;
	// makedumpfile prints seconds with %lld and microseconds with %ld.
	int indent = fprintf(out, "[%5lld.%06ld] ", (long long)(rec->ts_nsec / 1000000000),
			     (long)(rec->ts_nsec % 1000000000 / 1000));
	if (rec->has_caller_id) {
		char who[16];
		snprintf(who, sizeof(who), "%c%" PRIu32, rec->caller_id & 0x80000000u ? 'C' : 'T',
			 rec->caller_id & ~0x80000000u);
		indent += fprintf(out, "[%8s] ", who);
	}
	for (size_t i = 0; i < rec->text_size; i++) {
		uint8_t c = rec->text[i];
		if (c == '\n')
			fprintf(out, "\n%*s", indent > 0 ? indent : 0, "");
		else if (is_print(c) || is_space(c))
			putc(c, out);
		else  // "%02x" of a sign-extended char, as upstream prints it
			fprintf(out, "\\x%02x", c < 0x80 ? (unsigned int)c : 0xffffff00u | c);
	}
	putc('\n', out);
	return out_status(out);
}

// kx_printk_render_buf()'s stream: keeps the first cap bytes, counts all.
struct bounded_sink {
	char *buf;
	size_t cap;
	size_t size;
};

static ssize_t bounded_write(void *cookie, const char *data, size_t n)
{
	struct bounded_sink *b = cookie;
	if (b->size < b->cap) {
		size_t room = b->cap - b->size;
		memcpy(b->buf + b->size, data, n < room ? n : room);
	}
	b->size += n;
	return (ssize_t)n;
}

struct kx_error *kx_printk_render_buf(const struct kx_printk_record *rec, bool makedumpfile,
				      char *buf, size_t cap, size_t *ret_size)
{
	// Not open_memstream(): that holds the whole rendering, up to 64 KiB
	// of a raw record or ten bytes per byte of escaped text, to return
	// cap - 1 of it. This stream never fails, so the renderers cannot.
	struct bounded_sink sink = { buf, cap ? cap - 1 : 0, 0 };
	FILE *f = fopencookie(&sink, "w", (cookie_io_functions_t){ .write = bounded_write });
	if (!f)
		return &kx_enomem;
	struct kx_error *err = makedumpfile ? kx_printk_render_makedumpfile(rec, f)
					    : kx_printk_render_vmcore_dmesg(rec, f);
	if (fclose(f) && !err)
		err = &kx_enomem;
	if (err)
		return err == &kx_enomem ? err : kx_error_prefix(err, "rendering a record");
	if (cap)
		buf[sink.size < sink.cap ? sink.size : sink.cap] = 0;
	*ret_size = sink.size;
	return NULL;
}
