/* bm-print-record.c
 *
 * A refcounted plain struct rather than a GObject: thousands of these are
 * built per batch and they carry nothing but strings.
 */
#include "bm-print-record.h"

struct _BmPrintRecord
{
  gatomicrefcount  ref;
  GHashTable      *fields;
  GHashTable      *from_card;
  GPtrArray       *online; /* label, value, label, value, ... */
  GBytes          *photo;
  char            *uuid;
};

BmPrintRecord *
bm_print_record_new (void)
{
  BmPrintRecord *self = g_new0 (BmPrintRecord, 1);

  g_atomic_ref_count_init (&self->ref);
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->from_card = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->online = g_ptr_array_new_with_free_func (g_free);
  return self;
}

BmPrintRecord *
bm_print_record_ref (BmPrintRecord *record)
{
  g_return_val_if_fail (record != NULL, NULL);
  g_atomic_ref_count_inc (&record->ref);
  return record;
}

void
bm_print_record_unref (BmPrintRecord *record)
{
  if (record == NULL || !g_atomic_ref_count_dec (&record->ref))
    return;
  g_hash_table_unref (record->fields);
  g_hash_table_unref (record->from_card);
  g_ptr_array_unref (record->online);
  g_clear_pointer (&record->photo, g_bytes_unref);
  g_free (record->uuid);
  g_free (record);
}

void
bm_print_record_set (BmPrintRecord *record,
                     const char    *key,
                     const char    *value)
{
  g_return_if_fail (record != NULL && key != NULL);
  if (value == NULL)
    g_hash_table_remove (record->fields, key);
  else
    g_hash_table_replace (record->fields, g_strdup (key), g_strdup (value));
}

const char *
bm_print_record_get (BmPrintRecord *record,
                     const char    *key)
{
  g_return_val_if_fail (record != NULL && key != NULL, NULL);
  return g_hash_table_lookup (record->fields, key);
}

const char *
bm_print_record_get_str (BmPrintRecord *record,
                         const char    *key)
{
  const char *v = bm_print_record_get (record, key);

  return v != NULL ? v : "";
}

void
bm_print_record_mark_from_card (BmPrintRecord *record,
                                const char    *key)
{
  g_return_if_fail (record != NULL && key != NULL);
  g_hash_table_add (record->from_card, g_strdup (key));
}

gboolean
bm_print_record_is_from_card (BmPrintRecord *record,
                              const char    *key)
{
  return g_hash_table_contains (record->from_card, key);
}

void
bm_print_record_set_photo (BmPrintRecord *record,
                           GBytes        *jpeg)
{
  g_clear_pointer (&record->photo, g_bytes_unref);
  if (jpeg != NULL)
    record->photo = g_bytes_ref (jpeg);
}

GBytes *
bm_print_record_get_photo (BmPrintRecord *record)
{
  return record->photo;
}

void
bm_print_record_set_uuid (BmPrintRecord *record,
                          const char    *uuid)
{
  g_free (record->uuid);
  record->uuid = g_strdup (uuid);
}

const char *
bm_print_record_get_uuid (BmPrintRecord *record)
{
  return record->uuid;
}

void
bm_print_record_add_online (BmPrintRecord *record,
                            const char    *label,
                            const char    *value)
{
  g_ptr_array_add (record->online, g_strdup (label));
  g_ptr_array_add (record->online, g_strdup (value != NULL ? value : ""));
}

guint
bm_print_record_get_n_online (BmPrintRecord *record)
{
  return record->online->len / 2;
}

void
bm_print_record_get_online (BmPrintRecord *record,
                            guint          index,
                            const char   **label,
                            const char   **value)
{
  g_return_if_fail (index < record->online->len / 2);
  *label = record->online->pdata[2 * index];
  *value = record->online->pdata[2 * index + 1];
}
