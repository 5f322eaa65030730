/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file cmdline.h
 * Kernel command-line editing: split into parameters, remove, append,
 * render, check against COMMAND_LINE_SIZE.
 *
 * **Splitting.** Parameters are separated by runs of whitespace (space, \\t,
 * \\n, \\v, \\f, \\r) outside quotes. There are no escapes: a backslash is an
 * ordinary character. Two quoting dialects exist:
 *
 * - KX_CMDLINE_QUOTE_KERNEL: exactly the kernel's next_arg() (lib/cmdline.c,
 *   kernel/params.c). Only '"' quotes, and every '"' anywhere in a parameter
 *   toggles "inside quotes", so both `a="x y"` and `"a b"` are one parameter.
 *   The name is the text before the first '=' after an opening '"' of the
 *   whole parameter; an '=' right at the start does not count (`=x` has name
 *   `=x` and no value), as in the kernel. The value is what follows that
 *   '='; when it starts with '"' that quote is dropped, and so is a final '"'
 *   of the parameter. A '"' of a parameter without '=' that opens it is
 *   dropped with its final '"'. So `dyndbg="file x.c +p"` is name `dyndbg`,
 *   value `file x.c +p`; `"a=b c"` is name `a`, value `b c`.
 *   Divergence: the kernel's isspace() also treats byte 0xa0 as space; we
 *   do not, so UTF-8 text is never split.
 * - KX_CMDLINE_QUOTE_SHELL: what kdumpctl does to KDUMP_COMMANDLINE (it
 *   tokenises xargs-style). Both '"' and '\'' quote; a region opened by one
 *   ends at the next same character, and the other one is literal inside it.
 *   Name and value are taken from the parameter with its quoting characters
 *   removed, split at the first '='. Backslashes stay literal, unlike in
 *   xargs. So `a b='x y' c` is three parameters,
 *   and removing `b` gives `a c` (kdumpctl's shellspec case); with the
 *   kernel dialect the same text is four parameters `a`, `b='x`, `y'`, `c`.
 *
 * **Unbalanced quotes** run to the end of the input, as in the kernel. The
 * missing closing quote is then added to the stored text, so the meaning of
 * the parameter is unchanged but parameters appended after it stay separate
 * when the line is rendered. (Name and value are computed from the text as
 * given; only a mid-parameter quote like `a=x"y z` reads differently once
 * closed, and only there.)
 *
 * **Rendering** joins each parameter's text as written (quotes preserved) by
 * one space: no leading or trailing space; an empty list renders as "".
 *
 * **Names** are compared exactly (byte for byte). Unlike kexec-tools'
 * remove_parameter(), which strips by prefix (so "kexec" also removes
 * kexec_file and kexec_jump_back_entry, and "initrd" removes initrdmem=),
 * removal here matches whole names only: list every name you mean. Unlike
 * the kernel's parameq(), '-' and '_' are not equivalent.
 *
 * **Size.** The kernel's COMMAND_LINE_SIZE (2048 on x86_64, 4096 on
 * LoongArch since f7794a4d92ad, 512 before) is a buffer size: it holds the
 * text *and* its trailing NUL. kx_cmdline_check_size() therefore accepts a
 * rendering of at most limit - 1 characters.
 *
 * **Input.** Text given to kx_cmdline_parse() and kx_cmdline_append() may
 * end in one "\n" (as /proc/cmdline does); it is dropped before splitting.
 */
#ifndef KX_CMDLINE_H
#define KX_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/** How quotes group parameters (see the file comment). */
enum kx_cmdline_quoting {
	KX_CMDLINE_QUOTE_KERNEL = 0, /**< '"' only, as the kernel's next_arg() */
	KX_CMDLINE_QUOTE_SHELL = 1,  /**< '"' and '\'', as kdumpctl */
};

/** One parameter. All strings are owned by the list; never NULL except value. */
struct kx_cmdline_param {
	/** The parameter as it is rendered, quotes included. */
	char *text;
	/** Name without quotes: the part before the first '='. */
	char *name;
	/** Value without quotes, "" for `foo=`, NULL when there is no '='. */
	char *value;
};

/** An editable command line. Initialise with kx_cmdline_init() or _parse(). */
struct kx_cmdline {
	enum kx_cmdline_quoting quoting;
	/** Parameters in order; @ref count of them. */
	struct kx_cmdline_param *params;
	size_t count;
	/** Allocated room in @ref params. Internal. */
	size_t cap;
};

/** Initialise @p cl as an empty command line using @p quoting. */
void kx_cmdline_init(struct kx_cmdline *cl, enum kx_cmdline_quoting quoting);

/** Free everything @p cl owns; it is then empty and can be reused. */
void kx_cmdline_deinit(struct kx_cmdline *cl);

/**
 * Initialise @p ret from @p text (one trailing "\n" dropped). Empty or
 * all-whitespace text gives an empty list.
 * @return NULL, or KX_ERROR_NOMEM (then @p ret is untouched).
 */
struct kx_error *kx_cmdline_parse(const char *text,
				  enum kx_cmdline_quoting quoting,
				  struct kx_cmdline *ret);

/**
 * Split @p text (zero or more parameters, one trailing "\n" dropped) and
 * add them at the end. On failure @p cl is unchanged.
 * @return NULL or KX_ERROR_NOMEM.
 */
struct kx_error *kx_cmdline_append(struct kx_cmdline *cl, const char *text);

/**
 * Like kx_cmdline_append(), but insert the parameters at the front (for
 * LoongArch's "kexec" prefix, for instance).
 */
struct kx_error *kx_cmdline_prepend(struct kx_cmdline *cl, const char *text);

/**
 * Add one parameter `name` or `name=value` at the end. A value containing
 * whitespace is put in double quotes (`dyndbg="file x.c +p"`).
 * @param value NULL for a bare name; "" gives `name=`.
 * @return NULL; KX_ERROR_INVALID_ARG when @p name is empty or contains
 *         whitespace, '=' or a quote, or @p value contains a quote or a
 *         newline; KX_ERROR_NOMEM.
 */
struct kx_error *kx_cmdline_append_param(struct kx_cmdline *cl,
					 const char *name, const char *value);

/** True when a parameter called @p name is present. */
bool kx_cmdline_has(const struct kx_cmdline *cl, const char *name);

/**
 * The last parameter called @p name (the one the kernel acts on for most
 * parameters), or NULL. Valid until @p cl is next modified.
 */
const struct kx_cmdline_param *kx_cmdline_find_last(const struct kx_cmdline *cl,
						    const char *name);

/** Remove every parameter called @p name. @return how many were removed. */
size_t kx_cmdline_remove(struct kx_cmdline *cl, const char *name);

/**
 * Remove every parameter whose name is in @p names, a NULL-terminated list.
 * @return how many were removed.
 */
size_t kx_cmdline_remove_names(struct kx_cmdline *cl, const char *const *names);

/**
 * Remove every parameter for which @p match returns true (kdumpctl, for
 * example, drops `foo=` parameters with an empty value). Order is kept.
 * @return how many were removed.
 */
size_t kx_cmdline_remove_if(struct kx_cmdline *cl,
			    bool (*match)(const struct kx_cmdline_param *param,
					  void *arg),
			    void *arg);

/** strlen() of the rendering of @p cl (without the trailing NUL). */
size_t kx_cmdline_length(const struct kx_cmdline *cl);

/**
 * Render @p cl as one string (see the file comment).
 * @param ret receives a malloc'ed NUL-terminated string; free() it.
 * @return NULL or KX_ERROR_NOMEM.
 */
struct kx_error *kx_cmdline_render(const struct kx_cmdline *cl, char **ret);

/**
 * Check that the rendering of @p cl and its trailing NUL fit in a buffer of
 * @p limit bytes (COMMAND_LINE_SIZE of the target kernel).
 * @return NULL, or KX_ERROR_OVERFLOW with "command line is N bytes, limit L:
 *         D too many (…)", where N counts the trailing NUL.
 */
struct kx_error *kx_cmdline_check_size(const struct kx_cmdline *cl,
				       size_t limit);

#endif /* KX_CMDLINE_H */
