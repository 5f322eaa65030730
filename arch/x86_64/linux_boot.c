// SPDX-License-Identifier: GPL-2.0-only
// Everything of an x86_64 kexec_load around the kernel: crash header,
// purgatory, zero page, initrd, command line, e820 (linux_boot.h).
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "byteorder.h"
#include "crash_x86_64.h"
#include "efi_x86_64.h"
#include "linux_boot.h"
#include "root.h"

enum {
	LOW_LIMIT = 0x3000,          // upstream keeps the zero page and purgatory above this
	INITRD_MIN = 16 << 20,       // upstream's initrd floor
	SETUP_DATA_MIN = 1 << 20,
	JUMP_BACK_ROOM = 64,         // purgatory's " kexec_jump_back_entry=0x..."
	MIN_HDR_JUMP = 0x66,         // minimal header ends at 0x268 (kernel_info_offset)
};

static const uint64_t FOUR_GIB = (uint64_t)1 << 32;

// The x86 command-line options the layout depends on.
struct x86_options {
	struct kx_x86_64_purgatory_params purgatory;
	bool pass_memmap; // --pass-memmap-cmdline
	bool noefi;       // --noefi
};

const struct kx_x86_64_purgatory_ops kx_x86_64_purgatory_default = {
	.place = kx_x86_64_purgatory_place,
	.finish = kx_x86_64_purgatory_finish,
	.destroy = kx_x86_64_purgatory_destroy,
};

// A header for kernels that bring none (ELF vmlinux): what the 64-bit
// entry reads, as a protocol 2.12 boot loader would leave it.
static void minimal_header(uint8_t *zp, const struct kx_arch *arch)
{
	kx_put_le16(zp + KX_BP_BOOT_FLAG, 0xaa55);
	zp[KX_BP_JUMP] = 0xeb;
	zp[KX_BP_JUMP + 1] = MIN_HDR_JUMP;
	memcpy(zp + KX_BP_HEADER, "HdrS", 4);
	kx_put_le16(zp + KX_BP_VERSION, KX_BP_MIN_VERSION);
	zp[KX_BP_TYPE_OF_LOADER] = KX_BP_LOADER_KEXEC;
	zp[KX_BP_LOADFLAGS] = KX_BP_LOADED_HIGH;
	kx_put_le32(zp + KX_BP_INITRD_ADDR_MAX, 0x7fffffff);
	kx_put_le16(zp + KX_BP_XLOADFLAGS, KX_BP_XLF_KERNEL_64 | KX_BP_XLF_ABOVE_4G);
	kx_put_le32(zp + KX_BP_CMDLINE_SIZE, arch->command_line_size - 1);
}

static uint64_t page_round(uint64_t v, uint64_t page)
{
	return (v + page - 1) & ~(page - 1);
}

static struct kx_error *place_crash_header(struct kx_x86_64_boot *st)
{
	const struct kx_load_input *in = st->in;
	KX_CHECK(kx_ranges_count(in->crash_regions), KX_ERROR_INVALID_ARG,
		 "no crash kernel region for a capture kernel");
	struct kx_crash_header_params p = kx_x86_64_crash_header_params(in->root);
	void *buf;
	size_t size;
	KX_TRY(st->b->ops->crash_header(st->b, &p, &buf, &size));
	uint64_t memsz = size < KX_X86_64_ELFCOREHDR_MIN ? KX_X86_64_ELFCOREHDR_MIN : size;
	// --hotplug: the kernel rewrites the header in place when CPUs or
	// memory come and go, so it gets the room the kernel asks for.
	if (in->elfcorehdr_size && size > in->elfcorehdr_size) {
		free(buf);
		return kx_error_create(KX_ERROR_NOSPACE,
				       "the ELF core header (%zu bytes) is larger than "
				       "crash_elfcorehdr_size (%" PRIu64 ")", size,
				       in->elfcorehdr_size);
	}
	if (in->elfcorehdr_size)
		memsz = in->elfcorehdr_size;
	struct kx_buffer_spec s = { buf, size, memsz, 1024, 0, UINT64_MAX, KX_HOLE_LAST_FIT,
				    "elfcorehdr" };
	KX_TRY(st->b->ops->add_buffer(st->b, &s, &st->hdr_mem));
	st->hdr_memsz = page_round(memsz, in->page_size);
	return NULL;
}

struct kx_error *kx_x86_64_boot_begin(struct kx_x86_64_boot *st, const struct kx_load_input *in,
				      struct kx_load_builder *b,
				      const struct kx_x86_64_purgatory_ops *pops,
				      const void *image, const struct kx_x86_64_setup_header *hdr)
{
	*st = (struct kx_x86_64_boot){ .in = in, .b = b, .pops = pops };
	st->cmdline_max = hdr ? hdr->cmdline_size : in->arch->command_line_size - 1;
	st->above_4g = hdr ? (hdr->xloadflags & KX_BP_XLF_ABOVE_4G) != 0 : true;
	st->initrd_max = hdr ? hdr->initrd_addr_max : 0x7fffffff;
	// upstream bzImage_support_efi_boot: only a bzImage can say it takes
	// EFI information from kexec; a vmlinux never gets it.
	st->efi_kexec = hdr && (hdr->xloadflags & KX_BP_XLF_EFI_KEXEC);
	if (in->crash)
		KX_TRY(place_crash_header(st));
	KX_TRY(pops->place(b, &st->purgatory));
	uint8_t *zp = calloc(1, KX_BP_SIZE);
	if (!zp)
		return &kx_enomem;
	if (hdr)
		kx_x86_64_bp_copy_header(zp, image, hdr);
	else
		minimal_header(zp, in->arch);
	struct kx_buffer_spec s = { zp, KX_BP_SIZE, KX_BP_SIZE, 16, LOW_LIMIT,
				    st->above_4g ? UINT64_MAX : FOUR_GIB, KX_HOLE_LAST_FIT,
				    "bootparams" };
	KX_TRY(b->ops->add_buffer(b, &s, &st->zp_mem));
	st->zp = zp;
	return NULL;
}

static struct kx_error *place_initrd(struct kx_x86_64_boot *st, uint64_t *ret_mem)
{
	const struct kx_load_input *in = st->in;
	*ret_mem = 0;
	if (!in->initrd)
		return NULL;
	void *buf = malloc(in->initrd_size ? in->initrd_size : 1);
	if (!buf)
		return &kx_enomem;
	memcpy(buf, in->initrd, in->initrd_size);
	uint64_t max = st->above_4g ? UINT64_MAX : (uint64_t)st->initrd_max + 1;
	struct kx_buffer_spec s = { buf, in->initrd_size, in->initrd_size, 4096, INITRD_MIN, max,
				    KX_HOLE_LAST_FIT, "initrd" };
	return kx_error_prefix(st->b->ops->add_buffer(st->b, &s, ret_mem), "placing the initrd");
}

// The final command line: the user's plus, for crash loads, the additions.
// acpi_rsdp= only when the capture kernel gets no EFI tables to find ACPI
// through (upstream: not an XLF_EFI_KEXEC image, --noefi, or no runtime map).
static struct kx_error *build_cmdline(const struct kx_x86_64_boot *st,
				      const struct kx_x86_64_e820 *e820,
				      const struct x86_options *o, char **ret)
{
	const struct kx_load_input *in = st->in;
	char *extra = NULL;
	bool efi = st->efi_kexec && !o->noefi && kx_x86_64_efi_has_runtime_map(in->root);
	if (in->crash)
		KX_TRY(kx_x86_64_crash_cmdline(e820, st->hdr_mem,
					       efi ? 0 : kx_x86_64_acpi_rsdp(in->root),
					       o->pass_memmap, &extra));
	const char *tail = extra ? extra + (in->cmdline[0] ? 0 : 1) : "";
	size_t len = strlen(in->cmdline) + strlen(tail);
	if (len > st->cmdline_max) {
		free(extra);
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "Command line overflow: %zu bytes, the kernel takes at most %"
				       PRIu32, len, st->cmdline_max);
	}
	char *cl = malloc(len + 1 + JUMP_BACK_ROOM);
	if (!cl) {
		free(extra);
		return &kx_enomem;
	}
	memset(cl, 0, len + 1 + JUMP_BACK_ROOM);
	strcpy(cl, in->cmdline);
	strcat(cl, tail);
	free(extra);
	*ret = cl;
	return NULL;
}

static struct kx_error *place_cmdline(struct kx_x86_64_boot *st, char *cl, uint64_t *ret_mem)
{
	size_t len = strlen(cl);
	struct kx_buffer_spec s = { cl, len + 1, len + 1 + JUMP_BACK_ROOM, 16, LOW_LIMIT,
				    st->above_4g ? UINT64_MAX : FOUR_GIB, KX_HOLE_LAST_FIT,
				    "cmdline" };
	return st->b->ops->add_buffer(st->b, &s, ret_mem);
}

// Place a setup_data node (its 16-byte header first) and put it at the
// head of the zero page's list, as upstream add_setup_data() does: page
// aligned, bottom-up above 1 MiB, each new node pointing at the previous.
static struct kx_error *add_setup_data(struct kx_x86_64_boot *st, uint8_t *node, size_t size)
{
	uint64_t mem;
	kx_put_le64(node, kx_get_le64(st->zp + KX_BP_SETUP_DATA));
	struct kx_buffer_spec s = { node, size, size, 4096, SETUP_DATA_MIN, UINT64_MAX,
				    KX_HOLE_FIRST_FIT, "setup_data" };
	KX_TRY(st->b->ops->add_buffer(st->b, &s, &mem));
	kx_put_le64(st->zp + KX_BP_SETUP_DATA, mem);
	return NULL;
}

static struct kx_error *place_e820(struct kx_x86_64_boot *st, const struct kx_x86_64_e820 *t)
{
	size_t n = kx_x86_64_bp_set_e820(st->zp, t);
	if (n == t->count)
		return NULL;
	void *buf;
	size_t size;
	KX_TRY(kx_x86_64_bp_e820_ext(t, n, &buf, &size));
	return add_setup_data(st, buf, size);
}

// Upstream setup_efi_info()/setup_efi_data() (efi_x86_64.h): the SETUP_EFI
// node, then the runtime map, then efi_info pointing at it.
static struct kx_error *place_efi(struct kx_x86_64_boot *st, const struct x86_options *o)
{
	struct kx_x86_64_efi efi;
	bool found;
	if (!st->efi_kexec || o->noefi)
		return NULL;
	KX_TRY(kx_x86_64_efi_read(st->in->root, &efi, &found));
	if (!found)
		return NULL;
	uint8_t *node = calloc(1, KX_SETUP_DATA_HDR + KX_EFI_SETUP_DATA_SIZE);
	uint8_t *map = malloc(efi.map_size);
	if (!node || !map) {
		free(node);
		free(map);
		kx_x86_64_efi_deinit(&efi);
		return &kx_enomem;
	}
	kx_put_le32(node + 8, KX_SETUP_EFI);
	kx_put_le32(node + 12, KX_EFI_SETUP_DATA_SIZE);
	memcpy(node + KX_SETUP_DATA_HDR, efi.setup, KX_EFI_SETUP_DATA_SIZE);
	memcpy(map, efi.map, efi.map_size);
	uint64_t map_mem = 0;
	struct kx_buffer_spec s = { map, efi.map_size, efi.map_size, 4096, SETUP_DATA_MIN,
				    UINT64_MAX, KX_HOLE_FIRST_FIT, "efimap" };
	struct kx_error *err = add_setup_data(st, node, KX_SETUP_DATA_HDR + KX_EFI_SETUP_DATA_SIZE);
	if (!err)
		err = st->b->ops->add_buffer(st->b, &s, &map_mem);
	else
		free(map);
	if (!err)
		kx_x86_64_efi_put_info(&efi, st->zp, map_mem);
	kx_x86_64_efi_deinit(&efi);
	return kx_error_prefix(err, "passing EFI information");
}

// What the running kernel's boot loader told it, when sysfs shows it:
// the subarchitecture (Xen PV, Intel MID...) and the ACPI RSDP.
static void carry_running_boot_params(const struct kx_x86_64_boot *st)
{
	char *bp;
	size_t size;
	struct kx_error *err = kx_root_read_file(st->in->root, "/sys/kernel/boot_params/data",
						 2 * KX_BP_SIZE, &bp, &size);
	uint64_t rsdp = 0;
	if (!err && size >= KX_BP_SIZE) {
		memcpy(st->zp + KX_BP_HARDWARE_SUBARCH, bp + KX_BP_HARDWARE_SUBARCH, 4 + 8);
		rsdp = kx_get_le64(bp + KX_BP_ACPI_RSDP_ADDR);
	}
	if (!err)
		free(bp);
	kx_error_destroy(err);
	if (!rsdp)
		rsdp = kx_x86_64_acpi_rsdp(st->in->root);
	kx_put_le64(st->zp + KX_BP_ACPI_RSDP_ADDR, rsdp);
}

static struct kx_error *parse_baud(const char *text, uint32_t *ret)
{
	char *end;
	unsigned long v = strtoul(text ? text : "", &end, 10);
	KX_CHECK(text && *text && !*end && v && v <= 115200, KX_ERROR_INVALID_ARG,
		 "--serial-baud=%s: not a baud rate", text ? text : "");
	*ret = (uint32_t)v;
	return NULL;
}

struct kx_error *kx_x86_64_parse_serial(const char *text, uint16_t *ret)
{
	static const uint16_t legacy[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	KX_CHECK(text && *text, KX_ERROR_INVALID_ARG, "--serial needs a port");
	if (strncmp(text, "ttyS", 4) == 0 && text[4] >= '0' && text[4] <= '3' && !text[5]) {
		*ret = legacy[text[4] - '0'];
		return NULL;
	}
	char *end;
	unsigned long v = strtoul(text, &end, 0);
	KX_CHECK(!*end && v && v <= 0xffff, KX_ERROR_INVALID_ARG,
		 "--serial=%s: not ttyS0..ttyS3 or an I/O port", text);
	*ret = (uint16_t)v;
	return NULL;
}

// The x86 options the purgatory, the EFI hand-over and the crash command
// line take; the loader-style options of other loaders are refused here.
static struct kx_error *read_options(const struct kx_load_input *in, struct x86_options *x)
{
	static const char *const refused[] = { "real-mode", "entry-32bit", "module", "dtb",
					       "elf32-core-headers", "args-elf", NULL };
	struct kx_x86_64_purgatory_params *p = &x->purgatory;
	p->serial_base = 0x3f8;
	for (size_t i = 0; i < in->nopts; i++) {
		const struct kx_loader_opt *o = &in->opts[i];
		for (size_t j = 0; refused[j]; j++)
			KX_CHECK(strcmp(o->name, refused[j]) != 0, KX_ERROR_UNSUPPORTED,
				 "--%s is not supported by the 64-bit loaders", o->name);
		if (strcmp(o->name, "reset-vga") == 0)
			p->reset_vga = true;
		else if (strcmp(o->name, "console-vga") == 0)
			p->console_vga = true;
		else if (strcmp(o->name, "console-serial") == 0)
			p->console_serial = true;
		else if (strcmp(o->name, "pass-memmap-cmdline") == 0)
			x->pass_memmap = true;
		else if (strcmp(o->name, "noefi") == 0)
			x->noefi = true;
		else if (strcmp(o->name, "serial") == 0)
			KX_TRY(kx_x86_64_parse_serial(o->value, &p->serial_base));
		else if (strcmp(o->name, "serial-baud") == 0)
			KX_TRY(parse_baud(o->value, &p->serial_baud));
		// reuse-video-type, elf64-core-headers, args-linux, args-none:
		// nothing to do (video is never passed, headers are ELF64).
	}
	return NULL;
}

static struct kx_error *finish_layout(struct kx_x86_64_boot *st, const struct kx_x86_64_e820 *t,
				      const struct x86_options *o, uint64_t *ret_cmdline_end)
{
	uint64_t initrd_mem, cl_mem;
	char *cl;
	KX_TRY(place_initrd(st, &initrd_mem));
	KX_TRY(build_cmdline(st, t, o, &cl));
	size_t len = strlen(cl);
	KX_TRY(place_cmdline(st, cl, &cl_mem)); // cl now belongs to the builder
	KX_TRY(place_efi(st, o));
	KX_TRY(place_e820(st, t));
	kx_x86_64_bp_set_cmdline(st->zp, cl_mem);
	kx_x86_64_bp_set_ramdisk(st->zp, initrd_mem, st->in->initrd ? st->in->initrd_size : 0);
	carry_running_boot_params(st);
	*ret_cmdline_end = cl_mem + len;
	return NULL;
}

struct kx_error *kx_x86_64_boot_finish(struct kx_x86_64_boot *st, uint64_t entry)
{
	const struct kx_load_input *in = st->in;
	struct x86_options o = { .purgatory = { .panic_kernel = in->crash,
						.skip_checks = in->skip_checks } };
	KX_TRY(read_options(in, &o));
	struct kx_x86_64_e820 t;
	if (in->crash)
		KX_TRY(kx_x86_64_crash_e820(in, st->hdr_mem, st->hdr_memsz, &t));
	else
		KX_TRY(kx_x86_64_e820_from_map(in->memmap, in->ram, &t));
	struct kx_x86_64_purgatory_params *p = &o.purgatory;
	struct kx_error *err = finish_layout(st, &t, &o, &p->cmdline_end);
	kx_x86_64_e820_deinit(&t);
	KX_TRY(err);
	p->regs.rip = entry;
	p->regs.rsi = st->zp_mem;
	// --hotplug: the kernel rewrites the header later; it cannot be hashed.
	if (in->elfcorehdr_size)
		p->digest_exclude = st->hdr_mem;
	return st->pops->finish(st->purgatory, st->b, p);
}

void kx_x86_64_boot_deinit(struct kx_x86_64_boot *st)
{
	if (!st)
		return;
	if (st->pops && st->purgatory)
		st->pops->destroy(st->purgatory);
	st->purgatory = NULL;
}
