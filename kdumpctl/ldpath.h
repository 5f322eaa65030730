/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file ldpath.h
 * The directories the dynamic linker searches: those of /etc/ld.so.conf and
 * the files it includes (`include <glob>`, relative to /etc, nested up to 8
 * deep), then the built-in /lib64 /usr/lib64 /lib /usr/lib. `hwcap` lines
 * are ignored (glibc 2.37 dropped them); `#` starts a comment; names may be
 * separated by blanks, ':' or ','. A missing ld.so.conf is no error.
 */
#ifndef KX_KDUMPCTL_LDPATH_H
#define KX_KDUMPCTL_LDPATH_H

#include "error.h"
#include "notes.h"

struct kx_root;

/**
 * Read the search list under @p root.
 * @param[out] ret initialized here; system paths, no duplicates, in order.
 */
struct kx_error *kx_ldpath_read(const struct kx_root *root, struct kx_notes *ret);

#endif /* KX_KDUMPCTL_LDPATH_H */
