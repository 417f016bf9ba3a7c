/* Candidate records in the store: intake with 报名顺序号 allocation, lookups,
 * edits and voids. Records are never deleted; states move only through the
 * events of bm-record-lifecycle.c (bm-store-lifecycle.c). */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-backup.h"
#include "bm-error.h"
#include "bm-password.h"
#include "bm-random.h"
#include "bm-store-deadline.h"
#include "bm-record-lifecycle.h"
#include "bm-store-lifecycle.h"
#include "bm-store-operators.h"
#include "bm-store-private.h"

/* Identity columns that come from a chip and may only be changed with a reason. */
static const char * const card_locked_keys[] = {
  "card_type", "id_type", "id_number", "name", "name_en", "sex", "nation", "birth_date",
  "address", "appended_address", "authority", "valid_from", "valid_to", "pass_number",
  "issue_count", "nationality", "sam_id", "photo_wlt_sha256", NULL,
};

/* What a clerk may change after intake. Number, category, uuid and states
 * change only through their own operations. */
static const char * const editable_keys[] = {
  "candidate_class", "exam_type", "political_status", "foreign_language", "graduation_type",
  "school", "class_name", "student_number", "phone", "comment", "exam_number", "online_fields", NULL,
};

/* Fee and 资格审查 are events (bm_store_record_event), not free edits. */
static const char * const editable_flags[] = {
  "migrant_child", NULL,
};

/* The column list follows the key lists of BmIdentity and BmCandidate; it
 * and the statements built from it are made once per process. */
static const char *
column_list (void)
{
  static char *columns = NULL;

  if (g_once_init_enter (&columns))
    {
      GString *built = g_string_new ("id");

      for (const char * const *k = bm_identity_keys (); *k; k++)
        g_string_append_printf (built, ", %s", *k);
      for (const char * const *k = bm_candidate_keys (); *k; k++)
        g_string_append_printf (built, ", %s", *k);
      for (const char * const *k = bm_candidate_flag_keys (); *k; k++)
        g_string_append_printf (built, ", %s", *k);
      g_string_append (built, ", version, synced_version, photo_wlt");
      g_once_init_leave (&columns, g_string_free (built, FALSE));
    }
  return columns;
}

static const char *
insert_sql (void)
{
  static char *sql = NULL;

  if (g_once_init_enter (&sql))
    {
      GString *built = g_string_new (NULL);

      g_string_append_printf (built, "INSERT INTO candidates (%s) VALUES (NULL", column_list ());
      for (const char *p = column_list (); (p = strchr (p, ',')) != NULL; p++)
        g_string_append (built, ", ?");
      g_string_append (built, ")");
      g_once_init_leave (&sql, g_string_free (built, FALSE));
    }
  return sql;
}

static const char *
update_sql (void)
{
  static char *sql = NULL;

  if (g_once_init_enter (&sql))
    {
      GString *built = g_string_new ("UPDATE candidates SET ");

      for (const char * const *k = bm_identity_keys (); *k; k++)
        g_string_append_printf (built, "%s = ?, ", *k);
      for (const char * const *k = bm_candidate_keys (); *k; k++)
        g_string_append_printf (built, "%s = ?, ", *k);
      for (const char * const *k = bm_candidate_flag_keys (); *k; k++)
        g_string_append_printf (built, "%s = ?, ", *k);
      g_string_append (built, "version = ?, synced_version = ?, photo_wlt = ? WHERE uuid = ?");
      g_once_init_leave (&sql, g_string_free (built, FALSE));
    }
  return sql;
}

static BmCandidate *
candidate_from_row (sqlite3_stmt *stmt)
{
  g_autoptr(BmIdentity) identity = bm_identity_new ();
  BmCandidate *candidate;
  int col = 1;

  for (const char * const *k = bm_identity_keys (); *k; k++, col++)
    bm_identity_set (identity, *k, (const char *) sqlite3_column_text (stmt, col));
  candidate = bm_candidate_new (identity);
  for (const char * const *k = bm_candidate_keys (); *k; k++, col++)
    bm_candidate_set (candidate, *k, (const char *) sqlite3_column_text (stmt, col));
  for (const char * const *k = bm_candidate_flag_keys (); *k; k++, col++)
    bm_candidate_set_flag (candidate, *k, sqlite3_column_int (stmt, col));
  bm_candidate_set_version (candidate, sqlite3_column_int64 (stmt, col++));
  bm_candidate_set_synced_version (candidate, sqlite3_column_int64 (stmt, col++));
  if (sqlite3_column_type (stmt, col) == SQLITE_BLOB)
    {
      g_autoptr(GBytes) wlt = g_bytes_new (sqlite3_column_blob (stmt, col), sqlite3_column_bytes (stmt, col));
      const char *sum = bm_identity_get (identity, "photo_wlt_sha256");
      g_autofree char *copy = g_strdup (sum);

      bm_identity_set_photo_wlt (identity, wlt);
      /* Keep the stored hash: a mismatch must stay visible, not be recomputed away. */
      bm_identity_set (identity, "photo_wlt_sha256", copy);
    }
  return candidate;
}

static BmCandidate *
find_one (BmStore *self, const char *where, const char *value, gint64 row_id, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM candidates WHERE %s", column_list (), where);
  g_autoptr(BmCachedStmt) stmt = NULL;
  int rc;

  stmt = bm_store_statement (self, sql, error);
  if (stmt == NULL)
    return NULL;
  if (value != NULL)
    sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 1, row_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return candidate_from_row (stmt);
  if (rc != SQLITE_DONE)
    bm_store_set_sqlite_error (self, rc, error);
  else
    g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND, _("No such candidate."));
  return NULL;
}

BmCandidate *
bm_store_find_by_number (BmStore *self, const char *number, GError **error)
{
  return find_one (self, "number = ?", number, 0, error);
}

BmCandidate *
bm_store_find_by_id_number (BmStore *self, const char *id_number, GError **error)
{
  g_autofree char *upper = g_ascii_strup (id_number, -1);

  return find_one (self, "id_number = ? AND voided = 0", upper, 0, error);
}

BmCandidate *
bm_store_find_by_uuid (BmStore *self, const char *uuid, GError **error)
{
  return find_one (self, "uuid = ?", uuid, 0, error);
}

BmCandidate *
bm_store_find_by_row (BmStore *self, gint64 row_id, GError **error)
{
  return find_one (self, "id = ?", NULL, row_id, error);
}

/* The records with the row ids @ids, in that order, by one query (the lazy
 * list's page, `candidate list`): up to BM_STORE_ROWS_PER_QUERY ids per
 * call. A row that is gone is an error. Without the card's WLT photo (the
 * list never shows it; its stored hash is kept): it is not read, and not
 * hashed again for each row. */
GPtrArray *
bm_store_find_by_rows (BmStore *self, const gint64 *ids, guint n_ids, GError **error)
{
  static char *sql = NULL;
  g_autoptr(BmCachedStmt) stmt = NULL;
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  g_return_val_if_fail (n_ids <= BM_STORE_ROWS_PER_QUERY, NULL);
  if (g_once_init_enter (&sql))
    {
      g_autoptr(GString) text = g_string_new (NULL);

      const char *columns = column_list ();

      g_assert (g_str_has_suffix (columns, ", photo_wlt"));
      g_string_printf (text, "SELECT %.*s, NULL FROM candidates WHERE id IN (?",
                       (int) (strlen (columns) - strlen (", photo_wlt")), columns);
      for (guint i = 1; i < BM_STORE_ROWS_PER_QUERY; i++)
        g_string_append (text, ", ?");
      g_string_append (text, ")");
      g_once_init_leave (&sql, g_string_free (g_steal_pointer (&text), FALSE));
    }
  stmt = bm_store_statement (self, sql, error);
  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < BM_STORE_ROWS_PER_QUERY; i++)
    if (i < n_ids)
      sqlite3_bind_int64 (stmt, i + 1, ids[i]);
    else
      sqlite3_bind_null (stmt, i + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);

      *id = sqlite3_column_int64 (stmt, 0);
      g_hash_table_insert (found, id, candidate_from_row (stmt));
    }
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  for (guint i = 0; i < n_ids; i++)
    {
      BmCandidate *candidate = g_hash_table_lookup (found, &ids[i]);

      if (candidate == NULL)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_NOT_FOUND, _("No such candidate."));
          return NULL;
        }
      g_ptr_array_add (candidates, g_object_ref (candidate));
    }
  return g_steal_pointer (&candidates);
}

/* Writes every column of the candidate; used for inserts and updates so the
 * two never disagree about the column list. */
gboolean
bm_store_write_candidate (BmStore *self, BmCandidate *candidate, gboolean insert, GError **error)
{
  g_autoptr(BmCachedStmt) stmt = NULL;
  BmIdentity *identity = bm_candidate_get_identity (candidate);
  GBytes *wlt = bm_identity_get_photo_wlt (identity);
  int col = 1, rc;

  stmt = bm_store_statement (self, insert ? insert_sql () : update_sql (), error);
  if (stmt == NULL)
    return FALSE;
  for (const char * const *k = bm_identity_keys (); *k; k++)
    sqlite3_bind_text (stmt, col++, bm_identity_get (identity, *k), -1, SQLITE_STATIC);
  for (const char * const *k = bm_candidate_keys (); *k; k++)
    sqlite3_bind_text (stmt, col++, bm_candidate_get (candidate, *k), -1, SQLITE_STATIC);
  for (const char * const *k = bm_candidate_flag_keys (); *k; k++)
    sqlite3_bind_int (stmt, col++, bm_candidate_get_flag (candidate, *k));
  sqlite3_bind_int64 (stmt, col++, bm_candidate_get_version (candidate));
  sqlite3_bind_int64 (stmt, col++, bm_candidate_get_synced_version (candidate));
  if (wlt != NULL)
    sqlite3_bind_blob (stmt, col++, g_bytes_get_data (wlt, NULL), g_bytes_get_size (wlt), SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, col++);
  if (!insert)
    sqlite3_bind_text (stmt, col++, bm_candidate_get (candidate, "uuid"), -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

static gboolean
check_no_live_duplicate (BmStore *self, BmIdentity *identity, const char *except_uuid, GError **error)
{
  g_autoptr(BmCachedStmt) stmt = NULL;
  const char *id_type = bm_identity_get (identity, "id_type");
  int rc;

  stmt = bm_store_statement (self, "SELECT number, uuid FROM candidates WHERE id_type = ? AND id_number = ? AND voided = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id_type ? id_type : "resident_card", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, bm_identity_get (identity, "id_number"), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), except_uuid) != 0)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_DUPLICATE,
                   _("This ID number is already registered at this point as 报名顺序号 %s."),
                   (const char *) sqlite3_column_text (stmt, 0));
      return FALSE;
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return bm_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

static char *
category_name (BmStore *self, const char *code, GError **error)
{
  g_autoptr(BmCachedStmt) stmt = bm_store_statement (self, "SELECT name FROM categories WHERE code = ?", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                   _("Category %s is not one of this point's categories."), code);
      return NULL;
    }
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* Takes the next serial of this workstation's slices for the category.
 * Must run inside the transaction that inserts the record, so that a crash
 * either keeps both or neither. */
static char *
allocate_number (BmStore *self, BmPointProfile *profile, const char *category, GError **error)
{
  g_autoptr(BmCachedStmt) pick = NULL;
  g_autoptr(BmCachedStmt) bump = NULL;
  g_autofree char *name = NULL;
  gint64 slice_id, serial;
  int rc;

  name = category_name (self, category, error);
  if (name == NULL)
    return NULL;
  /* A store restored from a backup waits to be told where to continue. */
  if (!bm_store_check_numbering (self, category, name, error))
    return NULL;

  /* Only from slices that keep the rule of bm_store_check_slices: inside a
   * range of the 科类 and clear of every slice taken before. A store that
   * took a bad slice before that rule existed stops numbering from it
   * instead of handing out a number twice. */
  pick = bm_store_statement (self, "SELECT id, next_serial FROM number_slices s "
                                 "WHERE category = ?1 AND next_serial <= last_serial AND " BM_SLICE_USABLE_SQL " "
                                 "ORDER BY first_serial LIMIT 1", error);
  if (pick == NULL)
    return NULL;
  sqlite3_bind_text (pick, 1, category, -1, SQLITE_STATIC);
  rc = sqlite3_step (pick);
  if (rc == SQLITE_DONE)
    {
      g_autoptr(BmCachedStmt) left = bm_store_statement (self, "SELECT 1 FROM number_slices "
                                                             "WHERE category = ? AND next_serial <= last_serial", error);
      if (left == NULL)
        return NULL;
      sqlite3_bind_text (left, 1, category, -1, SQLITE_STATIC);
      if (sqlite3_step (left) == SQLITE_ROW)
        {
          g_set_error (error, BM_ERROR, BM_ERROR_RANGE_EXHAUSTED,
                       _("The numbers left for category %s (%s) on this workstation lie in a slice that overlaps another slice or lies outside the point's ranges, so none are issued. Call the county office."),
                       category, name);
          return NULL;
        }
      g_set_error (error, BM_ERROR, BM_ERROR_RANGE_EXHAUSTED,
                   _("No 报名顺序号 are left for category %s (%s) on this workstation. Ask the county office for a further range."),
                   category, name);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  slice_id = sqlite3_column_int64 (pick, 0);
  serial = sqlite3_column_int64 (pick, 1);

  bump = bm_store_statement (self, "UPDATE number_slices SET next_serial = next_serial + 1 WHERE id = ? AND next_serial = ?", error);
  if (bump == NULL)
    return NULL;
  sqlite3_bind_int64 (bump, 1, slice_id);
  sqlite3_bind_int64 (bump, 2, serial);
  rc = sqlite3_step (bump);
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  g_assert (sqlite3_changes (bm_store_get_sqlite (self)) == 1);
  return g_strdup_printf ("%s%04d", profile->county_code, (int) serial);
}

/* Validates, allocates and inserts one record; the caller holds the
 * transaction. Fills the caller's object only through *out_record, so that a
 * rolled-back insert leaves it untouched. */
static BmCandidate *
add_one (BmStore *self, BmCandidate *candidate, const char *operator_name,
         BmPointProfile *profile, GError **error)
{
  g_autoptr(BmCandidate) record = NULL;
  g_autoptr(JsonObject) detail = NULL;
  g_autoptr(JsonObject) as_json = NULL;
  g_autofree char *number = NULL;
  g_autofree char *password = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *now = bm_store_now_iso8601 ();
  BmIdentity *identity;
  const char *source;

  if (!bm_candidate_validate (candidate, error))
    return NULL;
  /* A number that fails its check character is kept as the chip holds it
   * only on the supervisor's word (issue 13). */
  if (bm_candidate_overrides_check (candidate)
      && !bm_store_check_role (self, operator_name, BM_OPERATOR_ROLE_SUPERVISOR, error))
    return NULL;

  as_json = bm_candidate_to_json (candidate);
  record = bm_candidate_new_from_json (as_json, error);
  if (record == NULL)
    return NULL;
  identity = bm_candidate_get_identity (record);
  bm_identity_set_photo_wlt (identity, bm_identity_get_photo_wlt (bm_candidate_get_identity (candidate)));
  if (bm_identity_get (identity, "id_type") == NULL)
    bm_identity_set (identity, "id_type", "resident_card");
  source = bm_candidate_get (record, "source");
  if (source == NULL)
    {
      bm_candidate_set (record, "source", "manual");
      source = "manual";
    }

  password = bm_password_new_initial (error);
  if (password == NULL
      || !check_no_live_duplicate (self, identity, NULL, error)
      || (number = allocate_number (self, profile, bm_candidate_get (record, "category"), error)) == NULL)
    return NULL;

  uuid = bm_random_uuid ();
  bm_candidate_set (record, "uuid", uuid);
  bm_candidate_set (record, "workstation_id", profile->workstation_id);
  bm_candidate_set (record, "number", number);
  /* What only events set starts empty, whatever the input held. */
  for (const char * const *k = bm_record_lifecycle_keys (); *k; k++)
    bm_candidate_set (record, *k, NULL);
  bm_candidate_set_flag (record, "fee_paid", FALSE);
  bm_candidate_set_flag (record, "eligibility_checked", FALSE);
  bm_candidate_set (record, "state", bm_record_state_to_string (BM_RECORD_STATE_COLLECTED));
  detail = json_object_new ();
  if (!bm_record_lifecycle_apply (record, BM_RECORD_EVENT_NUMBER_ASSIGNED, operator_name, detail, error))
    return NULL;
  /* A typed identity has not been checked against a chip: the county (a
   * 随迁子女) or the city (other documents) reviews it. */
  bm_candidate_set (record, "review_state", g_str_equal (source, "card") ? "not_required" : "pending");
  bm_candidate_set (record, "review_level", bm_record_lifecycle_review_level (record));
  if (bm_candidate_overrides_check (record))
    bm_candidate_set (record, "review_level", "county");   /* only the county may accept such a number */
  bm_candidate_set (record, "initial_password", password);
  bm_candidate_set (record, "created_at", now);
  bm_candidate_set (record, "updated_at", now);
  bm_candidate_set_flag (record, "voided", FALSE);
  bm_candidate_set_flag (record, "signature_confirmed", FALSE);
  bm_candidate_set_version (record, 1);
  bm_candidate_set_synced_version (record, 0);

  if (!bm_store_write_candidate (self, record, TRUE, error))
    return NULL;

  json_object_set_string_member (detail, "number", number);
  json_object_set_string_member (detail, "category", bm_candidate_get (record, "category"));
  json_object_set_string_member (detail, "source", source);
  if (bm_candidate_overrides_check (record))
    json_object_set_string_member (detail, "override_reason", bm_candidate_get (record, "override_reason"));
  if (!bm_store_audit_append (self, operator_name, uuid, "add", detail, error))
    return NULL;
  return g_steal_pointer (&record);
}

static void
hand_back (BmCandidate *candidate, BmCandidate *record)
{
  for (const char * const *k = bm_candidate_keys (); *k; k++)
    bm_candidate_set (candidate, *k, bm_candidate_get (record, *k));
  bm_identity_set (bm_candidate_get_identity (candidate), "id_type",
                   bm_identity_get (bm_candidate_get_identity (record), "id_type"));
  bm_candidate_set_version (candidate, 1);
}

gboolean
bm_store_add_candidate (BmStore *self, BmCandidate *candidate, const char *operator_name, GError **error)
{
  g_autoptr(GPtrArray) one = g_ptr_array_new ();

  g_return_val_if_fail (BM_IS_CANDIDATE (candidate), FALSE);
  g_ptr_array_add (one, candidate);
  return bm_store_add_candidates (self, one, operator_name, error);
}

/* All or nothing, in one transaction: the bulk path for imports and the
 * benchmark. At the counter each record is its own call, so each is on disk
 * (fsync'ed) before the clerk sees its number. */
gboolean
bm_store_add_candidates (BmStore *self, GPtrArray *candidates, const char *operator_name, GError **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(BmPointProfile) profile = NULL;

  g_return_val_if_fail (BM_IS_STORE (self), FALSE);

  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  profile = bm_store_dup_point_profile (self, error);
  if (profile == NULL)
    goto fail;
  for (guint i = 0; i < candidates->len; i++)
    {
      BmCandidate *record = NULL;

      /* No new number after the profile's deadline (bm-store-deadline.c). */
      if (bm_store_check_registration_open (self, bm_candidate_get (g_ptr_array_index (candidates, i), "category"), error))
        record = add_one (self, g_ptr_array_index (candidates, i), operator_name, profile, error);
      if (record == NULL)
        goto fail;
      g_ptr_array_add (records, record);
    }
  if (!bm_store_transaction_commit (self, error))
    return FALSE;

  /* Only now are the records real: hand the assigned fields back. */
  for (guint i = 0; i < candidates->len; i++)
    hand_back (g_ptr_array_index (candidates, i), g_ptr_array_index (records, i));
  return TRUE;

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

/* Load, change, bump the version, write and audit, in one transaction. */
gboolean
bm_store_mutate_candidate (BmStore *self, const char *number, const char *action, const char *operator_name,
                           BmStoreMutation mutation, gpointer data, GError **error)
{
  g_autoptr(BmCandidate) candidate = NULL;
  g_autoptr(JsonObject) detail = json_object_new ();
  g_autofree char *now = bm_store_now_iso8601 ();

  if (!bm_store_transaction_begin (self, error))
    return FALSE;
  candidate = bm_store_find_by_number (self, number, error);
  if (candidate == NULL)
    goto fail;
  if (bm_candidate_get_flag (candidate, "voided"))
    {
      g_set_error (error, BM_ERROR, BM_ERROR_ILLEGAL_TRANSITION,
                   _("Record %s has been voided and cannot be changed."), number);
      goto fail;
    }
  json_object_set_string_member (detail, "number", number);
  if (!mutation (self, candidate, data, detail, error))
    goto fail;
  bm_candidate_set_version (candidate, bm_candidate_get_version (candidate) + 1);
  bm_candidate_set (candidate, "updated_at", now);
  if (!bm_store_write_candidate (self, candidate, FALSE, error)
      || !bm_store_audit_append (self, operator_name, bm_candidate_get (candidate, "uuid"), action, detail, error))
    goto fail;
  return bm_store_transaction_commit (self, error);

fail:
  bm_store_transaction_rollback (self);
  return FALSE;
}

static gboolean
void_mutation (BmStore *self, BmCandidate *candidate, gpointer data, JsonObject *detail, GError **error)
{
  bm_candidate_set_flag (candidate, "voided", TRUE);
  bm_candidate_set (candidate, "void_reason", data);
  json_object_set_string_member (detail, "reason", data);
  return TRUE;
}

gboolean
bm_store_void_candidate (BmStore *self, const char *number, const char *reason,
                         const char *operator_name, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (reason ? reason : ""));

  if (*trimmed == '\0')
    {
      g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("Give a reason for voiding the record."));
      return FALSE;
    }
  /* Voiding ends a candidate's registration: the point's supervisor's act
   * (seed 步骤3), whichever program asks. */
  if (!bm_store_check_role (self, operator_name, BM_OPERATOR_ROLE_SUPERVISOR, error))
    return FALSE;
  return bm_store_mutate_candidate (self, number, "void", operator_name, void_mutation, trimmed, error);
}

typedef struct {
  JsonObject *changes;
  const char *reason;
  const char *operator_name;
} UpdateData;

static gboolean
key_in (const char * const *keys, const char *key)
{
  for (; *keys; keys++)
    if (g_str_equal (*keys, key))
      return TRUE;
  return FALSE;
}

static gboolean
update_mutation (BmStore *self, BmCandidate *candidate, gpointer data, JsonObject *detail, GError **error)
{
  UpdateData *update = data;
  BmIdentity *identity = bm_candidate_get_identity (candidate);
  gboolean from_card = g_strcmp0 (bm_candidate_get (candidate, "source"), "card") == 0;
  g_autoptr(JsonArray) changed = json_array_new ();
  g_autoptr(GList) members = json_object_get_members (update->changes);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (update->changes, key);
      gboolean is_identity = key_in (bm_identity_keys (), key);

      if (key_in (editable_flags, key))
        {
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
            {
              g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The field “%s” must be true or false."), key);
              return FALSE;
            }
          bm_candidate_set_flag (candidate, key, json_node_get_boolean (node));
        }
      else if (is_identity || key_in (editable_keys, key))
        {
          g_autofree char *value = NULL;

          if (g_str_equal (key, "online_fields") && JSON_NODE_HOLDS_OBJECT (node))
            value = json_to_string (node, FALSE);
          else if (JSON_NODE_HOLDS_NULL (node))
            value = NULL;
          else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            value = g_strdup (json_node_get_string (node));
          else
            {
              g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The field “%s” must be a string."), key);
              return FALSE;
            }
          if (is_identity && from_card && key_in (card_locked_keys, key) && update->reason == NULL)
            {
              g_set_error (error, BM_ERROR, BM_ERROR_INVALID,
                           _("The field “%s” was read from the ID card; give a reason to change it."), key);
              return FALSE;
            }
          if (is_identity)
            bm_identity_set (identity, key, value);
          else
            bm_candidate_set (candidate, key, value);
        }
      else
        {
          g_set_error (error, BM_ERROR, BM_ERROR_INVALID, _("The field “%s” cannot be changed here."), key);
          return FALSE;
        }
      json_array_add_string_element (changed, key);
    }

  if (!bm_candidate_validate (candidate, error)
      || !check_no_live_duplicate (self, identity, bm_candidate_get (candidate, "uuid"), error))
    return FALSE;

  if (update->reason != NULL)
    {
      bm_candidate_set (candidate, "override_reason", update->reason);
      json_object_set_string_member (detail, "reason", update->reason);
    }
  /* The candidate signed what was printed; after a change they must check
   * and sign again. A 评语 typed in is its own event. */
  if (!bm_record_lifecycle_apply (candidate, BM_RECORD_EVENT_RECORD_CHANGED, update->operator_name, detail, error))
    return FALSE;
  if (json_object_has_member (update->changes, "comment") && bm_candidate_get (candidate, "comment") != NULL
      && !bm_record_lifecycle_apply (candidate, BM_RECORD_EVENT_COMMENT_SAVED, update->operator_name, detail, error))
    return FALSE;
  /* Who reviews follows the 随迁子女 flag until someone has decided. */
  if (g_strcmp0 (bm_candidate_get (candidate, "review_state"), "pending") == 0)
    bm_candidate_set (candidate, "review_level", bm_record_lifecycle_review_level (candidate));
  json_object_set_array_member (detail, "fields", g_steal_pointer (&changed));
  return TRUE;
}

gboolean
bm_store_update_candidate (BmStore *self, const char *number, JsonObject *changes, const char *reason,
                           const char *operator_name, GError **error)
{
  UpdateData update = { changes, (reason && *reason) ? reason : NULL, operator_name };

  return bm_store_mutate_candidate (self, number, "update", operator_name, update_mutation, &update, error);
}

gint64
bm_store_count_candidates (BmStore *self, gboolean include_voided)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self, include_voided
                                                     ? "SELECT count(*) FROM candidates"
                                                     : "SELECT count(*) FROM candidates WHERE voided = 0", NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

/* Row ids of the records matching a search, newest first: an exact or
 * prefix match on the 报名顺序号 or ID number, or a prefix of the name. Each
 * branch is a range over an index, and only the branches the text can match
 * run (a 报名顺序号 is digits, an ID number ASCII letters and digits), so a
 * name typed in Chinese reads one index range and no record (issue 17). */
GArray *
bm_store_search_rows (BmStore *self, const char *query, GError **error)
{
  g_autoptr(BmCachedStmt) stmt = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *text = g_strstrip (g_strdup (query ? query : ""));
  g_autofree char *upper = NULL;
  gboolean digits = TRUE, ascii = TRUE;
  int rc;

  for (const char *c = text; *c; c++)
    {
      digits &= g_ascii_isdigit (*c);
      ascii &= g_ascii_isalnum (*c);
    }
  if (*text == '\0')
    stmt = bm_store_statement (self, "SELECT id FROM candidates INDEXED BY candidates_newest ORDER BY id DESC", error);
  else if (digits)
    stmt = bm_store_statement (self,
                               "SELECT id FROM candidates WHERE number >= ?1 AND number < ?1 || char(1114111) "
                               "UNION SELECT id FROM candidates WHERE id_number >= ?2 AND id_number < ?2 || char(1114111) "
                               "UNION SELECT id FROM candidates WHERE name >= ?1 AND name < ?1 || char(1114111) "
                               "ORDER BY id DESC", error);
  else if (ascii)
    stmt = bm_store_statement (self,
                               "SELECT id FROM candidates WHERE id_number >= ?2 AND id_number < ?2 || char(1114111) "
                               "UNION SELECT id FROM candidates WHERE name >= ?1 AND name < ?1 || char(1114111) "
                               "ORDER BY id DESC", error);
  else
    stmt = bm_store_statement (self,
                               "SELECT id FROM candidates WHERE name >= ?1 AND name < ?1 || char(1114111) "
                               "AND ?2 IS NOT NULL ORDER BY id DESC", error);
  if (stmt != NULL && *text != '\0')
    {
      upper = g_ascii_strup (text, -1);
      sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, upper, -1, SQLITE_STATIC);
    }
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (rows, id);
    }
  if (rc != SQLITE_DONE)
    {
      bm_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}
