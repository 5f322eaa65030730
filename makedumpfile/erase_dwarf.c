// SPDX-License-Identifier: GPL-2.0-only
// Filter config → erase map through DWARF and the dump: see erase_dwarf.h.
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteorder.h"
#include "erase_conf.h"
#include "erase_dwarf.h"
#include "erase_map.h"
#include "module_debuginfo.h"
#include "root.h"
#include "vmcore.h"
#include "vmcoreinfo.h"
#include "vtop.h"

// An object in the dead kernel: its address and (peeled) type.
struct value {
	uint64_t addr;
	Dwarf_Die type;
	bool has_type;  // false: void
};

struct ctx {
	Dwarf *dw;                 // the current section's: vmlinux's or a module's
	Dwarf *kernel_dw;          // vmlinux's
	const struct kx_vmcore *vm;
	const struct kx_root *root;
	struct kx_erase_map *map;
	uint64_t slide;            // added to the current DWARF's addresses
	uint64_t kernel_slide;     // KASLR: KERNELOFFSET
	const char *iter;          // the loop variable in scope, or NULL
	struct value iter_val;
	unsigned int err_line;     // the config line an error comes from
};

enum { PTR_SIZE = 8, MAX_ANON_DEPTH = 8 };

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
}

// The type @die refers to, typedefs and qualifiers peeled; false for void.
static bool type_of(Dwarf_Die *die, Dwarf_Die *ret)
{
	Dwarf_Attribute a;
	Dwarf_Die t;
	if (!dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &a), &t))
		return false;
	return dwarf_peel_type(&t, ret) == 0;
}

// The address of a global variable's definition (a lone DW_OP_addr).
static bool var_address(Dwarf_Die *var, uint64_t *ret)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;
	if (!dwarf_attr(var, DW_AT_location, &a) || dwarf_getlocation(&a, &ops, &nops) != 0 ||
	    nops != 1 || ops[0].atom != DW_OP_addr)
		return false;
	*ret = ops[0].number;
	return true;
}

// Call @fn on each top-level DIE of every CU until it returns true.
static bool each_top_die(Dwarf *dw, bool (*fn)(Dwarf_Die *die, void *arg), void *arg)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;
		if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_child(&cu, &child) == 0) {
			do {
				if (fn(&child, arg))
					return true;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		off = next;
	}
	return false;
}

struct lookup {
	const char *name;
	const char *type_name;     // match_var: only variables of this struct type
	Dwarf_Die found;
	uint64_t addr;
};

static bool match_var(Dwarf_Die *die, void *arg)
{
	struct lookup *l = arg;
	const char *name = dwarf_tag(die) == DW_TAG_variable ? die_name(die) : NULL;
	if (!name || strcmp(name, l->name) || !var_address(die, &l->addr))
		return false;
	Dwarf_Die t;
	const char *tname;
	if (l->type_name && (!type_of(die, &t) || !(tname = die_name(&t)) ||
			     strcmp(tname, l->type_name)))
		return false;
	l->found = *die;
	return true;
}

static bool match_struct(Dwarf_Die *die, void *arg)
{
	struct lookup *l = arg;
	const char *name = dwarf_tag(die) == DW_TAG_structure_type ? die_name(die) : NULL;
	if (!name || strcmp(name, l->name) || dwarf_hasattr(die, DW_AT_declaration))
		return false;
	l->found = *die;
	return true;
}

static struct kx_error *global_value(const struct ctx *c, const char *name, struct value *ret)
{
	struct lookup l = { .name = name };
	if (!each_top_die(c->dw, match_var, &l))
		return kx_error_create(KX_ERROR_NOT_FOUND, "Can't find symbol '%s'", name);
	ret->addr = l.addr + c->slide;
	ret->has_type = type_of(&l.found, &ret->type);
	return NULL;
}

static bool is_aggregate(Dwarf_Die *t)
{
	int tag = dwarf_tag(t);
	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
}

// Member @name of struct/union @t, looking into anonymous members too.
static bool find_member(Dwarf_Die *t, const char *name, int depth, uint64_t *off_ret,
			Dwarf_Die *member_ret)
{
	Dwarf_Die m;
	if (depth > MAX_ANON_DEPTH || dwarf_child(t, &m) != 0)
		return false;
	do {
		Dwarf_Attribute a;
		Dwarf_Word off = 0;
		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		if (dwarf_attr(&m, DW_AT_data_member_location, &a) && dwarf_formudata(&a, &off) != 0)
			continue;  // a DWARF 2 location expression: not what GCC writes now
		const char *mname = dwarf_diename(&m);
		Dwarf_Die mt;
		if (mname && !strcmp(mname, name)) {
			*off_ret = off;
			*member_ret = m;
			return true;
		}
		uint64_t inner;
		if (!mname && type_of(&m, &mt) && is_aggregate(&mt) &&
		    find_member(&mt, name, depth + 1, &inner, member_ret)) {
			*off_ret = off + inner;
			return true;
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

static struct kx_error *read_mem(const struct ctx *c, uint64_t vaddr, void *buf, size_t size)
{
	return kx_vtop_read(c->vm->vtop, vaddr, buf, size);
}

static struct kx_error *read_ptr(const struct ctx *c, uint64_t vaddr, uint64_t *ret)
{
	uint8_t b[PTR_SIZE];
	KX_TRY(read_mem(c, vaddr, b, sizeof(b)));
	*ret = kx_get_le64(b);
	return NULL;
}

// Follow pointer value @v to what it points at. A NULL pointer is
// KX_ERROR_NODATA: the command has nothing to erase there.
static struct kx_error *deref(const struct ctx *c, struct value *v, const char *what)
{
	uint64_t p;
	KX_TRY(read_ptr(c, v->addr, &p));
	if (!p)
		return kx_error_create(KX_ERROR_NODATA, "'%s' is NULL", what);
	Dwarf_Die ptr = v->type;
	v->addr = p;
	v->has_type = type_of(&ptr, &v->type);
	return NULL;
}

static bool is_pointer(struct value *v)
{
	return v->has_type && dwarf_tag(&v->type) == DW_TAG_pointer_type;
}

// Step from @v to its member @name, through a pointer if @v is one.
static struct kx_error *member_step(const struct ctx *c, struct value *v, const char *name,
				    const char *expr)
{
	if (is_pointer(v))
		KX_TRY(deref(c, v, expr));
	KX_CHECK(v->has_type && is_aggregate(&v->type), KX_ERROR_INVALID_ARG,
		 "'%s': no struct or union to take member '%s' from", expr, name);
	uint64_t off;
	Dwarf_Die m;
	if (!find_member(&v->type, name, 0, &off, &m))
		return kx_error_create(KX_ERROR_NOT_FOUND, "struct '%s' has no member with name '%s'",
				       die_name(&v->type) ? die_name(&v->type) : "(anonymous)", name);
	KX_CHECK(!dwarf_hasattr(&m, DW_AT_bit_size), KX_ERROR_UNSUPPORTED,
		 "'%s': member '%s' is a bit-field", expr, name);
	v->addr += off;
	v->has_type = type_of(&m, &v->type);
	return NULL;
}

static struct kx_error *eval(const struct ctx *c, const struct kx_erase_expr *e, struct value *ret)
{
	struct value v;
	if (c->iter && !strcmp(e->parts[0], c->iter))
		v = c->iter_val;
	else
		KX_TRY(global_value(c, e->parts[0], &v));
	for (size_t i = 1; i < e->nparts; i++)
		KX_TRY(member_step(c, &v, e->parts[i], e->text));
	*ret = v;
	return NULL;
}

static struct kx_error *type_size(struct value *v, const char *expr, uint64_t *ret)
{
	Dwarf_Word size;
	KX_CHECK(v->has_type && dwarf_aggregate_size(&v->type, &size) == 0, KX_ERROR_INVALID_ARG,
		 "Can't get size for type of '%s'", expr);
	*ret = size;
	return NULL;
}

// Add the physical bytes behind [vaddr, vaddr + size) to the map: each
// mapping crossed may lie elsewhere in physical memory.
static struct kx_error *erase_virt(const struct ctx *c, uint64_t vaddr, uint64_t size,
				   uint8_t fill)
{
	KX_CHECK(vaddr + size >= vaddr, KX_ERROR_OVERFLOW, "erase range at 0x%llx wraps around",
		 (unsigned long long)vaddr);
	while (size) {
		uint64_t pa, msize;
		KX_TRY(kx_vtop_translate(c->vm->vtop, vaddr, NULL, &pa, &msize));
		uint64_t n = msize - (vaddr & (msize - 1));
		if (n > size)
			n = size;
		KX_TRY(kx_erase_map_add(c->map, pa, n, fill));
		vaddr += n;
		size -= n;
	}
	return NULL;
}

// size EXPR: an integer of 1, 2, 4 or 8 bytes in the dump.
static struct kx_error *size_from_expr(const struct ctx *c, const struct kx_erase_expr *e,
				       uint64_t *ret)
{
	struct value v;
	KX_TRY(eval(c, e, &v));
	int tag = v.has_type ? dwarf_tag(&v.type) : 0;
	KX_CHECK(tag == DW_TAG_base_type || tag == DW_TAG_enumeration_type, KX_ERROR_INVALID_ARG,
		 "size symbol/member '%s' is not of base type", e->text);
	uint64_t n;
	KX_TRY(type_size(&v, e->text, &n));
	KX_CHECK(n == 1 || n == 2 || n == 4 || n == 8, KX_ERROR_INVALID_ARG,
		 "size symbol/member '%s' is %llu bytes wide", e->text, (unsigned long long)n);
	uint8_t b[8] = { 0 };
	KX_TRY(read_mem(c, v.addr, b, (size_t)n));
	*ret = kx_get_le64(b);
	return NULL;
}

static bool is_char(Dwarf_Die *t)
{
	Dwarf_Attribute a;
	Dwarf_Word enc, size;
	return dwarf_tag(t) == DW_TAG_base_type &&
	       dwarf_formudata(dwarf_attr(t, DW_AT_encoding, &a), &enc) == 0 &&
	       (enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char) &&
	       dwarf_aggregate_size(t, &size) == 0 && size == 1;
}

// strlen() of the string at @vaddr, reading at most KX_ERASE_MAX_STRING bytes.
static struct kx_error *string_length(const struct ctx *c, uint64_t vaddr, uint64_t *ret)
{
	uint64_t n = 0;
	for (; n < KX_ERASE_MAX_STRING; n++) {
		uint8_t ch;
		KX_TRY(read_mem(c, vaddr + n, &ch, 1));
		if (!ch)
			break;
	}
	*ret = n;
	return NULL;
}

// No size given: the type's size, or what a pointer points to.
static struct kx_error *auto_size(const struct ctx *c, struct value *target,
				  struct value *dst, const char *expr, uint64_t *ret)
{
	if (!is_pointer(target))
		return type_size(dst, expr, ret);
	if (!dst->has_type) {
		*ret = 0;  // void *: only size or nullify can say (makedumpfile.conf(5))
		return NULL;
	}
	if (is_char(&dst->type))
		return string_length(c, dst->addr, ret);
	return type_size(dst, expr, ret);
}

static struct kx_error *nullify(const struct ctx *c, const struct kx_erase_cmd *cmd,
				struct value *v)
{
	KX_CHECK(is_pointer(v), KX_ERROR_INVALID_ARG, "'%s' is not a pointer: nullify needs one",
		 cmd->target.text);
	KX_TRY(erase_virt(c, v->addr, PTR_SIZE, KX_ERASE_FILL_NULL));
	return kx_erase_map_add_info(c->map, "erase %s nullify", cmd->target.text);
}

// One erase command, with the loop variable (if any) bound in @c.
static struct kx_error *run_cmd_inner(const struct ctx *c, const struct kx_erase_cmd *cmd)
{
	struct value v;
	KX_TRY(eval(c, &cmd->target, &v));
	if (cmd->kind == KX_ERASE_NULLIFY)
		return nullify(c, cmd, &v);
	uint64_t n = cmd->size;
	if (cmd->kind == KX_ERASE_SIZE_EXPR)
		KX_TRY(size_from_expr(c, &cmd->size_expr, &n));
	struct value dst = v;
	if (is_pointer(&v))
		KX_TRY(deref(c, &dst, cmd->target.text));
	if (cmd->kind == KX_ERASE_SIZE_AUTO)
		KX_TRY(auto_size(c, &v, &dst, cmd->target.text, &n));
	if (!n)
		return NULL;
	KX_CHECK(n <= KX_ERASE_MAX_SIZE, KX_ERROR_INVALID_ARG,
		 "erasing %llu bytes of '%s' is more than the %d allowed", (unsigned long long)n,
		 cmd->target.text, KX_ERASE_MAX_SIZE);
	KX_TRY(erase_virt(c, dst.addr, n, KX_ERASE_FILL_X));
	return kx_erase_map_add_info(c->map, "erase %s size %llu", cmd->target.text,
				     (unsigned long long)n);
}

// A NULL pointer on the way leaves nothing to erase, as in upstream.
static struct kx_error *run_cmd(const struct ctx *c, const struct kx_erase_cmd *cmd)
{
	struct kx_error *err = run_cmd_inner(c, cmd);
	kx_error_catch(&err, KX_ERROR_NODATA);
	return err;
}

static struct kx_error *run_body(struct ctx *c, const struct kx_erase_stmt *s, struct value *elem)
{
	c->iter = s->iter;
	c->iter_val = *elem;
	for (size_t i = 0; i < s->ncmds; i++) {
		c->err_line = s->cmds[i].line;
		KX_TRY(run_cmd(c, &s->cmds[i]));
	}
	return NULL;
}

static struct kx_error *loop_array(struct ctx *c, const struct kx_erase_stmt *s, struct value *list)
{
	KX_CHECK(list->has_type && dwarf_tag(&list->type) == DW_TAG_array_type, KX_ERROR_INVALID_ARG,
		 "'%s' is not an array", s->list.text);
	struct value elem = { .addr = list->addr };
	uint64_t total, esize;
	KX_TRY(type_size(list, s->list.text, &total));
	elem.has_type = type_of(&list->type, &elem.type);
	KX_TRY(type_size(&elem, s->list.text, &esize));
	KX_CHECK(esize && total / esize <= KX_ERASE_MAX_ITER, KX_ERROR_INVALID_ARG,
		 "array '%s' has more than %d elements", s->list.text, KX_ERASE_MAX_ITER);
	for (uint64_t i = 0; i < total / esize; i++, elem.addr += esize)
		KX_TRY(run_body(c, s, &elem));
	return NULL;
}

// for ID in STRUCTVAR via NEXT: until NULL or back at the first node.
static struct kx_error *loop_via(struct ctx *c, const struct kx_erase_stmt *s, struct value *node)
{
	if (is_pointer(node))
		KX_TRY(deref(c, node, s->list.text));
	KX_CHECK(node->has_type && is_aggregate(&node->type), KX_ERROR_INVALID_ARG,
		 "'%s' is not a struct or a pointer to one", s->list.text);
	uint64_t off;
	Dwarf_Die m;
	KX_CHECK(find_member(&node->type, s->via, 0, &off, &m), KX_ERROR_NOT_FOUND,
		 "struct '%s' has no member with name '%s'", die_name(&node->type), s->via);
	uint64_t first = node->addr;
	for (size_t n = 0; n < KX_ERASE_MAX_ITER; n++) {
		KX_TRY(run_body(c, s, node));
		c->err_line = s->line;
		KX_TRY(read_ptr(c, node->addr + off, &node->addr));
		if (!node->addr || node->addr == first)
			return NULL;
	}
	return kx_error_create(KX_ERROR_CORRUPT, "list '%s' does not end within %d elements",
			       s->list.text, KX_ERASE_MAX_ITER);
}

// The struct named in `within STRUCT:MEMBER` and the member's offset.
static struct kx_error *within_target(const struct ctx *c, const struct kx_erase_stmt *s,
				      Dwarf_Die *type_ret, uint64_t *off_ret)
{
	struct lookup l = { .name = s->struct_name };
	KX_CHECK(each_top_die(c->dw, match_struct, &l), KX_ERROR_NOT_FOUND,
		 "Can't find structure: %s", s->struct_name);
	Dwarf_Die m, mt;
	KX_CHECK(find_member(&l.found, s->member, 0, off_ret, &m), KX_ERROR_NOT_FOUND,
		 "struct '%s' has no member with name '%s'", s->struct_name, s->member);
	const char *tname = type_of(&m, &mt) ? die_name(&mt) : NULL;
	KX_CHECK(tname && !strcmp(tname, "list_head"), KX_ERROR_INVALID_ARG,
		 "Member '%s' is not of 'list_head' type", s->member);
	*type_ret = l.found;
	return NULL;
}

// for ID in HEAD within STRUCT:MEMBER. HEAD is a struct list_head, or a
// pointer in one (`head.next`, as the man page writes it): either way the
// walk ends when it is back at the head or reaches NULL.
static struct kx_error *loop_within(struct ctx *c, const struct kx_erase_stmt *s,
				    struct value *head)
{
	struct value elem = { .has_type = true };
	uint64_t moff, node;
	KX_TRY(within_target(c, s, &elem.type, &moff));
	KX_CHECK(is_pointer(head) || (head->has_type && is_aggregate(&head->type)),
		 KX_ERROR_INVALID_ARG, "'%s' is not a list_head", s->list.text);
	// list_head.next is its first member in every kernel.
	KX_TRY(read_ptr(c, head->addr, &node));
	for (size_t n = 0; n < KX_ERASE_MAX_ITER; n++) {
		if (!node || node == head->addr)
			return NULL;
		elem.addr = node - moff;
		KX_TRY(run_body(c, s, &elem));
		c->err_line = s->line;
		KX_TRY(read_ptr(c, node, &node));
	}
	return kx_error_create(KX_ERROR_CORRUPT, "list '%s' does not end within %d elements",
			       s->list.text, KX_ERASE_MAX_ITER);
}

static struct kx_error *run_stmt(struct ctx *c, const struct kx_erase_stmt *s)
{
	c->iter = NULL;
	c->err_line = s->line;
	if (s->loop == KX_ERASE_LOOP_NONE)
		return run_body(c, s, &(struct value){ 0 });
	struct value list;
	KX_TRY(eval(c, &s->list, &list));
	c->err_line = s->line;
	switch (s->loop) {
	case KX_ERASE_LOOP_ARRAY:
		return loop_array(c, s, &list);
	case KX_ERASE_LOOP_VIA:
		return loop_via(c, s, &list);
	default:
		return loop_within(c, s, &list);
	}
}

// [MODULE] sections: the module in the dump, through the vmlinux DWARF.

enum {
	MAX_MODULES = 65536,      // a longer `modules` list is corrupt
	MAX_MODULE_NAME = 255,
	MAX_SECTION_NAME = 255,
	MOD_CORE_TYPES = 4,       // 6.4+: MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT
};

// Where the walk finds things, in bytes from the start of each struct;
// widths are those of the integer members.
struct mod_layout {
	uint64_t list, name, name_size, sect_attrs;
	uint64_t core, core_stride;   // core_layout, or mem[0] and sizeof(mem[0])
	size_t ncore;                 // 1, or MOD_CORE_TYPES
	uint64_t base, size, size_width;  // inside core_layout / module_memory
	uint64_t nsections, nsections_width, attrs, attr_size, attr_addr, attr_name;
};

// The offset of the member chain @path (NULL-terminated) inside @t and
// the last member's type.
static bool member_path(Dwarf_Die *t, const char *const *path, uint64_t *off_ret,
			Dwarf_Die *type_ret)
{
	Dwarf_Die cur = *t, m;
	uint64_t off = 0, o;
	for (; *path; path++) {
		if (!is_aggregate(&cur) || !find_member(&cur, *path, 0, &o, &m) ||
		    !type_of(&m, &cur))
			return false;
		off += o;
	}
	*off_ret = off;
	*type_ret = cur;
	return true;
}

static struct kx_error *kernel_struct(const struct ctx *c, const char *name, Dwarf_Die *ret)
{
	struct lookup l = { .name = name };
	KX_CHECK(each_top_die(c->kernel_dw, match_struct, &l), KX_ERROR_UNSUPPORTED,
		 "the vmlinux has no struct %s: cannot find the dump's modules", name);
	*ret = l.found;
	return NULL;
}

// A member of the layout: its offset and, through @width_ret, its size.
static struct kx_error *layout_member(Dwarf_Die *t, const char *sname, const char *const *path,
				      uint64_t *off_ret, uint64_t *width_ret)
{
	Dwarf_Die mt;
	Dwarf_Word w = 0;
	KX_CHECK(member_path(t, path, off_ret, &mt) && dwarf_aggregate_size(&mt, &w) == 0 && w,
		 KX_ERROR_UNSUPPORTED, "struct %s has no member %s%s%s: unknown module layout",
		 sname, path[0], path[1] ? "." : "", path[1] ? path[1] : "");
	if (width_ret)
		*width_ret = w;
	return NULL;
}

static struct kx_error *array_elem(Dwarf_Die *array, Dwarf_Die *elem_ret, uint64_t *size_ret,
				   uint64_t *count_ret)
{
	Dwarf_Word total = 0, size = 0;
	KX_CHECK(dwarf_tag(array) == DW_TAG_array_type && type_of(array, elem_ret) &&
		 dwarf_aggregate_size(elem_ret, &size) == 0 && size, KX_ERROR_UNSUPPORTED,
		 "unknown module layout: not an array");
	if (count_ret)
		*count_ret = dwarf_aggregate_size(array, &total) == 0 ? total / size : 0;
	*size_ret = size;
	return NULL;
}

// struct module: before 6.4 the core is core_layout.{base,size}; from 6.4
// (commit ac3b43283923) mem[MOD_TEXT..] are struct module_memory.
static struct kx_error *core_layout(Dwarf_Die *mod, struct mod_layout *L)
{
	Dwarf_Die t, elem;
	uint64_t count;
	if (member_path(mod, (const char *const[]){ "core_layout", NULL }, &L->core, &t)) {
		L->ncore = 1;
	} else {
		KX_CHECK(member_path(mod, (const char *const[]){ "mem", NULL }, &L->core, &t),
			 KX_ERROR_UNSUPPORTED,
			 "struct module has neither core_layout nor mem: unknown module layout");
		KX_TRY(array_elem(&t, &elem, &L->core_stride, &count));
		KX_CHECK(count >= MOD_CORE_TYPES, KX_ERROR_UNSUPPORTED,
			 "struct module's mem[] has %llu entries: unknown module layout",
			 (unsigned long long)count);
		L->ncore = MOD_CORE_TYPES;
		t = elem;
	}
	uint64_t bw;
	KX_TRY(layout_member(&t, "module_layout", (const char *const[]){ "base", NULL }, &L->base, &bw));
	KX_TRY(layout_member(&t, "module_layout", (const char *const[]){ "size", NULL }, &L->size,
			     &L->size_width));
	KX_CHECK(bw == PTR_SIZE && L->size_width <= 8, KX_ERROR_UNSUPPORTED,
		 "unknown module layout: base or size of unexpected width");
	return NULL;
}

// struct module_sect_attrs { ...; unsigned int nsections; struct
// module_sect_attr attrs[]; }, each attr an address and a name: its own
// `name` (before 5.8) or its bin_attribute's battr.attr.name.
static struct kx_error *sect_layout(const struct ctx *c, struct mod_layout *L)
{
	Dwarf_Die sa, attrs, attr;
	KX_TRY(kernel_struct(c, "module_sect_attrs", &sa));
	KX_TRY(layout_member(&sa, "module_sect_attrs", (const char *const[]){ "nsections", NULL },
			     &L->nsections, &L->nsections_width));
	KX_CHECK(L->nsections_width <= 8 &&
		 member_path(&sa, (const char *const[]){ "attrs", NULL }, &L->attrs, &attrs),
		 KX_ERROR_UNSUPPORTED, "struct module_sect_attrs has no attrs: unknown module layout");
	KX_TRY(array_elem(&attrs, &attr, &L->attr_size, NULL));
	KX_TRY(layout_member(&attr, "module_sect_attr", (const char *const[]){ "address", NULL },
			     &L->attr_addr, NULL));
	Dwarf_Die nt;
	if (!member_path(&attr, (const char *const[]){ "name", NULL }, &L->attr_name, &nt))
		KX_TRY(layout_member(&attr, "module_sect_attr",
				     (const char *const[]){ "battr", "attr", "name", NULL },
				     &L->attr_name, NULL));
	return NULL;
}

static struct kx_error *module_layout(const struct ctx *c, struct mod_layout *L)
{
	Dwarf_Die mod;
	KX_TRY(kernel_struct(c, "module", &mod));
	KX_TRY(layout_member(&mod, "module", (const char *const[]){ "list", NULL }, &L->list, NULL));
	KX_TRY(layout_member(&mod, "module", (const char *const[]){ "name", NULL }, &L->name,
			     &L->name_size));
	KX_TRY(layout_member(&mod, "module", (const char *const[]){ "sect_attrs", NULL },
			     &L->sect_attrs, NULL));
	KX_TRY(core_layout(&mod, L));
	return sect_layout(c, L);
}

static struct kx_error *read_uint(const struct ctx *c, uint64_t vaddr, uint64_t width,
				  uint64_t *ret)
{
	uint8_t b[8] = { 0 };
	KX_TRY(read_mem(c, vaddr, b, (size_t)width));
	*ret = kx_get_le64(b);
	return NULL;
}

// A NUL-terminated string of at most @cap - 1 bytes at @vaddr.
static struct kx_error *read_string(const struct ctx *c, uint64_t vaddr, char *buf, size_t cap)
{
	size_t n = 0;
	for (; n + 1 < cap; n++) {
		KX_TRY(read_mem(c, vaddr + n, &buf[n], 1));
		if (!buf[n])
			return NULL;
	}
	buf[n] = 0;
	return NULL;
}

// The struct module named @name in the kernel's `modules` list; *ret = 0
// when it is not loaded.
static struct kx_error *find_module(const struct ctx *c, const struct mod_layout *L,
				    const char *name, uint64_t *ret)
{
	struct lookup l = { .name = "modules", .type_name = "list_head" };
	KX_CHECK(each_top_die(c->kernel_dw, match_var, &l), KX_ERROR_UNSUPPORTED,
		 "the vmlinux has no list_head 'modules': cannot find the dump's modules");
	uint64_t head = l.addr + c->kernel_slide, node;
	KX_TRY(read_ptr(c, head, &node));
	for (size_t n = 0; n < MAX_MODULES; n++) {
		if (node == head || !node) {
			*ret = 0;
			return NULL;
		}
		char mname[MAX_MODULE_NAME + 1];
		uint64_t mod = node - L->list;
		KX_TRY(read_string(c, mod + L->name, mname,
				   L->name_size < sizeof(mname) ? (size_t)L->name_size + 1 : sizeof(mname)));
		if (kx_module_debuginfo_same_name(mname, name)) {
			*ret = mod;
			return NULL;
		}
		KX_TRY(read_ptr(c, node, &node));
	}
	return kx_error_create(KX_ERROR_CORRUPT, "the kernel's module list does not end within %d entries",
			       MAX_MODULES);
}

// The lowest and highest address of the module's core memory.
static struct kx_error *module_core(const struct ctx *c, const struct mod_layout *L, uint64_t mod,
				    uint64_t *start_ret, uint64_t *end_ret)
{
	uint64_t start = UINT64_MAX, end = 0;
	for (size_t i = 0; i < L->ncore; i++) {
		uint64_t at = mod + L->core + i * L->core_stride, base, size;
		KX_TRY(read_ptr(c, at + L->base, &base));
		KX_TRY(read_uint(c, at + L->size, L->size_width, &size));
		if (!size)
			continue;
		KX_CHECK(base + size > base, KX_ERROR_CORRUPT, "module core at 0x%llx wraps around",
			 (unsigned long long)base);
		start = base < start ? base : start;
		end = base + size > end ? base + size : end;
	}
	*start_ret = start;
	*end_ret = end;
	return NULL;
}

static void free_sections(struct kx_module_section *secs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(secs[i].name);
	free(secs);
}

static struct kx_error *read_sections(const struct ctx *c, const struct mod_layout *L,
				      const char *name, uint64_t mod, struct kx_module_section **ret,
				      size_t *n_ret)
{
	uint64_t sa, n;
	KX_TRY(read_ptr(c, mod + L->sect_attrs, &sa));
	KX_CHECK(sa, KX_ERROR_UNSUPPORTED, "module %s has no section addresses (sect_attrs is NULL, "
		 "as without CONFIG_SYSFS or CONFIG_KALLSYMS)", name);
	KX_TRY(read_uint(c, sa + L->nsections, L->nsections_width, &n));
	KX_CHECK(n <= KX_MODULE_MAX_SECTIONS, KX_ERROR_CORRUPT,
		 "module %s claims %llu sections", name, (unsigned long long)n);
	struct kx_module_section *secs = calloc(n ? n : 1, sizeof(*secs));
	if (!secs)
		return &kx_enomem;
	struct kx_error *err = NULL;
	for (size_t i = 0; !err && i < n; i++) {
		uint64_t at = sa + L->attrs + i * L->attr_size, np;
		char sname[MAX_SECTION_NAME + 1];
		err = read_ptr(c, at + L->attr_addr, &secs[i].addr);
		if (!err)
			err = read_ptr(c, at + L->attr_name, &np);
		if (!err)
			err = read_string(c, np, sname, sizeof(sname));
		if (!err && !(secs[i].name = strdup(sname)))
			err = &kx_enomem;
	}
	if (err) {
		free_sections(secs, n);
		return kx_error_prefix(err, "module %s's section table", name);
	}
	*ret = secs;
	*n_ret = (size_t)n;
	return NULL;
}

// Where the statements of section @name go: the module's debuginfo in
// *di_ret, or a skip recorded in @skip.
static struct kx_error *enter_module(const struct ctx *c, const char *name,
				     struct kx_module_debuginfo **di_ret, struct kx_erase_skip *skip)
{
	struct mod_layout L = { .core_stride = 0 };
	uint64_t mod, start, end;
	KX_TRY(module_layout(c, &L));
	KX_TRY(find_module(c, &L, name, &mod));
	if (!mod) {
		skip->why = KX_ERASE_SKIP_NOT_LOADED;
		return NULL;
	}
	KX_TRY(module_core(c, &L, mod, &start, &end));
	KX_CHECK(start < end, KX_ERROR_CORRUPT, "module %s has no core memory", name);
	struct kx_module_section *secs = NULL;
	size_t nsecs = 0;
	KX_TRY(read_sections(c, &L, name, mod, &secs, &nsecs));
	const char *release = c->vm->vi ? c->vm->vi->osrelease : NULL;
	char *path = NULL;
	struct kx_error *err = release ? kx_module_debuginfo_find(c->root, release, name, &path)
		: kx_error_create(KX_ERROR_NOT_FOUND, "the dump has no OSRELEASE to find modules by");
	if (!err)
		err = kx_module_debuginfo_open(c->root, name, path, start, end, secs, nsecs, di_ret);
	free(path);
	free_sections(secs, nsecs);
	if (err && err->code == KX_ERROR_NOT_FOUND) {
		skip->why = KX_ERASE_SKIP_NO_DEBUGINFO;
		skip->detail = strdup(err->message);
		kx_error_destroy(err);
		return skip->detail ? NULL : &kx_enomem;
	}
	return err;
}

void kx_erase_skips_deinit(struct kx_erase_skips *skips)
{
	for (size_t i = 0; i < skips->n; i++)
		free(skips->v[i].detail);
	free(skips->v);
	*skips = (struct kx_erase_skips){ 0 };
}

static struct kx_error *add_skip(struct kx_erase_skips *skips, const char *module,
				 struct kx_erase_skip **ret)
{
	struct kx_erase_skip *v = realloc(skips->v, (skips->n + 1) * sizeof(*v));
	if (!v)
		return &kx_enomem;
	skips->v = v;
	*ret = &v[skips->n++];
	**ret = (struct kx_erase_skip){ .module = module };
	return NULL;
}

// Switch @c to the section of statement @s: the vmlinux, or a module
// (whose debuginfo replaces *di), or a skipped one (*skip set).
static struct kx_error *enter_section(struct ctx *c, const struct kx_erase_stmt *s,
				      struct kx_module_debuginfo **di, struct kx_erase_skips *skips,
				      struct kx_erase_skip **skip)
{
	kx_module_debuginfo_destroy(*di);
	*di = NULL;
	*skip = NULL;
	c->dw = c->kernel_dw;
	c->slide = c->kernel_slide;
	if (!strcmp(s->module, "vmlinux"))
		return NULL;
	struct kx_erase_skip tmp = { .module = s->module };
	struct kx_error *err = enter_module(c, s->module, di, &tmp);
	if (err)
		return kx_error_prefix(err, "[%s]", s->module);
	if (!*di) {
		KX_TRY(add_skip(skips, s->module, skip));
		**skip = tmp;
		return NULL;
	}
	c->dw = kx_module_debuginfo_dwarf(*di, &c->slide);
	return NULL;
}

static struct kx_error *run_all(struct ctx *c, const struct kx_erase_conf *conf,
				struct kx_module_debuginfo **di, struct kx_erase_skips *skips)
{
	const char *section = NULL;
	struct kx_erase_skip *skip = NULL;
	for (size_t i = 0; i < conf->nstmts; i++) {
		const struct kx_erase_stmt *s = &conf->stmts[i];
		if (s->module != section) {
			section = s->module;
			struct kx_error *err = enter_section(c, s, di, skips, &skip);
			if (err)
				return kx_error_prefix(err, "%s:%u", conf->path, s->line);
		}
		if (skip) {
			skip->nstmts++;
			continue;
		}
		struct kx_error *err = run_stmt(c, s);
		if (err)
			return kx_error_prefix(err, "%s:%u", conf->path, c->err_line);
	}
	return kx_erase_map_finish(c->map);
}

static struct kx_error *open_dwarf(const char *vmlinux, int *fd_ret, Dwarf **ret)
{
	int fd = open(vmlinux, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kx_error_os(errno, vmlinux, "opening the kernel debuginfo");
	Dwarf *dw = dwarf_begin(fd, DWARF_C_READ);
	if (!dw) {
		close(fd);
		return kx_error_file(KX_ERROR_CORRUPT, vmlinux, "no DWARF debug information (%s)",
				     dwarf_errmsg(-1));
	}
	*fd_ret = fd;
	*ret = dw;
	return NULL;
}

struct kx_error *kx_erase_build(const struct kx_erase_conf *conf, const char *vmlinux,
				const struct kx_vmcore *vm, const struct kx_root *root,
				struct kx_erase_map **ret, struct kx_erase_skips *skips_ret)
{
	*skips_ret = (struct kx_erase_skips){ 0 };
	KX_CHECK(vm->vtop, KX_ERROR_UNSUPPORTED,
		 "--config needs the dead kernel's page tables, and this vmcore has no usable VMCOREINFO");
	struct ctx c = { .vm = vm, .root = root,
			 .kernel_slide = vm->vi ? vm->vi->kernel_offset : 0 };
	int fd;
	KX_TRY(open_dwarf(vmlinux, &fd, &c.kernel_dw));
	struct kx_module_debuginfo *di = NULL;
	struct kx_error *err = kx_erase_map_create(&c.map);
	if (!err)
		err = run_all(&c, conf, &di, skips_ret);
	kx_module_debuginfo_destroy(di);
	dwarf_end(c.kernel_dw);
	close(fd);
	if (err) {
		kx_erase_map_destroy(c.map);
		return err;
	}
	*ret = c.map;
	return NULL;
}
