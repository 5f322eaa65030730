// SPDX-License-Identifier: GPL-2.0-only
// A kernel module for the [MODULE] tests of --config: compiled to a
// relocatable object (kx_testmod.ko) whose DWARF makedumpfile reads once
// relocated to the section addresses of tests/data/erase/vmlinux.c.
struct mod_cred {
	char user[16];
	char token[24];
	long n;
};

struct mod_cred mod_cred = { "modroot", "tok-tok-tok-tok-tok-tok", 7 };
struct mod_key {
	char k[8];
} mod_keys[4] = { { "key0-aa" }, { "key1-bb" }, { "key2-cc" }, { "key3-dd" } };
char mod_bss_secret[32];

long mod_func(void)
{
	return mod_cred.n + mod_bss_secret[0];
}
