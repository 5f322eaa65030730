// SPDX-License-Identifier: GPL-2.0-only
// Reading ELF64 core files: see elf_core.h for the contract.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "byteorder.h"
#include "elf_core.h" // IWYU pragma: associated
#include "io.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

static const size_t EHDR_SIZE = 64;
static const size_t PHDR_SIZE = 56;
static const size_t NHDR_SIZE = 12;

// A maximal run of physical addresses with one answer, see build_map().
struct piece {
	uint64_t start;
	uint64_t end;     // exclusive
	size_t load;      // index into core->loads
	bool has_data;
};

struct kx_elf_core {
	int fd;
	bool owns_fd;
	char *path;
	uint64_t file_size;
	uint16_t machine;

	struct kx_elf_core_load *loads;
	size_t num_loads;
	size_t cap_loads;

	struct kx_elf_core_note_segment *segs;
	uint8_t **seg_data;  // the same buffers as segs[i].data, writable for free()
	size_t num_segs;
	size_t cap_segs;
	size_t cap_seg_data;
	uint64_t note_bytes;

	struct kx_elf_core_note *notes;
	size_t num_notes;
	size_t cap_notes;

	size_t *prstatus;    // indices into notes
	size_t num_prstatus;
	char *vmcoreinfo;    // NUL-terminated copy, or NULL
	size_t vmcoreinfo_size;

	struct piece *pieces;  // sorted by start, disjoint
	size_t num_pieces;
};

static uint64_t pad4(uint64_t n)
{
	return (n + 3) & ~(uint64_t)3;
}

// Return @arr (@elem-byte elements, room for *@cap) grown to hold @need
// elements, or NULL when memory runs out (@arr is then unchanged).
static void *grow(void *arr, size_t *cap, size_t elem, size_t need)
{
	if (need <= *cap)
		return arr;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / elem)
		return NULL;
	void *n = realloc(arr, ncap * elem);
	if (n)
		*cap = ncap;
	return n;
}

static const char *name_or_default(const char *path)
{
	return path ? path : "ELF core";
}

static struct kx_error *corrupt(const struct kx_elf_core *core, const char *fmt, ...)
	KX_PRINTF(2, 3);

static struct kx_error *corrupt(const struct kx_elf_core *core, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return kx_error_file(KX_ERROR_CORRUPT, core->path, "%s", msg);
}

// Check e_ident and the fixed Ehdr fields ourselves, before libelf, so that
// every rejection has a precise message and error class.
static struct kx_error *check_ehdr(struct kx_elf_core *core)
{
	uint8_t e[64];
	if (core->file_size < EHDR_SIZE)
		return corrupt(core, "file too short for an ELF header (%" PRIu64 " bytes)",
			       core->file_size);
	KX_TRY(kx_io_pread_full(core->fd, e, sizeof(e), 0, core->path));
	if (memcmp(e, ELFMAG, SELFMAG) != 0)
		return corrupt(core, "not an ELF file (bad magic)");
	if (e[EI_CLASS] == ELFCLASS32)
		return kx_error_file(KX_ERROR_UNSUPPORTED, core->path,
				     "32-bit ELF (ELFCLASS32) is not supported");
	if (e[EI_CLASS] != ELFCLASS64)
		return corrupt(core, "invalid ELF class %u", e[EI_CLASS]);
	if (e[EI_DATA] == ELFDATA2MSB)
		return kx_error_file(KX_ERROR_UNSUPPORTED, core->path,
				     "big-endian ELF (ELFDATA2MSB) is not supported");
	if (e[EI_DATA] != ELFDATA2LSB)
		return corrupt(core, "invalid ELF data encoding %u", e[EI_DATA]);
	if (e[EI_VERSION] != EV_CURRENT)
		return corrupt(core, "invalid ELF version %u", e[EI_VERSION]);
	uint16_t type = kx_get_le16(e + 16), machine = kx_get_le16(e + 18);
	if (type != ET_CORE)
		return kx_error_file(KX_ERROR_UNSUPPORTED, core->path,
				     "not an ELF core file (e_type %u)", type);
	if (machine != EM_X86_64 && machine != EM_LOONGARCH)
		return kx_error_file(KX_ERROR_UNSUPPORTED, core->path,
				     "unsupported ELF machine %u", machine);
	core->machine = machine;
	return NULL;
}

// The real program header count, PN_XNUM included, checked against the file.
static struct kx_error *get_phnum(struct kx_elf_core *core, Elf *elf,
				  const GElf_Ehdr *ehdr, size_t *ret)
{
	size_t phnum = ehdr->e_phnum;
	if (phnum == PN_XNUM) {
		GElf_Shdr shdr;
		Elf_Scn *scn = elf_getscn(elf, 0);
		if (!scn || !gelf_getshdr(scn, &shdr))
			return corrupt(core, "e_phnum is PN_XNUM but section header 0 "
				       "cannot be read (libelf: %s)", elf_errmsg(-1));
		phnum = shdr.sh_info;
	}
	if (phnum == 0)
		return corrupt(core, "no program headers");
	if (ehdr->e_phentsize != PHDR_SIZE)
		return corrupt(core, "e_phentsize is %u, expected %zu",
			       ehdr->e_phentsize, PHDR_SIZE);
	if (phnum > KX_ELF_CORE_MAX_PHDRS)
		return kx_error_file(KX_ERROR_OVERFLOW, core->path,
				     "too many program headers (%zu, limit %d)",
				     phnum, KX_ELF_CORE_MAX_PHDRS);
	if (ehdr->e_phoff > core->file_size ||
	    (core->file_size - ehdr->e_phoff) / PHDR_SIZE < phnum)
		return corrupt(core, "program headers extend past end of file "
			       "(e_phoff 0x%" PRIx64 ", %zu entries, file size 0x%" PRIx64 ")",
			       (uint64_t)ehdr->e_phoff, phnum, core->file_size);
	*ret = phnum;
	return NULL;
}

// Segment data [offset, offset + filesz) must lie inside the file.
static struct kx_error *check_in_file(struct kx_elf_core *core, const char *what,
				      size_t idx, const GElf_Phdr *ph)
{
	if (ph->p_filesz == 0)
		return NULL;
	if (ph->p_offset > core->file_size ||
	    ph->p_filesz > core->file_size - ph->p_offset)
		return corrupt(core, "%s %zu extends past end of file (offset 0x%" PRIx64
			       ", size 0x%" PRIx64 ", file size 0x%" PRIx64 ")",
			       what, idx, (uint64_t)ph->p_offset,
			       (uint64_t)ph->p_filesz, core->file_size);
	return NULL;
}

static struct kx_error *add_load(struct kx_elf_core *core, size_t idx,
				 const GElf_Phdr *ph)
{
	KX_TRY(check_in_file(core, "PT_LOAD", idx, ph));
	if (ph->p_filesz > ph->p_memsz)
		return corrupt(core, "PT_LOAD %zu has p_filesz 0x%" PRIx64
			       " larger than p_memsz 0x%" PRIx64,
			       idx, (uint64_t)ph->p_filesz, (uint64_t)ph->p_memsz);
	// p_paddr -1 (upstream's NOT_PADDR): /proc/kcore's vmalloc, module and
	// vmemmap segments have no physical address (fs/proc/kcore.c since
	// Linux 4.11), and upstream skips them.
	if (ph->p_paddr == UINT64_MAX)
		return NULL;
	if (ph->p_memsz > UINT64_MAX - ph->p_paddr)
		return corrupt(core, "PT_LOAD %zu wraps around the physical address "
			       "space (paddr 0x%" PRIx64 ", memsz 0x%" PRIx64 ")",
			       idx, (uint64_t)ph->p_paddr, (uint64_t)ph->p_memsz);
	void *n = grow(core->loads, &core->cap_loads, sizeof(*core->loads),
		       core->num_loads + 1);
	if (!n)
		return &kx_enomem;
	core->loads = n;
	core->loads[core->num_loads++] = (struct kx_elf_core_load){
		.paddr = ph->p_paddr, .vaddr = ph->p_vaddr, .offset = ph->p_offset,
		.filesz = ph->p_filesz, .memsz = ph->p_memsz, .flags = ph->p_flags,
		.phdr_index = idx,
	};
	return NULL;
}

static struct kx_error *add_note_segment(struct kx_elf_core *core, size_t idx,
					 const GElf_Phdr *ph)
{
	KX_TRY(check_in_file(core, "PT_NOTE", idx, ph));
	if (ph->p_filesz > KX_ELF_CORE_MAX_NOTE_BYTES - core->note_bytes)
		return kx_error_file(KX_ERROR_OVERFLOW, core->path,
				     "PT_NOTE %zu: note segments total more than %d MiB",
				     idx, KX_ELF_CORE_MAX_NOTE_BYTES >> 20);
	core->note_bytes += ph->p_filesz;
	void *n = grow(core->segs, &core->cap_segs, sizeof(*core->segs),
		       core->num_segs + 1);
	if (!n)
		return &kx_enomem;
	core->segs = n;
	n = grow(core->seg_data, &core->cap_seg_data, sizeof(*core->seg_data),
		 core->num_segs + 1);
	if (!n)
		return &kx_enomem;
	core->seg_data = n;
	core->seg_data[core->num_segs] = NULL;
	core->segs[core->num_segs++] = (struct kx_elf_core_note_segment){
		.phdr_index = idx, .offset = ph->p_offset, .filesz = ph->p_filesz,
	};
	return NULL;
}

static struct kx_error *read_phdrs(struct kx_elf_core *core, Elf *elf)
{
	GElf_Ehdr ehdr;
	size_t phnum = 0;
	if (!gelf_getehdr(elf, &ehdr))
		return corrupt(core, "cannot read ELF header (libelf: %s)", elf_errmsg(-1));
	KX_TRY(get_phnum(core, elf, &ehdr, &phnum));
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph))
			return corrupt(core, "cannot read program header %zu (libelf: %s)",
				       i, elf_errmsg(-1));
		if (ph.p_type == PT_LOAD)
			KX_TRY(add_load(core, i, &ph));
		else if (ph.p_type == PT_NOTE)
			KX_TRY(add_note_segment(core, i, &ph));
	}
	return NULL;
}

// elf_version() sets libelf's process-global version; repeating it with the
// same value is harmless, so every open does it rather than relying on an
// init call somewhere else.
static struct kx_error *parse_headers(struct kx_elf_core *core)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return kx_error_create(KX_ERROR_UNSUPPORTED, "libelf: %s", elf_errmsg(-1));
	Elf *elf = elf_begin(core->fd, ELF_C_READ, NULL);
	if (!elf)
		return corrupt(core, "cannot parse ELF headers (libelf: %s)", elf_errmsg(-1));
	struct kx_error *err = read_phdrs(core, elf);
	elf_end(elf);
	return err;
}

static struct kx_error *add_note(struct kx_elf_core *core, size_t seg, uint64_t pos,
				 const uint32_t hdr[3])
{
	const struct kx_elf_core_note_segment *s = &core->segs[seg];
	if (core->num_notes >= KX_ELF_CORE_MAX_NOTES)
		return kx_error_file(KX_ERROR_OVERFLOW, core->path,
				     "more than %d notes", KX_ELF_CORE_MAX_NOTES);
	void *n = grow(core->notes, &core->cap_notes, sizeof(*core->notes),
		       core->num_notes + 1);
	if (!n)
		return &kx_enomem;
	core->notes = n;
	uint64_t desc = pos + NHDR_SIZE + pad4(hdr[0]);
	core->notes[core->num_notes++] = (struct kx_elf_core_note){
		.name = s->data + pos + NHDR_SIZE, .namesz = hdr[0],
		.descsz = hdr[1], .type = hdr[2], .desc = s->data + desc,
		.offset = s->offset + pos, .desc_offset = s->offset + desc,
		.segment = seg,
	};
	return NULL;
}

// Check one note header at @pos against the segment; on success set *@next
// to where the following note starts (possibly the segment end).
static struct kx_error *check_note(struct kx_elf_core *core, size_t seg, uint64_t pos,
				   const uint32_t hdr[3], uint64_t *next)
{
	const struct kx_elf_core_note_segment *s = &core->segs[seg];
	uint64_t name = pos + NHDR_SIZE, len = s->filesz;
	if (pad4(hdr[0]) > len - name)
		return corrupt(core, "note at offset 0x%" PRIx64 " in PT_NOTE %zu: "
			       "namesz %" PRIu32 " overflows the segment",
			       s->offset + pos, s->phdr_index, hdr[0]);
	uint64_t desc = name + pad4(hdr[0]);
	// The last note's descriptor padding may be missing at the very end.
	if (hdr[1] > len - desc)
		return corrupt(core, "note at offset 0x%" PRIx64 " in PT_NOTE %zu: "
			       "descsz %" PRIu32 " overflows the segment",
			       s->offset + pos, s->phdr_index, hdr[1]);
	uint64_t end = desc + pad4(hdr[1]);
	*next = end < len ? end : len;
	return NULL;
}

// Walk the notes of one segment. /proc/vmcore pads note segments with zeros
// past the real notes: an all-zero note header ends the walk.
static struct kx_error *parse_notes(struct kx_elf_core *core, size_t seg)
{
	struct kx_elf_core_note_segment *s = &core->segs[seg];
	uint64_t pos = 0, len = s->filesz;
	while (len - pos >= NHDR_SIZE) {
		const uint8_t *p = s->data + pos;
		uint32_t hdr[3] = { kx_get_le32(p), kx_get_le32(p + 4), kx_get_le32(p + 8) };
		if (!hdr[0] && !hdr[1] && !hdr[2])
			break;
		uint64_t next = len;
		KX_TRY(check_note(core, seg, pos, hdr, &next));
		KX_TRY(add_note(core, seg, pos, hdr));
		pos = next;
	}
	s->size = pos;
	if (len - pos >= NHDR_SIZE)
		return NULL;  // stopped at zero padding
	// Fewer bytes left than a header: fine if they are padding.
	for (uint64_t i = pos; i < len; i++) {
		if (s->data[i])
			return corrupt(core, "PT_NOTE %zu: truncated note header at "
				       "offset 0x%" PRIx64, s->phdr_index, s->offset + pos);
	}
	return NULL;
}

static struct kx_error *read_notes(struct kx_elf_core *core)
{
	for (size_t i = 0; i < core->num_segs; i++) {
		struct kx_elf_core_note_segment *s = &core->segs[i];
		if (s->filesz == 0)
			continue;
		core->seg_data[i] = malloc(s->filesz);
		if (!core->seg_data[i])
			return &kx_enomem;
		s->data = core->seg_data[i];
		KX_TRY(kx_io_pread_full(core->fd, core->seg_data[i], s->filesz,
					s->offset, core->path));
		KX_TRY(parse_notes(core, i));
	}
	return NULL;
}

bool kx_elf_core_note_name_is(const struct kx_elf_core_note *note, const char *name)
{
	size_t n = strlen(name);
	if (note->namesz == n + 1)
		return note->name[n] == '\0' && memcmp(note->name, name, n) == 0;
	return note->namesz == n && memcmp(note->name, name, n) == 0;
}

// Index the notes callers look up: VMCOREINFO and the per-CPU NT_PRSTATUS.
static struct kx_error *index_notes(struct kx_elf_core *core)
{
	size_t cap = 0;
	for (size_t i = 0; i < core->num_notes; i++) {
		const struct kx_elf_core_note *n = &core->notes[i];
		if (n->type == KX_ELF_NT_PRSTATUS && kx_elf_core_note_name_is(n, "CORE")) {
			size_t *p = grow(core->prstatus, &cap, sizeof(*p),
					 core->num_prstatus + 1);
			if (!p)
				return &kx_enomem;
			core->prstatus = p;
			core->prstatus[core->num_prstatus++] = i;
		} else if (n->type == 0 && !core->vmcoreinfo &&
			   kx_elf_core_note_name_is(n, "VMCOREINFO")) {
			size_t len = strnlen((const char *)n->desc, n->descsz);
			core->vmcoreinfo = malloc(len + 1);
			if (!core->vmcoreinfo)
				return &kx_enomem;
			memcpy(core->vmcoreinfo, n->desc, len);
			core->vmcoreinfo[len] = '\0';
			core->vmcoreinfo_size = len;
		}
	}
	return NULL;
}

// Building the physical address map. Every PT_LOAD contributes a "data"
// interval [paddr, paddr + filesz) with priority key = its index, and a
// "tail" interval [paddr + filesz, paddr + memsz) with key = num_loads +
// index. A sweep over the interval ends keeps the active keys in a min-heap
// (with lazy deletion); each stretch between two ends belongs to the lowest
// active key. So data beats zero fill, and earlier PT_LOADs beat later ones.
struct event {
	uint64_t pos;
	size_t key;
	bool start;
};

struct sweep {
	size_t *heap;
	size_t heap_len;
	bool *active;  // per key
};

static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static void heap_push(struct sweep *sw, size_t key)
{
	size_t i = sw->heap_len++;
	while (i > 0 && sw->heap[(i - 1) / 2] > key) {
		sw->heap[i] = sw->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	sw->heap[i] = key;
}

static void heap_pop(struct sweep *sw)
{
	size_t key = sw->heap[--sw->heap_len], i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= sw->heap_len)
			break;
		if (c + 1 < sw->heap_len && sw->heap[c + 1] < sw->heap[c])
			c++;
		if (sw->heap[c] >= key)
			break;
		sw->heap[i] = sw->heap[c];
		i = c;
	}
	if (sw->heap_len)
		sw->heap[i] = key;
}

// Lowest active key, or SIZE_MAX when nothing is active.
static size_t heap_top(struct sweep *sw)
{
	while (sw->heap_len && !sw->active[sw->heap[0]])
		heap_pop(sw);
	return sw->heap_len ? sw->heap[0] : SIZE_MAX;
}

static void emit_piece(struct kx_elf_core *core, uint64_t start, uint64_t end,
		       size_t key)
{
	size_t n = core->num_loads;
	struct piece p = { start, end, key % n, key < n };
	struct piece *last = core->num_pieces ? &core->pieces[core->num_pieces - 1] : NULL;
	if (last && last->end == start && last->load == p.load &&
	    last->has_data == p.has_data)
		last->end = end;
	else
		core->pieces[core->num_pieces++] = p;
}

static size_t collect_events(const struct kx_elf_core *core, struct event *ev)
{
	size_t ne = 0, n = core->num_loads;
	for (size_t i = 0; i < n; i++) {
		const struct kx_elf_core_load *l = &core->loads[i];
		uint64_t mid = l->paddr + l->filesz, end = l->paddr + l->memsz;
		if (l->filesz) {
			ev[ne++] = (struct event){ l->paddr, i, true };
			ev[ne++] = (struct event){ mid, i, false };
		}
		if (end > mid) {
			ev[ne++] = (struct event){ mid, n + i, true };
			ev[ne++] = (struct event){ end, n + i, false };
		}
	}
	return ne;
}

static void sweep_events(struct kx_elf_core *core, struct sweep *sw,
			 const struct event *ev, size_t ne)
{
	size_t i = 0;
	uint64_t prev = ne ? ev[0].pos : 0;
	while (i < ne) {
		uint64_t pos = ev[i].pos;
		size_t top = heap_top(sw);
		if (top != SIZE_MAX && pos > prev)
			emit_piece(core, prev, pos, top);
		for (; i < ne && ev[i].pos == pos; i++) {
			sw->active[ev[i].key] = ev[i].start;
			if (ev[i].start)
				heap_push(sw, ev[i].key);
		}
		prev = pos;
	}
}

static struct kx_error *build_map(struct kx_elf_core *core)
{
	size_t n = core->num_loads;
	if (n == 0)
		return NULL;
	// n <= KX_ELF_CORE_MAX_PHDRS, so none of these sizes can overflow.
	struct event *ev = malloc(4 * n * sizeof(*ev));
	struct sweep sw = {
		.heap = malloc(2 * n * sizeof(*sw.heap)),
		.active = calloc(2 * n, sizeof(*sw.active)),
	};
	core->pieces = malloc(4 * n * sizeof(*core->pieces));
	struct kx_error *err = NULL;
	if (!ev || !sw.heap || !sw.active || !core->pieces) {
		err = &kx_enomem;
		goto out;
	}
	size_t ne = collect_events(core, ev);
	qsort(ev, ne, sizeof(*ev), event_cmp);
	sweep_events(core, &sw, ev, ne);
out:
	free(ev);
	free(sw.heap);
	free(sw.active);
	return err;
}

static struct kx_error *core_new(int fd, const char *path, struct kx_elf_core **ret)
{
	struct kx_elf_core *core = calloc(1, sizeof(*core));
	if (!core)
		return &kx_enomem;
	core->fd = fd;
	core->path = strdup(name_or_default(path));
	if (!core->path) {
		free(core);
		return &kx_enomem;
	}
	*ret = core;
	return NULL;
}

static struct kx_error *core_parse(struct kx_elf_core *core)
{
	struct stat st;
	if (fstat(core->fd, &st) < 0)
		return kx_error_os(errno, core->path, "fstat");
	core->file_size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	KX_TRY(check_ehdr(core));
	KX_TRY(parse_headers(core));
	KX_TRY(read_notes(core));
	KX_TRY(index_notes(core));
	return build_map(core);
}

struct kx_error *kx_elf_core_create(int fd, const char *path, struct kx_elf_core **ret)
{
	struct kx_elf_core *core;
	KX_TRY(core_new(fd, path, &core));
	struct kx_error *err = core_parse(core);
	if (err) {
		kx_elf_core_destroy(core);
		return err;
	}
	*ret = core;
	return NULL;
}

struct kx_error *kx_elf_core_open(const char *path, struct kx_elf_core **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_error_os(errno, path, "cannot open");
	struct kx_elf_core *core;
	struct kx_error *err = kx_elf_core_create(fd, path, &core);
	if (err) {
		close(fd);
		return err;
	}
	core->owns_fd = true;
	*ret = core;
	return NULL;
}

void kx_elf_core_destroy(struct kx_elf_core *core)
{
	if (!core)
		return;
	if (core->owns_fd)
		close(core->fd);
	for (size_t i = 0; i < core->num_segs; i++)
		free(core->seg_data[i]);
	free(core->seg_data);
	free(core->segs);
	free(core->loads);
	free(core->notes);
	free(core->prstatus);
	free(core->vmcoreinfo);
	free(core->pieces);
	free(core->path);
	free(core);
}

uint16_t kx_elf_core_machine(const struct kx_elf_core *core)
{
	return core->machine;
}

const char *kx_elf_core_path(const struct kx_elf_core *core)
{
	return core->path;
}

int kx_elf_core_fd(const struct kx_elf_core *core)
{
	return core->fd;
}

uint64_t kx_elf_core_file_size(const struct kx_elf_core *core)
{
	return core->file_size;
}

const struct kx_elf_core_load *kx_elf_core_loads(const struct kx_elf_core *core,
						 size_t *ret_count)
{
	*ret_count = core->num_loads;
	return core->loads;
}

const struct kx_elf_core_note *kx_elf_core_notes(const struct kx_elf_core *core,
						 size_t *ret_count)
{
	*ret_count = core->num_notes;
	return core->notes;
}

const struct kx_elf_core_note_segment *
kx_elf_core_note_segments(const struct kx_elf_core *core, size_t *ret_count)
{
	*ret_count = core->num_segs;
	return core->segs;
}

struct kx_error *kx_elf_core_vmcoreinfo(const struct kx_elf_core *core,
					const char **ret_text, size_t *ret_size)
{
	if (!core->vmcoreinfo)
		return kx_error_file(KX_ERROR_NOT_FOUND, core->path,
				     "no VMCOREINFO note");
	*ret_text = core->vmcoreinfo;
	if (ret_size)
		*ret_size = core->vmcoreinfo_size;
	return NULL;
}

size_t kx_elf_core_num_prstatus(const struct kx_elf_core *core)
{
	return core->num_prstatus;
}

const struct kx_elf_core_note *kx_elf_core_prstatus(const struct kx_elf_core *core,
						    size_t i)
{
	return i < core->num_prstatus ? &core->notes[core->prstatus[i]] : NULL;
}

// The piece containing @paddr, or NULL.
static const struct piece *find_piece(const struct kx_elf_core *core, uint64_t paddr)
{
	size_t lo = 0, hi = core->num_pieces;
	while (lo < hi) {  // first piece with end > paddr
		size_t mid = lo + (hi - lo) / 2;
		if (core->pieces[mid].end <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == core->num_pieces || core->pieces[lo].start > paddr)
		return NULL;
	return &core->pieces[lo];
}

struct kx_error *kx_elf_core_paddr_extent(const struct kx_elf_core *core, uint64_t paddr,
					  struct kx_elf_core_extent *ret)
{
	const struct piece *p = find_piece(core, paddr);
	if (!p)
		return kx_error_fault(paddr, "%s: physical address 0x%" PRIx64
				      " is not in any PT_LOAD", core->path, paddr);
	const struct kx_elf_core_load *l = &core->loads[p->load];
	*ret = (struct kx_elf_core_extent){
		.has_data = p->has_data,
		.offset = p->has_data ? l->offset + (paddr - l->paddr) : 0,
		.size = p->end - paddr,
		.load = p->load,
	};
	return NULL;
}

struct kx_error *kx_elf_core_paddr_to_offset(const struct kx_elf_core *core,
					     uint64_t paddr, uint64_t *ret_offset,
					     uint64_t *ret_avail)
{
	struct kx_elf_core_extent ext;
	KX_TRY(kx_elf_core_paddr_extent(core, paddr, &ext));
	if (!ext.has_data) {
		return kx_error_file(KX_ERROR_NODATA, core->path,
				     "physical address 0x%" PRIx64 " is in the zero-filled "
				     "tail of PT_LOAD %zu (no file data)",
				     paddr, core->loads[ext.load].phdr_index);
	}
	*ret_offset = ext.offset;
	*ret_avail = ext.size;
	return NULL;
}

struct kx_error *kx_elf_core_read_paddr(const struct kx_elf_core *core, uint64_t paddr,
					void *buf, size_t size)
{
	uint8_t *p = buf;
	while (size) {
		uint64_t off, avail;
		KX_TRY(kx_elf_core_paddr_to_offset(core, paddr, &off, &avail));
		size_t n = avail < size ? (size_t)avail : size;
		KX_TRY(kx_io_pread_full(core->fd, p, n, off, core->path));
		// No PT_LOAD wraps (checked at open), so neither does paddr + n.
		p += n;
		size -= n;
		paddr += n;
	}
	return NULL;
}
