// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch.h"
#include "test_util.h"

// Every descriptor must be complete and self-consistent: this is the
// checklist of arch.h, enforced.
static void test_every_arch_is_complete(void **state)
{
	(void)state;
	size_t n = 0;
	for (size_t i = 0; kx_arches[i]; i++, n++) {
		const struct kx_arch *a = kx_arches[i];
		assert_non_null(a->name);
		assert_true(a->elf_machine != 0);
		assert_int_equal(a->kexec_arch, (uint32_t)a->elf_machine << 16);
		assert_int_equal(a->pointer_size, 8);
		assert_true(a->default_page_size >= 4096);
		assert_int_equal(a->default_page_size & (a->default_page_size - 1), 0);
		assert_true(a->command_line_size >= 256);
		assert_ptr_equal(kx_arch_by_name(a->name), a);
		assert_ptr_equal(kx_arch_by_elf_machine(a->elf_machine), a);
		for (size_t j = 0; kx_arches[j]; j++)
			if (j != i)
				assert_int_not_equal(kx_arches[j]->elf_machine, a->elf_machine);
	}
	assert_int_equal(n, 2);
}

static void test_known_values(void **state)
{
	(void)state;
	const struct kx_arch *la = kx_arch_by_name("loongarch64");
	assert_non_null(la);
	assert_int_equal(la->kexec_arch, 0x1020000);
	assert_int_equal(la->elf_machine, 258);
	assert_int_equal(la->default_page_size, 16384);
	assert_int_equal(la->command_line_size, 4096);
	const struct kx_arch *x = kx_arch_by_name("amd64");
	assert_ptr_equal(x, &kx_arch_x86_64);
	assert_int_equal(x->kexec_arch, 0x3e0000);
	assert_int_equal(x->command_line_size, 2048);
	assert_null(kx_arch_by_name("aarch64"));
	assert_null(kx_arch_by_elf_machine(183));
}

static void test_host_is_known(void **state)
{
	(void)state;
	const struct kx_arch *h = kx_arch_host();
	assert_non_null(h);
	assert_string_equal(h->name, KX_HOST_ARCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_arch_is_complete),
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_host_is_known),
	};
	KX_RUN_TESTS(tests);
}
