/* The online-field allow-list (docs/online-fields.md): the only fields the
 * candidate fills in on the 网报 site that this program keeps. Anything
 * else the server sends, above all the 通讯地址, 收件人 and 邮政编码 the seed
 * forbids collecting (三.4), is dropped on arrival, never stored, never
 * printed. */
#pragma once

#include <json-glib/json-glib.h>

#include "bm-code-table.h"
#include "bm-field-limits.h"

G_BEGIN_DECLS

typedef struct {
  const char   *key;         /* the 网报 field name, as the server sends it */
  const char   *label;       /* N_(): for the screen, translate with _() */
  const char   *form_label;  /* the official Chinese label printed on the 校对表 */
  guint         max_chars;
  BmFieldClass  klass;
  int           code_table;  /* a BmCodeTable the value is a code of, or -1 */
} BmOnlineField;

/* The list in its documented (and printed) order. */
const BmOnlineField *bm_online_fields        (guint        *n_fields);
/* NULL when @key is not on the list. */
const BmOnlineField *bm_online_field_lookup  (const char   *key);
/* Checks one value of an allowed field: its limit, its character class and,
 * for a coded field, that the code is in its table. Returns it in NFC. */
char                *bm_online_field_check   (const BmOnlineField *field,
                                              const char   *value,
                                              GError      **error);
/* The printed text of a value: a code's official name, else the value. */
const char          *bm_online_field_display (const BmOnlineField *field,
                                              const char   *value);
/* What a server change may keep: allowed keys whose value passes
 * bm_online_field_check. Keys not on the list are added to @dropped, allowed
 * ones with a bad value to @refused (names only, never values). */
JsonObject          *bm_online_fields_filter (JsonObject   *fields,
                                              GStrvBuilder *dropped,
                                              GStrvBuilder *refused);
/* A stored online_fields text with every key not on the list removed
 * (for stores written before the list); NULL stays NULL. */
char                *bm_online_fields_scrub  (const char   *stored);

G_END_DECLS
