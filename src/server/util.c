/* util: small helpers of the server. */
#include "config.h"
#include "server.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wilayah.h"

void util_hex(const unsigned char *bytes, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

int64_t util_now(void)
{
	return (int64_t)time(NULL);
}

const char *util_kelurahan(const char *code)
{
	const struct wilayah_kelurahan *k = code != NULL ? wilayah_kelurahan_find(code) : NULL;
	return k != NULL ? k->code : NULL;
}

bool util_parse_options(int argc, char **argv, const struct command_option *list,
	int n_args, const char **args)
{
	struct option getopt_list[COMMAND_OPTIONS_MAX + 1];
	size_t n = 0;
	for (; list[n].name != NULL; n++) {
		assert(n < COMMAND_OPTIONS_MAX && (list[n].text == NULL) != (list[n].flag == NULL));
		getopt_list[n] = (struct option){ list[n].name,
			list[n].text != NULL ? required_argument : no_argument, NULL, (int)n + 1 };
	}
	getopt_list[n] = (struct option){ NULL, 0, NULL, 0 };
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", getopt_list, NULL)) != -1) {
		if (ch < 1 || (size_t)ch > n)
			return false;           /* getopt said which option */
		const struct command_option *o = &list[ch - 1];
		if (o->text != NULL)
			*o->text = optarg;
		else
			*o->flag = true;
	}
	for (size_t i = 0; i < n; i++)
		if (list[i].required != NULL && *list[i].text == NULL) {
			fprintf(stderr, "sigacor-server: %s\n", _(list[i].required));
			return false;
		}
	if (argc - optind != n_args)
		return false;
	for (int i = 0; i < n_args; i++)
		args[i] = argv[optind + i];
	return true;
}

bool util_parse_count(const char *text, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool util_sha256_init(struct util_sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		ctx = NULL;
	}
	h->ctx = ctx;
	return ctx != NULL;
}

void util_sha256_update(struct util_sha256 *h, const void *data, size_t len)
{
	if (h->ctx != NULL && EVP_DigestUpdate(h->ctx, data, len) != 1)
		util_sha256_end(h);     /* final then fails: no digest of part of it */
}

bool util_sha256_final(struct util_sha256 *h, char hex[65])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	bool ok = h->ctx != NULL && EVP_DigestFinal_ex(h->ctx, digest, &n) == 1 && n == 32;
	util_sha256_end(h);
	if (ok)
		util_hex(digest, 32, hex);
	else
		hex[0] = '\0';
	return ok;
}

void util_sha256_end(struct util_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}
