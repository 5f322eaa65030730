// SPDX-License-Identifier: GPL-2.0-only
// `kdumpctl propagate`: see propagate.h.
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "propagate.h"
#include "root.h"
#include "runner.h"

// The short name inside this file.
#define say kx_commands_say

// Run @p argv; false (having said why) when it cannot start or fails.
static bool run(const struct kx_kdumpctl *ctx, char *const argv[])
{
	int status = -1;
	struct kx_error *err = ctx->runner->run(ctx->runner, argv, NULL, &status);
	if (err) {
		say(ctx, "%s", err->message);
		kx_error_destroy(err);
		return false;
	}
	return status == 0;
}

// The key exists, or ssh-keygen made it. @p full is the key under the root.
static bool ensure_key(const struct kx_kdumpctl *ctx, const char *key, char *full)
{
	if (kx_root_exists(ctx->root, key)) {
		say(ctx, "Using existing keys...");
		return true;
	}
	say(ctx, "Generating new ssh keys... ");
	char *argv[] = { "ssh-keygen", "-t", "rsa", "-f", full, "-N", "", NULL };
	if (!run(ctx, argv)) {
		say(ctx, "Failed to generate ssh key %s", key);
		return false;
	}
	say(ctx, "done.");
	return true;
}

// ssh-copy-id, then upstream's verdict. @p target is `user@host`.
static bool copy_id(const struct kx_kdumpctl *ctx, const char *key, char *full,
		    const char *target)
{
	const char *at = strchr(target, '@');
	const char *host = at ? at + 1 : target;
	char *argv[] = { "ssh-copy-id", "-i", full, (char *)(uintptr_t)target, NULL };
	if (!run(ctx, argv)) {
		say(ctx, "Failed to propagate ssh key, could not transfer %s to %s", key, host);
		return false;
	}
	say(ctx, "%s has been added to ~%.*s/.ssh/authorized_keys on %s", key,
	    at ? (int)(at - target) : 0, target, host);
	return true;
}

int kx_propagate_run(const struct kx_kdumpctl *ctx, const struct kx_conf_settings *s)
{
	if (s->target_kind != KX_CONF_TARGET_SSH) {
		say(ctx, "No ssh destination defined in %s.", KX_CONF_PATH);
		say(ctx, "Please verify that %s contains 'ssh <user>@<host>' and that it is "
			 "properly formatted.", KX_CONF_PATH);
		return KX_KDUMPCTL_FAILED;
	}
	char *full;
	struct kx_error *err = kx_root_path(ctx->root, s->sshkey, &full);
	if (err) {
		say(ctx, "%s", err->message);
		kx_error_destroy(err);
		return KX_KDUMPCTL_FAILED;
	}
	bool ok = ensure_key(ctx, s->sshkey, full) && copy_id(ctx, s->sshkey, full, s->target);
	free(full);
	return ok ? KX_KDUMPCTL_OK : KX_KDUMPCTL_FAILED;
}
