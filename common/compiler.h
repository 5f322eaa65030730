/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file compiler.h
 * The few compiler extensions the suite allows itself, each with a plain-C11
 * fallback so that any conforming compiler still builds the code.
 */
#ifndef KX_COMPILER_H
#define KX_COMPILER_H

#if defined(__GNUC__) || defined(__clang__)
#define KX_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#define KX_MUST_CHECK __attribute__((warn_unused_result))
#define KX_UNUSED __attribute__((unused))
/* Lets GCC see that an error constructor never returns NULL, which removes
 * false maybe-uninitialized warnings on out-parameters after KX_TRY. */
#define KX_RETURNS_NONNULL __attribute__((returns_nonnull))
#else
#define KX_PRINTF(fmt, first)
#define KX_MUST_CHECK
#define KX_UNUSED
#define KX_RETURNS_NONNULL
#endif

/** Number of elements of a true array. */
#define KX_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* KX_COMPILER_H */
