/* Numbers are never reused after a restore (issue 14). A backup knows
 * nothing of the 报名顺序号 issued after it was made: a station restored
 * from it and numbering on from its own counters would hand those numbers
 * out a second time. So a restored store holds every 科类 (table
 * numbering_holds, migration 47) and issues no number until it is told
 * where to continue: the supervisor types the last number printed on paper
 * (the registration forms, the login table), and numbering goes on after
 * it, never below what the store itself holds. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-backup.h"
#include "bm-error.h"
#include "bm-store-operators.h"
#include "bm-store-private.h"
#include "bm-sync-message.h"

gboolean
bm_store_hold_numbering (BmStore *store, const char *reason, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *now = bm_store_now_iso8601 ();
  int rc;

  stmt = bm_store_prepare (store, "INSERT OR REPLACE INTO numbering_holds (category, since, reason) "
                                  "SELECT code, ?, ? FROM categories", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, reason, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (store, rc, error);
  return TRUE;
}

gboolean
bm_store_check_numbering (BmStore *store, const char *category, const char *category_name, GError **error)
{
  g_autoptr(BmCachedStmt) stmt = bm_store_statement (store, "SELECT 1 FROM numbering_holds WHERE category = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, category, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return bm_store_set_sqlite_error (store, rc, error);
  g_set_error (error, BM_ERROR, BM_ERROR_NUMBERING_HELD,
               _("This workstation was restored from a backup and does not know the last 报名顺序号 it issued for category %s (%s), so it issues none. The supervisor types the last number printed on paper for this category (“baoming-cli numbering resume”), or sync with the provincial server."),
               category, category_name);
  return FALSE;
}

static gint64
query_int (BmStore *store, const char *sql, const char *text, gint64 fallback)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, sql, NULL);

  if (stmt == NULL)
    return fallback;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return fallback;
  return sqlite3_column_int64 (stmt, 0);
}

/* Numbering of @category goes on after @serial; the hold is dropped.
 * Inside the caller's transaction. Returns the next serial (0 when none is
 * left), -1 on error. */
static gint64
continue_after (BmStore *store, const char *category, gint64 serial, GError **error)
{
  g_autoptr(sqlite3_stmt) bump = NULL;
  g_autoptr(sqlite3_stmt) drop = NULL;
  int rc;

  /* Every slice at or below the number counts as used up to it: numbering
   * takes the lowest slice with numbers left, so all earlier ones were
   * spent. A number is wasted rather than issued twice. */
  bump = bm_store_prepare (store, "UPDATE number_slices SET next_serial = max (next_serial, min (?2, last_serial) + 1) "
                                  "WHERE category = ?1 AND first_serial <= ?2", error);
  if (bump == NULL)
    return -1;
  sqlite3_bind_text (bump, 1, category, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (bump, 2, serial);
  rc = sqlite3_step (bump);
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (store, rc, error);
      return -1;
    }
  drop = bm_store_prepare (store, "DELETE FROM numbering_holds WHERE category = ?", error);
  if (drop == NULL)
    return -1;
  sqlite3_bind_text (drop, 1, category, -1, SQLITE_STATIC);
  rc = sqlite3_step (drop);
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (store, rc, error);
      return -1;
    }
  return MAX (query_int (store, "SELECT next_serial FROM number_slices s WHERE category = ?1 AND next_serial <= last_serial "
                                "AND " BM_SLICE_USABLE_SQL " ORDER BY first_serial LIMIT 1", category, 0), 0);
}

/* The serial of @text: the 8-digit number (this point's 市县码 first), or
 * the serial alone; -1 when it is neither. */
static gint64
parse_serial (const char *text, const char *county_code)
{
  gsize len = strlen (text);

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return -1;
  if (len == 8)
    {
      if (strncmp (text, county_code, 4) != 0)
        return -1;
      return g_ascii_strtoll (text + 4, NULL, 10);
    }
  if (len >= 1 && len <= 4)
    return g_ascii_strtoll (text, NULL, 10);
  return -1;
}

char *
bm_store_resume_numbering (BmStore *store, const char *category, const char *last_number,
                           const char *supervisor, GError **error)
{
  g_autoptr(BmPointProfile) profile = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autofree char *highest_text = NULL;
  g_autofree char *next_text = NULL;
  gint64 serial, highest, next;

  if (!bm_store_check_role (store, supervisor, BM_OPERATOR_ROLE_SUPERVISOR, error)
      || (profile = bm_store_dup_point_profile (store, error)) == NULL)
    return NULL;
  serial = parse_serial (last_number, profile->county_code);
  if (serial < 0 || serial > 9999)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("“%s” is not a 报名顺序号 of this point: give the 8 digits as printed (starting with %s), or 0 when none was issued."),
                   last_number, profile->county_code);
      return NULL;
    }
  if (!bm_store_transaction_begin (store, error))
    return NULL;
  if (query_int (store, "SELECT 1 FROM categories WHERE code = ?", category, 0) != 1)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("Category %s is not one of this point's categories."), category);
      goto fail;
    }
  /* Also when the 科类 is no longer held (the server's answer came first,
   * and the paper shows more): moving on is always safe, numbering never
   * goes back (continue_after). */
  /* The highest number the store itself holds: the paper cannot show less. */
  highest = query_int (store, "SELECT max (CAST (substr (number, 5) AS INTEGER)) FROM candidates "
                              "WHERE category = ? AND number IS NOT NULL", category, 0);
  if (serial < highest)
    {
      highest_text = g_strdup_printf ("%s%04d", profile->county_code, (int) highest);
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("%s is lower than %s, a number of category %s this workstation already holds. Check the paper and type the last number printed."),
                   last_number, highest_text, category);
      goto fail;
    }
  if (serial > 0)
    {
      g_autoptr(sqlite3_stmt) inside = bm_store_prepare (store, "SELECT 1 FROM number_slices WHERE category = ? "
                                                                "AND first_serial <= ? AND ? <= last_serial", error);
      if (inside == NULL)
        goto fail;
      sqlite3_bind_text (inside, 1, category, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (inside, 2, serial);
      sqlite3_bind_int64 (inside, 3, serial);
      if (sqlite3_step (inside) != SQLITE_ROW)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                       _("%s is not one of the numbers this workstation may issue for category %s. Check the paper: it is a number this workstation printed."),
                       last_number, category);
          goto fail;
        }
    }
  next = continue_after (store, category, serial, error);
  if (next < 0)
    goto fail;
  json_object_set_string_member (detail, "category", category);
  json_object_set_string_member (detail, "last_number", last_number);
  next_text = next > 0 ? g_strdup_printf ("%s%04d", profile->county_code, (int) next) : g_strdup ("");
  json_object_set_string_member (detail, "next_number", next_text);
  if (!bm_store_audit_append (store, supervisor, NULL, "numbering_resume", detail, error)
      || !bm_store_transaction_commit (store, error))
    goto fail;
  return g_steal_pointer (&next_text);

fail:
  bm_store_transaction_rollback (store);
  return NULL;
}

JsonArray *
bm_store_list_numbering_holds (BmStore *store, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, "SELECT category, since, reason FROM numbering_holds ORDER BY category", error);
  JsonArray *holds;

  if (stmt == NULL)
    return NULL;
  holds = json_array_new ();
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *hold = json_object_new ();

      json_object_set_string_member (hold, "category", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (hold, "since", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (hold, "reason", (const char *) sqlite3_column_text (stmt, 2));
      json_array_add_object_element (holds, hold);
    }
  return holds;
}

gboolean
bm_store_numbering_is_held (BmStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (store, "SELECT 1 FROM numbering_holds LIMIT 1", NULL);

  return stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW;
}

/* The server's answer (protocol 1.5: the ledger's last_number per 科类):
 * numbering goes on after the higher of the server's last number and the
 * store's own. A 科类 the answer says nothing about stays held. */
gboolean
bm_store_resume_numbering_from_server (BmStore *store, GPtrArray *ledger, guint *resumed, GError **error)
{
  g_autoptr(BmPointProfile) profile = NULL;
  g_autoptr(sqlite3_stmt) held = NULL;
  g_autoptr(GPtrArray) categories = g_ptr_array_new_with_free_func (g_free);

  *resumed = 0;
  if (!bm_store_numbering_is_held (store))
    return TRUE;
  if ((profile = bm_store_dup_point_profile (store, error)) == NULL)
    return FALSE;
  held = bm_store_prepare (store, "SELECT category FROM numbering_holds ORDER BY category", error);
  if (held == NULL)
    return FALSE;
  while (sqlite3_step (held) == SQLITE_ROW)
    g_ptr_array_add (categories, g_strdup ((const char *) sqlite3_column_text (held, 0)));
  g_clear_pointer (&held, sqlite3_finalize);

  if (!bm_store_transaction_begin (store, error))
    return FALSE;
  for (guint i = 0; i < categories->len; i++)
    {
      const char *category = categories->pdata[i];
      const BmSyncLedger *entry = NULL;
      g_autoptr(JsonObject) detail = json_object_new ();
      g_autofree char *next_text = NULL;
      gint64 serial, highest, next;

      for (guint j = 0; ledger != NULL && j < ledger->len; j++)
        if (g_str_equal (((BmSyncLedger *) ledger->pdata[j])->category, category))
          entry = ledger->pdata[j];
      if (entry == NULL || entry->last_number == NULL
          || strncmp (entry->last_number, profile->county_code, 4) != 0)
        continue;
      serial = g_ascii_strtoll (entry->last_number + 4, NULL, 10);
      highest = query_int (store, "SELECT max (CAST (substr (number, 5) AS INTEGER)) FROM candidates "
                                  "WHERE category = ? AND number IS NOT NULL", category, 0);
      next = continue_after (store, category, MAX (serial, highest), error);
      if (next < 0)
        goto fail;
      next_text = next > 0 ? g_strdup_printf ("%s%04d", profile->county_code, (int) next) : g_strdup ("");
      json_object_set_string_member (detail, "category", category);
      json_object_set_string_member (detail, "last_number", entry->last_number);
      json_object_set_string_member (detail, "next_number", next_text);
      json_object_set_string_member (detail, "source", "server");
      if (!bm_store_audit_append (store, BM_ACTOR_PROVINCE, NULL, "numbering_resume", detail, error))
        goto fail;
      (*resumed)++;
    }
  return bm_store_transaction_commit (store, error);

fail:
  bm_store_transaction_rollback (store);
  return FALSE;
}
