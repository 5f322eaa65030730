// SPDX-License-Identifier: GPL-2.0-only
// The kernel log of a synthetic vmcore: the `printk`/`dmesg` keys and `log`
// lines of the description, and the buffers the kernel would have left
// after logging those messages in order. The writers below replay the
// kernel's own allocation rules, so small rings wrap and drop old records
// exactly as a real one does:
//  - lockless (5.10+, kernel/printk/printk_ringbuffer.c): desc_reserve()
//    pushes the descriptor tail, data_alloc() places a block that would
//    cross the end of the ring at offset 0 and pushes the data tail,
//    invalidating (desc_reusable) the records whose text it overwrites;
//  - structured (3.5-5.9, log_store()/log_make_free_space()): records of
//    struct printk_log + text padded to 4 bytes (LOG_ALIGN on x86_64), a
//    zeroed header (len 0) where a record did not fit before the end;
//  - legacy (< 3.5, emit_log_char()): "<6>[ts] text\n" characters written
//    at log_end & (log_buf_len - 1), log_end counting forever.
// Struct sizes and offsets are those of the x86_64 6.1 and 4.16 VMCOREINFO
// samples (../shared/reference/samples).
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "mkvmcore.h"

// ---- the description ----

static struct kx_error *lerr(const struct mkv_spec *s, int line, const char *msg, const char *arg)
{
	return kx_error_file(KX_ERROR_INVALID_ARG, s->path, "line %d: %s%s%s", line, msg,
			     arg ? ": " : "", arg ? arg : "");
}

static struct kx_error *add_log(struct mkv_spec *s, const struct mkv_log *log)
{
	struct mkv_printk_spec *p = &s->printk;
	if (p->nr_logs == p->cap_logs) {
		size_t cap = p->cap_logs ? 2 * p->cap_logs : 64;
		void *n = realloc(p->logs, cap * sizeof(*p->logs));
		if (!n)
			return &kx_enomem;
		p->logs = n;
		p->cap_logs = cap;
	}
	p->logs[p->nr_logs++] = *log;
	return NULL;
}

// The time stamp after the previous message: 1 µs later.
static uint64_t next_ts(const struct mkv_spec *s)
{
	return s->printk.nr_logs ? s->printk.logs[s->printk.nr_logs - 1].ts_nsec + 1000 : 0;
}

// "S.FFFFFF" (up to 9 fraction digits) in nanoseconds; *end after it.
static bool parse_ts(const char *t, const char **end, uint64_t *ret)
{
	if (!isdigit((unsigned char)*t))
		return false;
	uint64_t sec = 0, frac = 0;
	int digits = 0;
	for (; isdigit((unsigned char)*t); t++) {
		if (sec > UINT64_MAX / 10 / 1000000000)
			return false;
		sec = sec * 10 + (uint64_t)(*t - '0');
	}
	if (*t == '.')
		for (t++; isdigit((unsigned char)*t); t++)
			if (digits++ < 9)
				frac = frac * 10 + (uint64_t)(*t - '0');
	for (; digits < 9; digits++)
		frac *= 10;
	*end = t;
	*ret = sec * 1000000000 + frac;
	return true;
}

static int hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

// A C-style quoted string: \n \t \r \\ \" \xNN. *end after the quote.
static struct kx_error *parse_quoted(const struct mkv_spec *s, int line, const char *t,
				     const char **end, uint8_t **ret, size_t *ret_size)
{
	uint8_t *buf = malloc(strlen(t) + 1);
	size_t n = 0;
	if (!buf)
		return &kx_enomem;
	for (t++; *t && *t != '"'; t++) {
		if (*t != '\\') {
			buf[n++] = (uint8_t)*t;
			continue;
		}
		t++;
		if (*t == 'n' || *t == 't' || *t == 'r')
			buf[n++] = *t == 'n' ? '\n' : *t == 't' ? '\t' : '\r';
		else if (*t == '\\' || *t == '"')
			buf[n++] = (uint8_t)*t;
		else if (*t == 'x' && isxdigit((unsigned char)t[1]) && isxdigit((unsigned char)t[2])) {
			buf[n++] = (uint8_t)(hexval(t[1]) << 4 | hexval(t[2]));
			t += 2;
		} else {
			free(buf);
			return lerr(s, line, "unknown escape in log text (use \\n \\t \\r \\\\ \\\" \\xNN)", NULL);
		}
	}
	if (*t != '"') {
		free(buf);
		return lerr(s, line, "log text needs a closing quote", NULL);
	}
	*end = t + 1;
	*ret = buf;
	*ret_size = n;
	return NULL;
}

static struct kx_error *parse_caller(const struct mkv_spec *s, int line, const char *w,
				     uint32_t *ret)
{
	char *end;
	if ((w[0] != 'T' && w[0] != 'C') || !isdigit((unsigned char)w[1]))
		return lerr(s, line, "caller= takes T<pid> or C<cpu>", w);
	errno = 0;
	unsigned long v = strtoul(w + 1, &end, 10);
	if (errno || v >= 0x80000000ul || (*end && !isspace((unsigned char)*end)))
		return lerr(s, line, "caller= takes T<pid> or C<cpu>", w);
	*ret = (uint32_t)v | (w[0] == 'C' ? 0x80000000u : 0);
	return NULL;
}

static struct kx_error *parse_state(const struct mkv_spec *s, int line, const char *w, int *ret)
{
	static const char *const names[] = { "reserved", "committed", "finalized", "reusable" };
	for (int i = 0; i < 4; i++) {
		size_t l = strlen(names[i]);
		if (!strncmp(w, names[i], l) && (!w[l] || isspace((unsigned char)w[l]))) {
			*ret = i;
			return NULL;
		}
	}
	return lerr(s, line, "state= takes reserved, committed, finalized or reusable", w);
}

// The words before the text: [TS] [caller=..] [state=..] [dataless].
static struct kx_error *parse_log_words(const struct mkv_spec *s, int line, const char **t,
					struct mkv_log *log)
{
	for (;;) {
		const char *w = *t + strspn(*t, " \t"), *e;
		size_t len = strcspn(w, " \t\r\n");
		if (*w == '"' || !*w || *w == '\n' || *w == '#') {
			*t = w;
			return NULL;
		}
		if (!strncmp(w, "caller=", 7))
			KX_TRY(parse_caller(s, line, w + 7, &log->caller_id));
		else if (!strncmp(w, "state=", 6))
			KX_TRY(parse_state(s, line, w + 6, &log->state));
		else if (len == 8 && !strncmp(w, "dataless", 8))
			log->dataless = true;
		else if (!parse_ts(w, &e, &log->ts_nsec) || e != w + len)
			return lerr(s, line, "expected TS, caller=, state=, dataless or \"text\"", w);
		*t = w + len;
	}
}

struct kx_error *mkv_printk_parse_log(struct mkv_spec *s, int line, const char *rest)
{
	struct mkv_log log = { .ts_nsec = next_ts(s), .state = -1, .line = line };
	const char *t = rest;
	KX_TRY(parse_log_words(s, line, &t, &log));
	if (*t != '"')
		return lerr(s, line, "usage: log [SECONDS.FRACTION] [caller=Tn|Cn] "
			    "[state=S] [dataless] \"text\"", NULL);
	KX_TRY(parse_quoted(s, line, t, &t, &log.text, &log.size));
	t += strspn(t, " \t\r\n");
	struct kx_error *err = NULL;
	if (*t && *t != '#')
		err = lerr(s, line, "unexpected text after the quoted message", t);
	else if (log.size > 1000)  // LOG_LINE_MAX is 1024 minus the prefix
		err = lerr(s, line, "a message holds at most 1000 bytes", NULL);
	if (!err)
		err = add_log(s, &log);
	if (err)
		free(log.text);
	return err;
}

// One line of a dmesg file: "[SECONDS.FRACTION] text" or just "text";
// the text is taken byte for byte.
static struct kx_error *dmesg_line(struct mkv_spec *s, int line, const char *l, size_t len)
{
	struct mkv_log log = { .ts_nsec = next_ts(s), .state = -1, .line = line };
	const char *end;
	if (len && l[0] == '[') {
		const char *ts = l + 1 + strspn(l + 1, " ");
		const char *close = memchr(l, ']', len);
		if (close && parse_ts(ts, &end, &log.ts_nsec) && end == close) {
			len -= (size_t)(close + 1 - l);
			l = close + 1;
			if (len && *l == ' ') {
				l++;
				len--;
			}
		}
	}
	if (len > 1000)
		return lerr(s, line, "dmesg line longer than 1000 bytes", NULL);
	log.text = malloc(len ? len : 1);
	if (!log.text)
		return &kx_enomem;
	memcpy(log.text, l, len);
	log.size = len;
	struct kx_error *err = add_log(s, &log);
	if (err)
		free(log.text);
	return err;
}

static struct kx_error *load_dmesg(struct mkv_spec *s, int line, const char *name)
{
	char path[4096];
	const char *slash = strrchr(s->path, '/');
	if (name[0] != '/' && slash)
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - s->path), s->path, name);
	else
		snprintf(path, sizeof(path), "%s", name);
	FILE *f = fopen(path, "r");
	if (!f)
		return kx_error_prefix(kx_error_os(errno, path, "cannot open"),
				       "%s: line %d: dmesg", s->path, line);
	char buf[4096];
	struct kx_error *err = NULL;
	while (!err && fgets(buf, sizeof(buf), f)) {
		size_t len = strcspn(buf, "\n");
		err = dmesg_line(s, line, buf, len);
	}
	fclose(f);
	return err;
}

static struct kx_error *parse_bits(const struct mkv_spec *s, int line, const char *v,
				   unsigned int lo, unsigned int hi, unsigned int *ret)
{
	char *end;
	unsigned long n = strtoul(v, &end, 0);
	if (*end || n < lo || n > hi) {
		char msg[64];
		snprintf(msg, sizeof(msg), "expected a number %u..%u", lo, hi);
		return lerr(s, line, msg, v);
	}
	*ret = (unsigned int)n;
	return NULL;
}

struct kx_error *mkv_printk_parse_key(struct mkv_spec *s, int line, const char *key,
				      const char *v, bool *found)
{
	struct mkv_printk_spec *p = &s->printk;
	*found = true;
	if (!strcmp(key, "printk")) {
		if (!strcmp(v, "lockless"))
			p->format = MKV_PRINTK_LOCKLESS;
		else if (!strcmp(v, "structured"))
			p->format = MKV_PRINTK_STRUCTURED;
		else if (!strcmp(v, "legacy"))
			p->format = MKV_PRINTK_LEGACY;
		else
			return lerr(s, line, "printk takes lockless, structured or legacy", v);
	} else if (!strcmp(key, "printk_buf")) {
		if (!strcmp(v, "image"))
			p->place = MKV_PRINTK_IMAGE;
		else if (!strcmp(v, "memblock"))
			p->place = MKV_PRINTK_MEMBLOCK;
		else if (!strcmp(v, "vmalloc"))
			p->place = MKV_PRINTK_VMALLOC;
		else
			return lerr(s, line, "printk_buf takes image, memblock or vmalloc", v);
	} else if (!strcmp(key, "printk_size_bits")) {
		return parse_bits(s, line, v, 8, 20, &p->size_bits);
	} else if (!strcmp(key, "printk_count_bits")) {
		return parse_bits(s, line, v, 1, 16, &p->count_bits);
	} else if (!strcmp(key, "printk_caller")) {
		unsigned int b;
		KX_TRY(parse_bits(s, line, v, 0, 1, &b));
		p->caller = b;
	} else if (!strcmp(key, "printk_clear")) {
		return parse_bits(s, line, v, 0, 1000000, &p->clear);
	} else if (!strcmp(key, "dmesg")) {
		return load_dmesg(s, line, v);
	} else {
		*found = false;
	}
	return NULL;
}

void mkv_printk_spec_free(struct mkv_spec *s)
{
	for (size_t i = 0; i < s->printk.nr_logs; i++)
		free(s->printk.logs[i].text);
	free(s->printk.logs);
}

// ---- memory ----

// Kernel variables go into the image's data area past layout.c's own
// (offsets from mkv_image_free_pa()); image-placed buffers follow them.
enum { IMG_PRINTK_VARS = 0x5000, IMG_PRINTK_BUFS = 0x6000 };

struct buffer {
	uint64_t va;
	uint8_t *data;
};

struct place_state {
	uint64_t img_next;   // next free byte of the image data area (pa)
	uint64_t vmalloc_next;
};

// A buffer of @p size bytes where the description says.
static struct kx_error *place(struct mkv_ctx *ctx, struct place_state *ps, uint64_t size,
			      const char *what, struct buffer *ret)
{
	uint64_t pmask = ctx->page_size - 1, pa;
	uint64_t rounded = (size + pmask) & ~pmask;
	switch (ctx->spec->printk.place) {
	case MKV_PRINTK_IMAGE:
		pa = ps->img_next;
		if (pa + rounded > ctx->text_pa + ctx->spec->kernel_size)
			return kx_error_create(KX_ERROR_NOSPACE, "%s does not fit in the kernel "
					       "image: use printk_buf = memblock", what);
		ps->img_next += rounded;
		ret->va = ctx->text_va + (pa - ctx->text_pa);
		break;
	case MKV_PRINTK_MEMBLOCK:
		KX_TRY(mkv_alloc(ctx, rounded, ctx->page_size, MKV_REGION_MEMBLOCK, 0, what, &pa));
		ret->va = mkv_pa_to_va(ctx, pa);
		break;
	default:
		// Synthetic: real kernels never vmalloc the log, but this is the
		// case where no PT_LOAD p_vaddr covers the buffer.
		KX_TRY(mkv_alloc(ctx, rounded, ctx->page_size, MKV_REGION_MEMBLOCK, 0, what, &pa));
		ret->va = ctx->vmalloc_start + ps->vmalloc_next;
		ps->vmalloc_next += rounded + ctx->page_size;  // a guard page between
		KX_TRY(mkv_pgtable_map(ctx, ret->va, pa, rounded, 0, false));
		break;
	}
	return mkv_blob_add(ctx, pa, (size_t)size, &ret->data);
}

// A variable in the image data area.
static struct kx_error *image_var(struct mkv_ctx *ctx, unsigned int off, size_t size,
				  uint64_t *ret_va, uint8_t **ret_data)
{
	uint64_t pa = mkv_image_free_pa(ctx) + IMG_PRINTK_VARS + off;
	*ret_va = ctx->text_va + (pa - ctx->text_pa);
	return mkv_blob_add(ctx, pa, size, ret_data);
}

// log_buf / text ring size: 2^size_bits, 4 KiB when not given.
static unsigned int ring_bits(const struct mkv_printk_spec *p)
{
	return p->size_bits ? p->size_bits : 12;
}

// ---- lockless ring (kernel/printk/printk_ringbuffer.c) ----

// The 6.1 layouts (VMCOREINFO sample): struct printk_ringbuffer is
// desc_ring (48 bytes) + text_data_ring (32) + fail; prb_desc 24 bytes;
// printk_info 88 bytes with caller_id at 20.
enum {
	RB_SIZE = 88, RB_TEXT_RING = 48, DESC_SIZE = 24, INFO_SIZE = 88,
	DR_COUNT_BITS = 0, DR_DESCS = 8, DR_INFOS = 16, DR_HEAD = 24, DR_TAIL = 32, DR_LAST_FIN = 40,
	TR_SIZE_BITS = 0, TR_DATA = 8, TR_HEAD_LPOS = 16, TR_TAIL_LPOS = 24,
	INFO_SEQ = 0, INFO_TS = 8, INFO_TEXT_LEN = 16, INFO_FLAGS = 19, INFO_CALLER = 20,
};
static const uint64_t ID_MASK = ~(UINT64_C(3) << 62);
static const uint64_t NO_LPOS = 3;
enum { ST_RESERVED = 0, ST_COMMITTED = 1, ST_FINALIZED = 2, ST_REUSABLE = 3 };

// One record as the simulation tracks it.
struct lrec {
	uint64_t id, begin, next, seq;
	int state;
	bool has_data;
	const struct mkv_log *log;
};

struct lring {
	uint64_t count, size, head_id, tail_id, head_lpos, tail_lpos;
	struct lrec *recs;   // every record ever logged, in order
	size_t nr, first_data; // first record whose data block may still be valid
	uint8_t *data;
};

// DATA_WRAPS() differs: the block would cross the end; it goes to 0 then.
static uint64_t next_lpos(const struct lring *r, uint64_t begin, uint64_t size)
{
	uint64_t next = begin + size;
	if (begin / r->size == (next) / r->size)
		return next;
	return next - next % r->size + size;
}

// data_push_tail(): invalidate the oldest blocks until @p lpos is free.
static void push_data_tail(struct lring *r, uint64_t lpos)
{
	while ((int64_t)(lpos - r->tail_lpos) > 0 && r->first_data < r->nr) {
		struct lrec *old = &r->recs[r->first_data++];
		if (!old->has_data)
			continue;
		old->has_data = false;
		old->state = ST_REUSABLE;
		r->tail_lpos = old->next;
	}
	if ((int64_t)(lpos - r->tail_lpos) > 0)
		r->tail_lpos = lpos;
}

static void log_one(struct lring *r, struct lrec *rec, const struct mkv_log *log)
{
	uint64_t id = (r->head_id + 1) & ID_MASK;
	// desc_reserve(): the slot's previous occupant must be the tail; it
	// becomes reusable (its data goes too) and the tail moves on.
	if (((id - r->count) & ID_MASK) == r->tail_id) {
		for (size_t i = 0; i < r->nr; i++)
			if (r->recs[i].id == r->tail_id && r->recs[i].has_data)
				push_data_tail(r, r->recs[i].next);
		r->tail_id = (r->tail_id + 1) & ID_MASK;
	}
	r->head_id = id;
	*rec = (struct lrec){ .id = id, .seq = r->nr, .log = log,
			      .state = log->state >= 0 ? log->state : ST_FINALIZED };
	if (log->dataless) {
		rec->begin = rec->next = NO_LPOS;
		return;
	}
	// printk reserves the text plus its NUL; blocks are id word + data, 8-aligned.
	uint64_t bsize = (8 + log->size + 1 + 7) & ~UINT64_C(7);
	rec->begin = r->head_lpos;
	rec->next = next_lpos(r, rec->begin, bsize);
	push_data_tail(r, rec->next - r->size);
	r->head_lpos = rec->next;
	rec->has_data = true;
	uint64_t at = rec->begin % r->size;
	kx_put_le64(r->data + at, id);
	if (at + bsize >= r->size)  // wrapping (even ending exactly at the end): data at 0
		at = 0;
	kx_put_le64(r->data + at, id);
	memcpy(r->data + at + 8, log->text, log->size);
}

static void write_desc(const struct lring *r, const struct lrec *rec, uint8_t *descs,
		       uint8_t *infos)
{
	uint64_t slot = rec->id % r->count;
	uint8_t *d = descs + slot * DESC_SIZE, *in = infos + slot * INFO_SIZE;
	kx_put_le64(d, (uint64_t)rec->state << 62 | rec->id);
	kx_put_le64(d + 8, rec->begin);
	kx_put_le64(d + 16, rec->next);
	memset(in, 0, INFO_SIZE);
	kx_put_le64(in + INFO_SEQ, rec->seq);
	kx_put_le64(in + INFO_TS, rec->log->ts_nsec);
	kx_put_le16(in + INFO_TEXT_LEN, rec->log->dataless ? 0 : (uint16_t)rec->log->size);
	in[INFO_FLAGS] = 2 | 6 << 5;  // LOG_NEWLINE, level 6 (info)
	kx_put_le32(in + INFO_CALLER, rec->log->caller_id);
}

// printk_ringbuffer's initializer (DEFINE_PRINTKRB): head = tail = DESC0_ID
// in the last slot, reusable; lpos start one ring size below 0.
static void lring_init(struct lring *r, uint8_t *descs, uint8_t *infos)
{
	r->head_id = r->tail_id = (-(r->count + 1)) & ID_MASK;
	r->head_lpos = r->tail_lpos = -r->size;
	uint8_t *d = descs + (r->count - 1) * DESC_SIZE;
	kx_put_le64(d, (uint64_t)ST_REUSABLE << 62 | r->head_id);
	kx_put_le64(d + 8, 1);  // FAILED_LPOS
	kx_put_le64(d + 16, 1);
	kx_put_le64(infos, -r->count);  // infos[0].seq
}

static struct kx_error *build_lockless(struct mkv_ctx *ctx, struct place_state *ps)
{
	const struct mkv_printk_spec *p = &ctx->spec->printk;
	struct lring r = { .size = UINT64_C(1) << ring_bits(p) };
	unsigned int cbits = p->count_bits ? p->count_bits : ring_bits(p) - 5;
	r.count = UINT64_C(1) << cbits;
	struct buffer descs, infos, text;
	uint8_t *rb, *v;
	uint64_t prb;
	KX_TRY(place(ctx, ps, r.count * DESC_SIZE, "printk descriptors", &descs));
	KX_TRY(place(ctx, ps, r.count * INFO_SIZE, "printk infos", &infos));
	KX_TRY(place(ctx, ps, r.size, "printk text ring", &text));
	KX_TRY(image_var(ctx, 0x100, RB_SIZE, &ctx->printk.rb_static, &rb));
	KX_TRY(image_var(ctx, 0x0, 8, &prb, &v));
	kx_put_le64(v, ctx->printk.rb_static);
	ctx->printk.prb = prb;
	// latched_seq {seqcount_latch_t latch; u64 val[2];} as latched_seq_write()
	// leaves it after the clear: latch.sequence even (2), both values set.
	KX_TRY(image_var(ctx, 0x200, 24, &ctx->printk.clear_seq, &v));
	if (p->clear) {
		kx_put_le32(v, 2);
		kx_put_le64(v + 8, p->clear);
		kx_put_le64(v + 16, p->clear);
	}
	r.data = text.data;
	r.recs = calloc(p->nr_logs ? p->nr_logs : 1, sizeof(*r.recs));
	if (!r.recs)
		return &kx_enomem;
	lring_init(&r, descs.data, infos.data);
	for (size_t i = 0; i < p->nr_logs; i++) {
		if (p->logs[i].size + 9 + 8 > r.size / 2) {
			free(r.recs);
			return lerr(ctx->spec, p->logs[i].line, "message larger than half the ring", NULL);
		}
		log_one(&r, &r.recs[r.nr], &p->logs[i]);
		r.nr++;
	}
	for (size_t i = 0; i < r.nr; i++)
		write_desc(&r, &r.recs[i], descs.data, infos.data);
	free(r.recs);
	kx_put_le32(rb + DR_COUNT_BITS, cbits);
	kx_put_le64(rb + DR_DESCS, descs.va);
	kx_put_le64(rb + DR_INFOS, infos.va);
	kx_put_le64(rb + DR_HEAD, r.head_id);
	kx_put_le64(rb + DR_TAIL, r.tail_id);
	kx_put_le64(rb + DR_LAST_FIN, r.head_id);
	kx_put_le32(rb + RB_TEXT_RING + TR_SIZE_BITS, ring_bits(p));
	kx_put_le64(rb + RB_TEXT_RING + TR_DATA, text.va);
	kx_put_le64(rb + RB_TEXT_RING + TR_HEAD_LPOS, r.head_lpos);
	kx_put_le64(rb + RB_TEXT_RING + TR_TAIL_LPOS, r.tail_lpos);
	return NULL;
}

// ---- structured log (log_store(), 3.5-5.9) ----

struct slog {
	uint8_t *buf;
	uint32_t len, hdr, first, next, first_seq, next_seq;
};

// Index of the record after the one at @p idx (the kernel's log_next()).
static uint32_t slog_next(const struct slog *s, uint32_t idx)
{
	uint16_t len = kx_get_le16(s->buf + idx + 8);
	return len ? idx + len : kx_get_le16(s->buf + 8);
}

static bool slog_has_space(const struct slog *s, uint32_t size, bool empty)
{
	uint32_t freeb;
	if (s->next > s->first || empty)
		freeb = s->len - s->next > s->first ? s->len - s->next : s->first;
	else
		freeb = s->first - s->next;
	return freeb >= size + s->hdr;
}

static void slog_store(struct slog *s, const struct mkv_log *log, bool caller)
{
	size_t text_len = log->dataless ? 0 : log->size;  // no data: an empty message
	uint32_t size = (s->hdr + (uint32_t)text_len + 3) & ~3u;  // LOG_ALIGN 4
	while (s->first_seq < s->next_seq && !slog_has_space(s, size, false)) {
		s->first = slog_next(s, s->first);
		s->first_seq++;
	}
	if (s->next + size + s->hdr > s->len) {
		memset(s->buf + s->next, 0, s->hdr);  // the wrap marker
		s->next = 0;
	}
	uint8_t *m = s->buf + s->next;
	memset(m, 0, size);
	kx_put_le64(m, log->ts_nsec);
	kx_put_le16(m + 8, (uint16_t)size);
	kx_put_le16(m + 10, (uint16_t)text_len);
	m[15] = 2 | 6 << 5;  // LOG_NEWLINE, level 6
	if (caller)
		kx_put_le32(m + 16, log->caller_id);
	memcpy(m + s->hdr, log->text, text_len);
	s->next += size;
	s->next_seq++;
}

static struct kx_error *build_structured(struct mkv_ctx *ctx, struct place_state *ps)
{
	const struct mkv_printk_spec *p = &ctx->spec->printk;
	struct slog s = { .len = UINT32_C(1) << ring_bits(p), .hdr = p->caller ? 20 : 16 };
	struct buffer text;
	uint8_t *v;
	struct mkv_printk_syms *sy = &ctx->printk;
	KX_TRY(place(ctx, ps, s.len, "log_buf", &text));
	s.buf = text.data;
	// clear_idx is log_next_idx at the time of the clear (syslog_print_all()),
	// left as it is while later records overwrite the ones it pointed at.
	uint32_t clear_idx = 0;
	for (size_t i = 0; i < p->nr_logs; i++) {
		if (p->logs[i].size + 2 * s.hdr + 4 > s.len / 2)
			return lerr(ctx->spec, p->logs[i].line, "message larger than half log_buf", NULL);
		if (p->clear && i == p->clear)
			clear_idx = s.next;
		slog_store(&s, &p->logs[i], p->caller);
	}
	if (p->clear && p->clear >= p->nr_logs)
		clear_idx = s.next;
	KX_TRY(image_var(ctx, 0x0, 8, &sy->log_buf, &v));
	kx_put_le64(v, text.va);
	KX_TRY(image_var(ctx, 0x10, 4, &sy->log_buf_len, &v));
	kx_put_le32(v, s.len);
	KX_TRY(image_var(ctx, 0x20, 4, &sy->log_first_idx, &v));
	kx_put_le32(v, s.first);
	KX_TRY(image_var(ctx, 0x30, 4, &sy->clear_idx, &v));
	kx_put_le32(v, clear_idx);
	KX_TRY(image_var(ctx, 0x40, 4, &sy->log_next_idx, &v));
	kx_put_le32(v, s.next);
	return NULL;
}

// ---- legacy buffer (emit_log_char(), before 3.5) ----

static struct kx_error *build_legacy(struct mkv_ctx *ctx, struct place_state *ps)
{
	const struct mkv_printk_spec *p = &ctx->spec->printk;
	uint32_t len = UINT32_C(1) << ring_bits(p), end = 0, logged = 0;
	struct buffer text;
	uint8_t *v;
	struct mkv_printk_syms *sy = &ctx->printk;
	KX_TRY(place(ctx, ps, len, "log_buf", &text));
	for (size_t i = 0; i < p->nr_logs; i++) {
		const struct mkv_log *log = &p->logs[i];
		size_t text_len = log->dataless ? 0 : log->size;
		char pre[48];
		int n = snprintf(pre, sizeof(pre), "<6>[%5" PRIu64 ".%06" PRIu64 "] ",
				 log->ts_nsec / 1000000000, log->ts_nsec % 1000000000 / 1000);
		for (size_t j = 0; j < (size_t)n + text_len + 1; j++) {
			uint8_t c = j < (size_t)n ? (uint8_t)pre[j]
				  : j < (size_t)n + text_len ? log->text[j - (size_t)n] : '\n';
			text.data[end++ & (len - 1)] = c;
			if (logged < len)
				logged++;
		}
	}
	KX_TRY(image_var(ctx, 0x0, 8, &sy->log_buf, &v));
	kx_put_le64(v, text.va);
	KX_TRY(image_var(ctx, 0x10, 4, &sy->log_buf_len, &v));
	kx_put_le32(v, len);
	KX_TRY(image_var(ctx, 0x20, 4, &sy->log_end, &v));
	kx_put_le32(v, end);
	KX_TRY(image_var(ctx, 0x30, 4, &sy->logged_chars, &v));
	kx_put_le32(v, logged);
	return NULL;
}

static int cmp_blob(const void *a, const void *b)
{
	const struct mkv_blob *x = a, *y = b;
	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

static int cmp_region(const void *a, const void *b)
{
	const struct mkv_region *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

struct kx_error *mkv_printk_build(struct mkv_ctx *ctx)
{
	const struct mkv_printk_spec *p = &ctx->spec->printk;
	if (p->format == MKV_PRINTK_NONE) {
		if (p->nr_logs)
			return lerr(ctx->spec, p->logs[0].line, "log lines need printk = "
				    "lockless|structured|legacy", NULL);
		return NULL;
	}
	struct place_state ps = { .img_next = mkv_image_free_pa(ctx) + IMG_PRINTK_BUFS,
				  .vmalloc_next = 0x100000 };
	if (p->count_bits && p->count_bits > ring_bits(p) - 3)
		return kx_error_file(KX_ERROR_INVALID_ARG, ctx->spec->path,
				     "printk_count_bits must be at most printk_size_bits - 3");
	struct kx_error *err;
	if (p->format == MKV_PRINTK_LOCKLESS)
		err = build_lockless(ctx, &ps);
	else if (p->format == MKV_PRINTK_STRUCTURED)
		err = build_structured(ctx, &ps);
	else
		err = build_legacy(ctx, &ps);
	KX_TRY(err);
	qsort(ctx->blobs, ctx->nr_blobs, sizeof(*ctx->blobs), cmp_blob);
	qsort(ctx->regions, ctx->nr_regions, sizeof(*ctx->regions), cmp_region);
	for (size_t i = 1; i < ctx->nr_blobs; i++)
		if (ctx->blobs[i].pa < ctx->blobs[i - 1].pa + ctx->blobs[i - 1].size)
			return kx_error_create(KX_ERROR_INVALID_ARG, "internal: printk data "
					       "overlaps at 0x%" PRIx64, ctx->blobs[i].pa);
	return NULL;
}

// ---- VMCOREINFO (log_buf_vmcoreinfo_setup()) ----

static void vmcoreinfo_lockless(const struct mkv_ctx *ctx, FILE *out)
{
	const struct mkv_printk_syms *sy = &ctx->printk;
	fprintf(out, "SYMBOL(prb)=%" PRIx64 "\nSYMBOL(printk_rb_static)=%" PRIx64 "\n"
		"SYMBOL(clear_seq)=%" PRIx64 "\n", sy->prb, sy->rb_static, sy->clear_seq);
	fputs("SIZE(printk_ringbuffer)=88\nOFFSET(printk_ringbuffer.desc_ring)=0\n"
	      "OFFSET(printk_ringbuffer.text_data_ring)=48\nOFFSET(printk_ringbuffer.fail)=80\n"
	      "SIZE(prb_desc_ring)=48\nOFFSET(prb_desc_ring.count_bits)=0\n"
	      "OFFSET(prb_desc_ring.descs)=8\nOFFSET(prb_desc_ring.infos)=16\n"
	      "OFFSET(prb_desc_ring.head_id)=24\nOFFSET(prb_desc_ring.tail_id)=32\n"
	      "SIZE(prb_desc)=24\nOFFSET(prb_desc.state_var)=0\nOFFSET(prb_desc.text_blk_lpos)=8\n"
	      "SIZE(prb_data_blk_lpos)=16\nOFFSET(prb_data_blk_lpos.begin)=0\n"
	      "OFFSET(prb_data_blk_lpos.next)=8\nSIZE(printk_info)=88\nOFFSET(printk_info.seq)=0\n"
	      "OFFSET(printk_info.ts_nsec)=8\nOFFSET(printk_info.text_len)=16\n"
	      "OFFSET(printk_info.caller_id)=20\nOFFSET(printk_info.dev_info)=24\n"
	      "SIZE(dev_printk_info)=64\nOFFSET(dev_printk_info.subsystem)=0\n"
	      "LENGTH(printk_info_subsystem)=16\nOFFSET(dev_printk_info.device)=16\n"
	      "LENGTH(printk_info_device)=48\nSIZE(prb_data_ring)=32\n"
	      "OFFSET(prb_data_ring.size_bits)=0\nOFFSET(prb_data_ring.data)=8\n"
	      "OFFSET(prb_data_ring.head_lpos)=16\nOFFSET(prb_data_ring.tail_lpos)=24\n"
	      "SIZE(atomic_long_t)=8\nOFFSET(atomic_long_t.counter)=0\nSIZE(latched_seq)=24\n"
	      "OFFSET(latched_seq.val)=8\n", out);
}

void mkv_printk_vmcoreinfo(const struct mkv_ctx *ctx, FILE *out)
{
	const struct mkv_printk_syms *sy = &ctx->printk;
	switch (ctx->spec->printk.format) {
	case MKV_PRINTK_NONE:
		break;
	case MKV_PRINTK_LOCKLESS:
		vmcoreinfo_lockless(ctx, out);
		break;
	case MKV_PRINTK_STRUCTURED:
		fprintf(out, "SYMBOL(log_buf)=%" PRIx64 "\nSYMBOL(log_buf_len)=%" PRIx64 "\n"
			"SYMBOL(log_first_idx)=%" PRIx64 "\nSYMBOL(clear_idx)=%" PRIx64 "\n"
			"SYMBOL(log_next_idx)=%" PRIx64 "\nSIZE(printk_log)=%d\n"
			"OFFSET(printk_log.ts_nsec)=0\nOFFSET(printk_log.len)=8\n"
			"OFFSET(printk_log.text_len)=10\nOFFSET(printk_log.dict_len)=12\n",
			sy->log_buf, sy->log_buf_len, sy->log_first_idx, sy->clear_idx,
			sy->log_next_idx, ctx->spec->printk.caller ? 20 : 16);
		if (ctx->spec->printk.caller)
			fputs("OFFSET(printk_log.caller_id)=16\n", out);
		break;
	case MKV_PRINTK_LEGACY:
		fprintf(out, "SYMBOL(log_buf)=%" PRIx64 "\nSYMBOL(log_end)=%" PRIx64 "\n"
			"SYMBOL(log_buf_len)=%" PRIx64 "\nSYMBOL(logged_chars)=%" PRIx64 "\n",
			sy->log_buf, sy->log_end, sy->log_buf_len, sy->logged_chars);
		break;
	}
}
