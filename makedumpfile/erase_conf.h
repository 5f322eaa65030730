/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file erase_conf.h
 * The filter configuration of --config (makedumpfile.conf(5)), parsed into
 * statements without looking at any kernel: which data to erase, named by
 * symbol expressions that erase_dwarf.h later resolves.
 *
 * Grammar (one command per line, '#' starts a comment):
 *
 *     [module]
 *     erase EXPR [size N[K|M] | size EXPR | nullify]
 *     for ID in EXPR [via MEMBER | within STRUCT:MEMBER]
 *         erase ID[.member...] [size N[K|M] | size EXPR | nullify]
 *     endfor
 *
 * EXPR is `symbol[.member...]`. The file is untrusted: every error names
 * the file and line ("filter.conf:3: ...").
 */
#ifndef KX_ERASE_CONF_H
#define KX_ERASE_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum {
	/** Longest line, identifier and member chain accepted. */
	KX_ERASE_CONF_MAX_LINE = 4096,
	KX_ERASE_CONF_MAX_IDENT = 255,
	KX_ERASE_CONF_MAX_MEMBERS = 16,
	/** Largest file read (upstream's are a few lines). */
	KX_ERASE_CONF_MAX_FILE = 1024 * 1024,
};

/** `symbol[.member...]`: parts[0] is the symbol (or a loop variable). */
struct kx_erase_expr {
	char *text;           /**< as written, for messages and eraseinfo */
	char *parts[KX_ERASE_CONF_MAX_MEMBERS + 1];
	size_t nparts;
};

enum kx_erase_size_kind {
	KX_ERASE_SIZE_AUTO,    /**< the size of the target's type (strlen for char *) */
	KX_ERASE_SIZE_VALUE,   /**< size N */
	KX_ERASE_SIZE_EXPR,    /**< size EXPR: an integer read from the dump */
	KX_ERASE_NULLIFY,      /**< set the pointer to NULL */
};

/** One `erase` line. */
struct kx_erase_cmd {
	unsigned int line;
	struct kx_erase_expr target;
	enum kx_erase_size_kind kind;
	uint64_t size;                 /**< KX_ERASE_SIZE_VALUE */
	struct kx_erase_expr size_expr; /**< KX_ERASE_SIZE_EXPR */
};

enum kx_erase_loop_kind {
	KX_ERASE_LOOP_NONE,    /**< a lone erase command */
	KX_ERASE_LOOP_ARRAY,   /**< for ID in ARRAY */
	KX_ERASE_LOOP_VIA,     /**< for ID in STRUCTVAR via NEXT */
	KX_ERASE_LOOP_WITHIN,  /**< for ID in LISTHEAD within STRUCT:MEMBER */
};

/** A lone erase command, or a loop with its commands. */
struct kx_erase_stmt {
	unsigned int line;
	/** The [section] it is in ("vmlinux" when none was given). */
	const char *module;
	enum kx_erase_loop_kind loop;
	char *iter;                  /**< loop variable */
	struct kx_erase_expr list;   /**< what the loop walks */
	char *via;                   /**< KX_ERASE_LOOP_VIA: the next member */
	char *struct_name, *member;  /**< KX_ERASE_LOOP_WITHIN */
	struct kx_erase_cmd *cmds;
	size_t ncmds;
};

struct kx_erase_conf {
	char *path;
	struct kx_erase_stmt *stmts;
	size_t nstmts;
	/** Section names, owned here; statements point into it. */
	char **modules;
	size_t nmodules;
};

/**
 * Parse @p size bytes of @p text (need not be NUL-terminated); @p path
 * names the file in messages.
 * @return NULL; KX_ERROR_CORRUPT "PATH:LINE: what" for a malformed line;
 *         &kx_enomem.
 */
struct kx_error *kx_erase_conf_parse(const char *path, const char *text, size_t size,
				     struct kx_erase_conf **ret);

/** Read and parse the file @p path. Errors as kx_erase_conf_parse() and of reading. */
struct kx_error *kx_erase_conf_load(const char *path, struct kx_erase_conf **ret);

/** Free @p conf. NULL is accepted. */
void kx_erase_conf_destroy(struct kx_erase_conf *conf);

#endif /* KX_ERASE_CONF_H */
