/* sealed: the sealed outbox's bytes (doc/PROTOCOL.md section 7a), the one
 * format the laptop writes and the city server opens.  A final record's
 * JSON and each of its photos are sealed to the city's X25519 public key
 * (libsodium crypto_box_seal: an ephemeral key pair per box), so a laptop
 * can hold and send them without its clerk's password but cannot read
 * them back; only the holder of the city's secret key (`sigacor-server
 * keygen`) can.
 *
 *   record: "SGSR1" || crypto_box_seal(record JSON)
 *   photo:  "SGSP1" || crypto_box_seal(stream key[32] || SHA-256[32] ||
 *           size[8, little-endian]) || secretstream header[24] || chunks:
 *           crypto_secretstream_xchacha20poly1305 over 64 KiB pieces of the
 *           JPEG, the last tagged FINAL.  The size fixes every chunk's
 *           length, so a file cut short, lengthened or reordered is refused;
 *           the server checks the opened bytes against the SHA-256 as for
 *           any photo.  Memory stays one chunk at either end. */
#ifndef SIGACOR_SEALED_H
#define SIGACOR_SEALED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEALED_KEY_BYTES 32
#define SEALED_KEY_HEX 64                    /* the public key as lower-case hex */
#define SEALED_CHUNK (64 * 1024)
#define SEALED_TYPE "application/octet-stream"
/* what sealing adds to a record's JSON */
#define SEALED_RECORD_OVERHEAD (5 + 48)

/* 64 lower-case hex digits into key; false otherwise */
bool sealed_key_parse(const char *hex, unsigned char key[SEALED_KEY_BYTES]);
void sealed_key_hex(const unsigned char key[SEALED_KEY_BYTES], char hex[SEALED_KEY_HEX + 1]);

/* The record's JSON sealed (malloc'd, *len bytes), or NULL (no memory). */
unsigned char *sealed_record_seal(const char *json, const unsigned char pk[SEALED_KEY_BYTES],
	size_t *len);
/* The JSON inside (malloc'd, NUL-terminated), or NULL: not sealed to this
 * key pair, changed, cut, or not a sealed record. */
char *sealed_record_open(const unsigned char *in, size_t len,
	const unsigned char pk[SEALED_KEY_BYTES], const unsigned char sk[SEALED_KEY_BYTES]);

/* Seal the size bytes read from in_fd (a JPEG of SHA-256 sha256_hex) into
 * out_fd; false on a read or write failure or when in_fd held another
 * number of bytes. */
bool sealed_photo_seal(int in_fd, int out_fd, const char *sha256_hex, int64_t size,
	const unsigned char pk[SEALED_KEY_BYTES]);
/* The same from the len clear bytes at data (a keyed profile's photo,
 * store_photo_bytes): never a clear temp file. */
bool sealed_photo_seal_buffer(const unsigned char *data, size_t len, int out_fd,
	const char *sha256_hex, const unsigned char pk[SEALED_KEY_BYTES]);

/* Opening a sealed photo as its bytes arrive: feed what came, the clear
 * bytes go to on_clear (on_head first, once, with the SHA-256 and size the
 * sealer named; either returning false stops it).  end: true only when
 * the whole photo arrived, every chunk authentic, the last FINAL. */
struct sealed_photo_in;
struct sealed_photo_sink {
	bool (*on_head)(void *ctx, const char *sha256_hex, int64_t size);
	bool (*on_clear)(void *ctx, const unsigned char *data, size_t len);
	void *ctx;
};
struct sealed_photo_in *sealed_photo_in_new(const unsigned char pk[SEALED_KEY_BYTES],
	const unsigned char sk[SEALED_KEY_BYTES], const struct sealed_photo_sink *sink);
/* false: the bytes are not a sealed photo of this key (or a sink refused);
 * feed nothing more */
bool sealed_photo_in_feed(struct sealed_photo_in *in, const void *data, size_t len);
bool sealed_photo_in_end(struct sealed_photo_in *in);
void sealed_photo_in_free(struct sealed_photo_in *in);

#endif
