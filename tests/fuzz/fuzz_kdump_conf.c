// SPDX-License-Identifier: GPL-2.0-only
// Fuzz the kdump.conf reader (kdumpctl/conf): parse, then validate as
// kdumpctl does (the sshkey check looks under a fake root, never /).
#include "config.h"

#include <stdio.h>

#include "conf.h"
#include "fuzz_util.h"
#include "notes.h"
#include "root.h"

static struct kx_root fuzz_root;
static bool have_root;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char path[4096];
	snprintf(path, sizeof(path), "%s/roots/x86_64-16g-kdump", fuzz_test_data());
	struct kx_error *err = kx_root_init(&fuzz_root, path);
	have_root = !err;
	fuzz_drop(err);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_conf *conf;
	struct kx_error *err = kx_conf_parse((const char *)data, size, "fuzz.conf", &conf);
	if (err) {
		fuzz_drop(err);
		return 0;
	}
	(void)kx_conf_get(conf, "path");
	(void)kx_conf_get(conf, "core_collector");
	if (have_root) {
		struct kx_notes warnings;
		struct kx_conf_settings s;
		kx_notes_init(&warnings);
		fuzz_drop(kx_conf_validate(conf, &fuzz_root, "fuzzhost", &warnings, &s));
		kx_notes_deinit(&warnings);
	}
	kx_conf_destroy(conf);
	return 0;
}
