// SPDX-License-Identifier: GPL-2.0-only
// makedumpfile.conf(5) parsing: statements and line-numbered errors.
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "erase_conf.h"
#include "test_util.h"

static struct kx_error *parse(const char *text, struct kx_erase_conf **ret)
{
	return kx_erase_conf_parse("filter.conf", text, strlen(text), ret);
}

static void test_commands(void **state)
{
	(void)state;
	struct kx_erase_conf *c;
	assert_kx_ok(parse("# comment\n"
			   "erase array_var\n"
			   "[mymodule]\n"
			   "erase mystruct1.buffer size 25   # trailing\n"
			   "\terase mystruct1.addr1 nullify\n"
			   "erase mystruct1.addr2 size 1k\n"
			   "erase mystruct2.addr size mystruct2.addr_size", &c));
	assert_int_equal(c->nstmts, 5);
	assert_string_equal(c->stmts[0].module, "vmlinux");
	assert_int_equal(c->stmts[0].cmds[0].kind, KX_ERASE_SIZE_AUTO);
	assert_int_equal(c->stmts[0].line, 2);
	const struct kx_erase_cmd *b = &c->stmts[1].cmds[0];
	assert_string_equal(c->stmts[1].module, "mymodule");
	assert_int_equal(b->line, 4);
	assert_int_equal(b->kind, KX_ERASE_SIZE_VALUE);
	assert_int_equal(b->size, 25);
	assert_int_equal(b->target.nparts, 2);
	assert_string_equal(b->target.parts[1], "buffer");
	assert_int_equal(c->stmts[2].cmds[0].kind, KX_ERASE_NULLIFY);
	assert_int_equal(c->stmts[3].cmds[0].size, 1024);
	const struct kx_erase_cmd *e = &c->stmts[4].cmds[0];
	assert_int_equal(e->kind, KX_ERASE_SIZE_EXPR);
	assert_string_equal(e->size_expr.text, "mystruct2.addr_size");
	kx_erase_conf_destroy(c);
}

static void test_loops(void **state)
{
	(void)state;
	struct kx_erase_conf *c;
	assert_kx_ok(parse("for mys1 in mystruct1 via next\n"
			   "  erase mys1.private\n"
			   "  erase mys1.key size mys1.key_size\n"
			   "endfor\n"
			   "for e in s1_list_head.next within s1:list\n"
			   "  erase e.key nullify\n"
			   "endfor\n"
			   "for a in myarray\n erase a.private size 2M\nendfor\n", &c));
	assert_int_equal(c->nstmts, 3);
	assert_int_equal(c->stmts[0].loop, KX_ERASE_LOOP_VIA);
	assert_string_equal(c->stmts[0].via, "next");
	assert_int_equal(c->stmts[0].ncmds, 2);
	assert_int_equal(c->stmts[0].cmds[1].line, 3);
	assert_int_equal(c->stmts[1].loop, KX_ERASE_LOOP_WITHIN);
	assert_string_equal(c->stmts[1].struct_name, "s1");
	assert_string_equal(c->stmts[1].member, "list");
	assert_string_equal(c->stmts[1].list.text, "s1_list_head.next");
	assert_int_equal(c->stmts[2].loop, KX_ERASE_LOOP_ARRAY);
	assert_int_equal(c->stmts[2].cmds[0].size, 2 * 1024 * 1024);
	kx_erase_conf_destroy(c);
}

static void expect_error(const char *text, const char *msg)
{
	struct kx_erase_conf *c = NULL;
	assert_kx_err(parse(text, &c), KX_ERROR_CORRUPT, msg);
	assert_null(c);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("erase\n", "filter.conf:1: expected kernel symbol after 'erase'");
	expect_error("\nerase a size 0\n", "filter.conf:2: size value must be positive");
	expect_error("erase a size -3\n", "filter.conf:1: invalid size '-3'");
	expect_error("erase a size 5G\n", "filter.conf:1: invalid size '5G'");
	expect_error("erase a size 99999999999999999999\n", "filter.conf:1: invalid size");
	expect_error("erase a size\n", "filter.conf:1: expected size value or symbol");
	expect_error("erase a.b..c\n", "filter.conf:1: invalid symbol 'a.b..c'");
	expect_error("erase 9a\n", "filter.conf:1: invalid symbol '9a'");
	expect_error("erase a nullify x\n", "filter.conf:1: Invalid token 'x'");
	expect_error("erase a bogus\n", "filter.conf:1: Invalid token 'bogus'");
	expect_error("wipe a\n", "filter.conf:1: Invalid token 'wipe'");
	expect_error("[mod\n", "filter.conf:1: Invalid module section entry");
	expect_error("[]\n", "filter.conf:1: Invalid module section entry");
	expect_error("for\n", "filter.conf:1: expected iteration VAR entry after 'for'");
	expect_error("for x on y\n", "filter.conf:1: expected token 'in'");
	expect_error("for x in\n", "filter.conf:1: expected list symbol after 'in'");
	expect_error("for x in y via\n", "filter.conf:1: expected member name after 'via'");
	expect_error("for x in y within s\n", "filter.conf:1: Use 'within' keyword");
	expect_error("for x in y within s:\n", "filter.conf:1: expected list_head member after ':'");
	expect_error("for x in y within s:l z\n", "filter.conf:1: Invalid token found after 'within'");
	expect_error("for x in y\nerase y.a\nendfor\n",
		     "filter.conf:2: erase inside the loop must start with its variable 'x'");
	expect_error("for x in y\n\nendfor\n", "filter.conf:3: unused iteration variable 'x'");
	expect_error("endfor\n", "filter.conf:1: 'endfor' without 'for'");
	expect_error("erase a\nfor x in y\nerase x.a\n", "filter.conf:2: No matching 'endfor' found");
	expect_error("for x in y\nfor z in w\n", "filter.conf:2: 'for' inside the loop of line 1");
	expect_error("for x in y\n[m]\n", "filter.conf:2: No matching 'endfor'");
	struct kx_erase_conf *c = NULL;
	assert_kx_err(kx_erase_conf_parse("filter.conf", "erase a\nerase b\0\n", 16, &c),
		      KX_ERROR_CORRUPT, "filter.conf:2: NUL byte");
	expect_error("erase a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r\n", "more than 16 members");
}

static void test_limits(void **state)
{
	(void)state;
	static char big[KX_ERASE_CONF_MAX_LINE + 16];
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "erase ", 6);
	expect_error(big, "filter.conf:1: line longer than 4096 bytes");
	char ident[300] = "erase ";
	memset(ident + 6, 'b', 256);
	expect_error(ident, "filter.conf:1: invalid symbol");
	struct kx_erase_conf *c;
	assert_kx_err(kx_erase_conf_load("/nonexistent/filter.conf", &c), KX_ERROR_OS,
		      "/nonexistent/filter.conf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_loops),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
	};
	KX_RUN_TESTS(tests);
}
