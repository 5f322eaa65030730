/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file conf.h
 * /etc/kdump.conf: reading (upstream's kdump_read_conf/kdump_get_conf_val
 * rules) and validation (parse_config, check_failure_action_config,
 * check_final_action_config, check_rebuild's force_* checks).
 *
 * **Reading rules**, applied to each line in order:
 *  1. everything from the first '#' on is cut, even inside quotes (so
 *     `path /var/cr#ash` is `/var/cr`);
 *  2. leading and trailing whitespace is dropped; an empty line is skipped;
 *  3. the option is the text up to the first whitespace, the value the rest
 *     with the whitespace between them dropped (it may be empty);
 *  4. a value that both starts and ends with '"' loses that one pair.
 * Lookups (kx_conf_get()) return the **last** occurrence; validation
 * rejects duplicates.
 *
 * **Validation** gives upstream's messages, unprefixed (the caller adds
 * "kdump: "), checking lines in file order and stopping at the first error:
 *  - `Invalid kdump config option <opt>` (unknown option),
 *  - `Deprecated kdump config option: <opt>. Refer to kdump.conf manpage for
 *    alternatives.` (net options link_delay disk_timeout debug_mem_level
 *    blacklist),
 *  - `Invalid kdump config value for option '<opt>'` (empty value),
 *  - `More than one dump targets specified`,
 *  - `Duplicated kdump config value of option <opt>`,
 *  - `Multiple mount targets specified in one "dracut_args".`,
 *  - then `Usage kdump.conf: failure_action {reboot|halt|poweroff|shell|dump_to_rootfs}`
 *    (or `default` when that spelling was used),
 *    `Usage kdump.conf: final_action {reboot|halt|poweroff}`,
 *    `Bad ssh dump target <v>` (mkdumprd's check: no '@'),
 *    `Option fence_kdump_nodes cannot contain <host>` (this host's name),
 *    `Error: force_rebuild value is invalid`, `Error: force_no_rebuild value
 *    is invalid`, `Error: force_rebuild and force_no_rebuild are enabled
 *    simultaneously in kdump.conf`.
 * Deliberate difference: an empty target value names the option the user
 * wrote (`'ext4'`), where upstream says `'_target'`.
 * All are KX_ERROR_INVALID_ARG.
 */
#ifndef KX_KDUMPCTL_CONF_H
#define KX_KDUMPCTL_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "notes.h"

struct kx_root;

/** The shipped default path of the configuration. */
#define KX_CONF_PATH "/etc/kdump.conf"
/** Defaults that apply when an option is absent. */
#define KX_CONF_DEFAULT_PATH "/var/crash"
#define KX_CONF_DEFAULT_CORE_COLLECTOR "makedumpfile -l --message-level 7 -d 31"
#define KX_CONF_DEFAULT_SSHKEY "/root/.ssh/kdump_id_rsa"

/** One non-empty line after the reading rules. */
struct kx_conf_entry {
	char *option;      /**< never NULL or empty */
	char *value;       /**< never NULL; "" when the line had no value */
	unsigned int line; /**< 1-based line number */
};

/** A read configuration. Heap: kx_conf_parse()/kx_conf_read(), kx_conf_destroy(). */
struct kx_conf {
	struct kx_conf_entry *entries; /**< in file order */
	size_t count;                  /**< entries in use */
	size_t cap;                    /**< allocated entries */
};

/** What kind of dump target the configuration names. */
enum kx_conf_target {
	KX_CONF_TARGET_LOCAL = 0, /**< no target line: the root file system */
	KX_CONF_TARGET_FS,        /**< ext2/3/4, xfs, btrfs, minix, virtiofs */
	KX_CONF_TARGET_RAW,       /**< raw <dev> */
	KX_CONF_TARGET_NFS,       /**< nfs <host:/export> */
	KX_CONF_TARGET_SSH,       /**< ssh <user@host> */
	KX_CONF_TARGET_MOUNT,     /**< dracut_args --mount "<dev> <mnt> <fs>" */
};

/**
 * The validated settings. Strings point into the struct kx_conf they came
 * from (or are static defaults): valid while it lives. The exception is a
 * KX_CONF_TARGET_MOUNT target, sliced out of dracut_args: fstype and target
 * then point into this struct's own mount_fs/mount_dev, so use the struct
 * where kx_conf_validate() filled it (a copy's pointers lead back here).
 */
struct kx_conf_settings {
	enum kx_conf_target target_kind;
	const char *fstype;         /**< "ext4", "raw", "nfs", "ssh", ...; NULL for LOCAL */
	const char *target;         /**< device, host or tag; NULL for LOCAL */
	const char *path;           /**< default KX_CONF_DEFAULT_PATH */
	const char *core_collector; /**< default KX_CONF_DEFAULT_CORE_COLLECTOR */
	const char *sshkey;         /**< default KX_CONF_DEFAULT_SSHKEY */
	const char *failure_action; /**< default "reboot" */
	const char *final_action;   /**< default "reboot" */
	const char *kdump_pre;      /**< NULL when absent; likewise below */
	const char *kdump_post;
	const char *kdump_emergency;
	const char *extra_bins;
	const char *extra_modules;
	const char *dracut_args;
	const char *fence_kdump_args;
	const char *fence_kdump_nodes;
	bool force_rebuild;
	bool force_no_rebuild;
	bool auto_reset_crashkernel; /**< false only for the literal "no" */
	char mount_dev[256];        /**< MOUNT target: the device (field 1) */
	char mount_fs[64];          /**< MOUNT target: the fstype (field 3) */
};

/**
 * Apply the reading rules to @p text. Pure.
 * @param name the file's name for messages.
 * @return KX_ERROR_CORRUPT ("NAME: line N: NUL byte") for a NUL byte;
 *         KX_ERROR_NOMEM.
 */
struct kx_error *kx_conf_parse(const char *text, size_t size, const char *name,
			       struct kx_conf **ret);

/**
 * Read and parse @p path (normally KX_CONF_PATH) under @p root.
 * A missing file is KX_ERROR_OS with errnum ENOENT.
 */
struct kx_error *kx_conf_read(const struct kx_root *root, const char *path,
			      struct kx_conf **ret);

/** Free @p conf; NULL is a no-op. */
void kx_conf_destroy(struct kx_conf *conf);

/** The value of the last @p option line, or NULL when there is none. */
const char *kx_conf_get(const struct kx_conf *conf, const char *option);

/**
 * Validate (see the file comment) and fill @p ret.
 * @param hostname this machine's name for the fence_kdump_nodes check, or
 *        NULL to skip it.
 * @param root the sshkey existence check looks under it (NULL: real root).
 * @param warnings receives `WARNING: ...` lines (deprecated `default`,
 *        missing sshkey); may be NULL.
 * @return NULL, KX_ERROR_INVALID_ARG with upstream's message, KX_ERROR_NOMEM.
 */
struct kx_error *kx_conf_validate(const struct kx_conf *conf, const struct kx_root *root,
				  const char *hostname, struct kx_notes *warnings,
				  struct kx_conf_settings *ret);

#endif /* KX_KDUMPCTL_CONF_H */
