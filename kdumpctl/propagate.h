/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file propagate.h
 * `kdumpctl propagate`: install the ssh key for an ssh dump target.
 *
 * The key is `sshkey` (default /root/.ssh/kdump_id_rsa), a system path read
 * and handed to the tools through the root prefix. An existing key is used
 * (`Using existing keys...`); otherwise `Generating new ssh keys... `, then
 * `ssh-keygen -t rsa -f <key> -N ""` and `done.`. Then `ssh-copy-id -i <key>
 * <user@host>` (interactive: it asks for the password), and
 * `<key> has been added to ~<user>/.ssh/authorized_keys on <host>` or
 * `Failed to propagate ssh key, could not transfer <key> to <host>`.
 * Both tools run through ctx->runner, looked up in PATH.
 */
#ifndef KX_KDUMPCTL_PROPAGATE_H
#define KX_KDUMPCTL_PROPAGATE_H

#include "commands.h"

struct kx_conf_settings;

/**
 * Propagate the key of @p s (already validated; any target kind: without
 * ssh it says `No ssh destination defined in /etc/kdump.conf.` and how to
 * write one).
 * @return the exit code: 0, or 1.
 */
int kx_propagate_run(const struct kx_kdumpctl *ctx, const struct kx_conf_settings *s);

#endif /* KX_KDUMPCTL_PROPAGATE_H */
