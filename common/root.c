// SPDX-License-Identifier: GPL-2.0-only
// The root prefix: see root.h.
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"
#include "root.h"

struct kx_error *kx_root_init(struct kx_root *root, const char *prefix)
{
	root->prefix = NULL;
	if (!prefix || !*prefix)
		return NULL;
	size_t len = strlen(prefix);
	while (len > 1 && prefix[len - 1] == '/')
		len--;
	// "/" alone is the real root too.
	if (len == 1 && prefix[0] == '/')
		return NULL;
	root->prefix = strndup(prefix, len);
	return root->prefix ? NULL : &kx_enomem;
}

void kx_root_deinit(struct kx_root *root)
{
	free(root->prefix);
	root->prefix = NULL;
}

struct kx_error *kx_root_path(const struct kx_root *root, const char *path, char **ret)
{
	if (path[0] != '/')
		return kx_error_create(KX_ERROR_INVALID_ARG,
				       "%s: system path is not absolute", path);
	const char *prefix = root && root->prefix ? root->prefix : "";
	size_t n = strlen(prefix) + strlen(path) + 1;
	char *s = malloc(n);
	if (!s)
		return &kx_enomem;
	snprintf(s, n, "%s%s", prefix, path);
	*ret = s;
	return NULL;
}

struct kx_error *kx_root_open(const struct kx_root *root, const char *path,
			      int flags, int *ret_fd)
{
	char *full;
	KX_TRY(kx_root_path(root, path, &full));
	int fd = open(full, flags | O_CLOEXEC);
	if (fd < 0) {
		struct kx_error *err = kx_error_os(errno, full, "cannot open");
		free(full);
		return err;
	}
	free(full);
	*ret_fd = fd;
	return NULL;
}

struct kx_error *kx_root_read_file(const struct kx_root *root, const char *path,
				   size_t max_size, char **ret_buf, size_t *ret_size)
{
	char *full;
	KX_TRY(kx_root_path(root, path, &full));
	struct kx_error *err = NULL;
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = kx_error_os(errno, full, "cannot open");
		goto out;
	}
	size_t size;
	err = kx_io_slurp(fd, max_size, full, ret_buf, &size);
	close(fd);
	if (!err && ret_size)
		*ret_size = size;
out:
	free(full);
	return err;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// strtoull() accepts a sign and leading spaces and saturates silently, so
// the digits are checked here before trusting it.
static struct kx_error *parse_u64(const char *text, const char *what, uint64_t *ret)
{
	const char *p = text;
	while (is_space(*p))
		p++;
	int base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	const char *digits = base == 16 ? "0123456789abcdefABCDEF" : "0123456789";
	size_t n = strspn(p, digits);
	const char *end = p + n;
	while (is_space(*end))
		end++;
	if (n == 0 || *end != '\0')
		return kx_error_file(KX_ERROR_CORRUPT, what,
				     "expected one unsigned number, found \"%.40s\"", text);
	errno = 0;
	unsigned long long v = strtoull(p, NULL, base);
	if (errno == ERANGE)
		return kx_error_file(KX_ERROR_OVERFLOW, what,
				     "number does not fit in 64 bits");
	*ret = v;
	return NULL;
}

struct kx_error *kx_root_read_u64(const struct kx_root *root, const char *path,
				  uint64_t *ret)
{
	char *buf;
	// Such files hold one line; anything bigger is not the file we expect.
	KX_TRY(kx_root_read_file(root, path, 4096, &buf, NULL));
	char *full = NULL;
	struct kx_error *err = kx_root_path(root, path, &full);
	if (!err)
		err = parse_u64(buf, full, ret);
	free(full);
	free(buf);
	return err;
}

bool kx_root_exists(const struct kx_root *root, const char *path)
{
	char *full;
	struct kx_error *err = kx_root_path(root, path, &full);
	if (err) {
		kx_error_destroy(err);
		return false;
	}
	struct stat st;
	bool exists = stat(full, &st) == 0;
	free(full);
	return exists;
}
