#pragma once

#include <sodium.h>

#include "bm-backup.h"

G_BEGIN_DECLS

/* For bm-backup*.c only. */
#define BM_BACKUP_CODE_CHARS 30          /* 6 groups of 5 base32: 150 bits */
/* The code carries 150 random bits: Argon2id only has to make the key
 * derivation cost something, so the interactive limits (64 MiB) do; a
 * replacement station with little memory can still restore. */
#define BM_BACKUP_OPSLIMIT   crypto_pwhash_OPSLIMIT_INTERACTIVE
#define BM_BACKUP_MEMLIMIT   crypto_pwhash_MEMLIMIT_INTERACTIVE

struct _BmBackupKey {
  guint8  public_key[crypto_box_PUBLICKEYBYTES];
  guint8  salt[crypto_pwhash_SALTBYTES];
  guint64 opslimit;
  gsize   memlimit;
  char   *id;
};

char     *bm_backup_key_id_for      (const guint8  public_key[crypto_box_PUBLICKEYBYTES]);
gboolean  bm_backup_derive_keypair  (const char   *code,
                                     const guint8 *salt,
                                     guint64       opslimit,
                                     gsize         memlimit,
                                     guint8        public_key[crypto_box_PUBLICKEYBYTES],
                                     guint8        secret_key[crypto_box_SECRETKEYBYTES],
                                     GError      **error);

G_END_DECLS
