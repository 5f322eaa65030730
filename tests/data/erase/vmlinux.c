// SPDX-License-Identifier: GPL-2.0-only
// Kernel-like globals for the --config tests: linked at kernel-image
// addresses (tests/cli/makedumpfile-erase.sh), their DWARF is what
// makedumpfile -x reads, and their .data is copied into a synthetic vmcore.
// Offsets the test expects (x86_64): struct cred_like: secret 0, key 8,
// blob 40, blob_len 48, name 56; struct node: next 0, list 8, priv 24.
struct list_head {
	struct list_head *next, *prev;
};

struct cred_like {
	char *secret;
	char key[32];
	void *blob;
	long blob_len;
	const char *name;
};

struct node {
	struct node *next;
	struct list_head list;
	char priv[8];
};

char secret_text[32] = "hunter2-password";
char blob_data[64] = "0123456789012345678901234567890123456789-kept";
char plain_array[16] = "abcdefghijklmno";
const char name_text[8] = "cred";

struct cred_like cred = {
	secret_text, "KEYKEYKEYKEYKEYKEYKEYKEYKEYKEYK", blob_data, 40, name_text,
};

extern struct node n1, n2;
struct list_head head = { &n1.list, &n2.list };
struct node n1 = { &n2, { &n2.list, &head }, "priv-n1" };
struct node n2 = { 0, { &head, &n1.list }, "priv-n2" };
struct node *nodes[3] = { &n2, 0, &n1 };

// A loaded module for [MODULE] sections, laid out as the 6.1 kernel does
// (core_layout), or with -DKX_MOD_MEM as 6.4 on (mem[]), with only the
// members makedumpfile reads (their names matter, the DWARF gives the
// offsets). The module "kx_testmod" (tests/data/erase/testmod.c) has its
// .data at module_area, .bss at module_area + 4096, .text at + 6144; the
// test copies its .data there. "other_mod" is loaded without debuginfo.
struct attribute {
	const char *name;
	unsigned short mode;
};

struct bin_attribute {
	struct attribute attr;
	unsigned long size;
	void *private;
};

struct attribute_group {
	const char *name;
};

struct module_sect_attr {
	struct bin_attribute battr;
	unsigned long address;
};

struct module_sect_attrs {
	struct attribute_group grp;
	unsigned int nsections;
	struct module_sect_attr attrs[3];
};

#ifdef KX_MOD_MEM
struct module_memory {
	void *base;
	unsigned int size;
};
#else
struct module_layout {
	void *base;
	unsigned int size;
	unsigned int text_size;
};
#endif

struct module {
	int state;
	struct list_head list;
	char name[56];
#ifdef KX_MOD_MEM
	struct module_memory mem[7];
#else
	struct module_layout core_layout;
	struct module_layout init_layout;
#endif
	struct module_sect_attrs *sect_attrs;
};

char module_area[8192] __attribute__((aligned(4096))) = { 1 };

struct module_sect_attrs kx_testmod_sects = {
	{ "sections" }, 3, {
		{ { { ".text" } }, (unsigned long)(module_area + 6144) },
		{ { { ".data" } }, (unsigned long)module_area },
		{ { { ".bss" } }, (unsigned long)(module_area + 4096) },
	},
};

struct module_sect_attrs other_sects = { { "sections" }, 0 };

extern struct module other_mod, kx_testmod_mod;
struct list_head modules = { &other_mod.list, &kx_testmod_mod.list };
#ifdef KX_MOD_MEM
struct module other_mod = { 0, { &kx_testmod_mod.list, &modules }, "other_mod",
	{ { module_area, 16 } }, &other_sects };
struct module kx_testmod_mod = { 0, { &modules, &other_mod.list }, "kx_testmod",
	{ { module_area + 6144, 2048 }, { module_area, 6144 } }, &kx_testmod_sects };
#else
struct module other_mod = { 0, { &kx_testmod_mod.list, &modules }, "other_mod",
	{ module_area, 16, 16 }, { 0 }, &other_sects };
struct module kx_testmod_mod = { 0, { &modules, &other_mod.list }, "kx_testmod",
	{ module_area, 8192, 2048 }, { 0 }, &kx_testmod_sects };
#endif

void _start(void)
{
}
