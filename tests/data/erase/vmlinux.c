// SPDX-License-Identifier: GPL-2.0-only
// Kernel-like globals for the --config tests: linked at kernel-image
// addresses (tests/cli/makedumpfile-erase.sh), their DWARF is what
// makedumpfile -x reads, and their .data is copied into a synthetic vmcore.
// Offsets the test expects (x86_64): struct cred_like: secret 0, key 8,
// blob 40, blob_len 48, name 56; struct node: next 0, list 8, priv 24.
struct list_head {
	struct list_head *next, *prev;
};

struct cred_like {
	char *secret;
	char key[32];
	void *blob;
	long blob_len;
	const char *name;
};

struct node {
	struct node *next;
	struct list_head list;
	char priv[8];
};

char secret_text[32] = "hunter2-password";
char blob_data[64] = "0123456789012345678901234567890123456789-kept";
char plain_array[16] = "abcdefghijklmno";
const char name_text[8] = "cred";

struct cred_like cred = {
	secret_text, "KEYKEYKEYKEYKEYKEYKEYKEYKEYKEYK", blob_data, 40, name_text,
};

extern struct node n1, n2;
struct list_head head = { &n1.list, &n2.list };
struct node n1 = { &n2, { &n2.list, &head }, "priv-n1" };
struct node n2 = { 0, { &head, &n1.list }, "priv-n2" };
struct node *nodes[3] = { &n2, 0, &n1 };

void _start(void)
{
}
