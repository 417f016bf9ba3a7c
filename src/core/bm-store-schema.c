/* Schema migrations, applied in order by PRAGMA user_version. A migration is
 * never edited once it has shipped: add a new one. Version numbers are
 * reserved by area (card 10-19, print 20-29, sync 30-39, camera 40-49) so
 * branches do not collide; gaps are fine. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-error.h"
#include "bm-online-fields.h"
#include "bm-store-private.h"

typedef struct {
  int version;
  const char *sql;
} Migration;

static const Migration migrations[] = {
  { 1,
    "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL);"

    "CREATE TABLE point ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  code TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  county_code TEXT NOT NULL CHECK (length (county_code) = 4 AND county_code GLOB '[0-9][0-9][0-9][0-9]'),"
    "  site_url TEXT,"
    "  server_url TEXT,"
    "  workstation_id TEXT NOT NULL,"
    "  training INTEGER NOT NULL CHECK (training IN (0, 1)));"

    "CREATE TABLE categories ("
    "  code TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL);"

    /* The point's whole range per 科类, as the county set it. */
    "CREATE TABLE number_ranges ("
    "  category TEXT NOT NULL REFERENCES categories (code),"
    "  first_serial INTEGER NOT NULL CHECK (first_serial BETWEEN 1 AND 9999),"
    "  last_serial INTEGER NOT NULL CHECK (last_serial BETWEEN first_serial AND 9999));"

    /* The parts of those ranges this workstation may hand out. next_serial
     * only ever grows, so a number is never reused, not even after a void. */
    "CREATE TABLE number_slices ("
    "  id INTEGER PRIMARY KEY,"
    "  category TEXT NOT NULL REFERENCES categories (code),"
    "  first_serial INTEGER NOT NULL CHECK (first_serial BETWEEN 1 AND 9999),"
    "  last_serial INTEGER NOT NULL CHECK (last_serial BETWEEN first_serial AND 9999),"
    "  next_serial INTEGER NOT NULL CHECK (next_serial BETWEEN first_serial AND last_serial + 1));"

    "CREATE TABLE operators ("
    "  name TEXT PRIMARY KEY,"
    "  display_name TEXT NOT NULL,"
    "  password_hash TEXT,"
    "  role TEXT NOT NULL DEFAULT 'clerk');"

    /* No column for a mailing address, recipient or postcode (seed 三.4). */
    "CREATE TABLE candidates ("
    "  id INTEGER PRIMARY KEY,"
    "  uuid TEXT NOT NULL UNIQUE,"
    "  workstation_id TEXT NOT NULL,"
    "  number TEXT CHECK (number IS NULL OR (length (number) = 8 AND number GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]')),"
    "  category TEXT NOT NULL REFERENCES categories (code),"
    "  card_type TEXT, id_type TEXT NOT NULL, id_number TEXT NOT NULL,"
    "  name TEXT, name_en TEXT, sex TEXT NOT NULL, nation TEXT, birth_date TEXT NOT NULL,"
    "  address TEXT, appended_address TEXT, authority TEXT, valid_from TEXT, valid_to TEXT,"
    "  pass_number TEXT, issue_count TEXT, nationality TEXT, sam_id TEXT,"
    "  photo_wlt_sha256 TEXT, photo_wlt BLOB,"
    "  candidate_class TEXT, exam_type TEXT, political_status TEXT, foreign_language TEXT,"
    "  graduation_type TEXT, school TEXT, class_name TEXT, student_number TEXT, phone TEXT,"
    "  exam_number TEXT,"
    "  state TEXT NOT NULL,"
    "  review_state TEXT NOT NULL CHECK (review_state IN ('not_required', 'pending', 'approved', 'rejected')),"
    "  initial_password TEXT NOT NULL,"
    "  comment TEXT CHECK (comment IS NULL OR length (comment) <= 254),"
    "  source TEXT NOT NULL CHECK (source IN ('card', 'manual')),"
    "  void_reason TEXT, override_reason TEXT, online_fields TEXT,"
    "  fee_paid INTEGER NOT NULL DEFAULT 0, eligibility_checked INTEGER NOT NULL DEFAULT 0,"
    "  signature_confirmed INTEGER NOT NULL DEFAULT 0, voided INTEGER NOT NULL DEFAULT 0,"
    "  migrant_child INTEGER NOT NULL DEFAULT 0,"
    "  version INTEGER NOT NULL DEFAULT 1,"
    "  synced_version INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE UNIQUE INDEX candidates_by_number ON candidates (number) WHERE number IS NOT NULL;"
    "CREATE UNIQUE INDEX candidates_live_by_id ON candidates (id_type, id_number) WHERE voided = 0;"
    "CREATE INDEX candidates_by_id_number ON candidates (id_number);"
    "CREATE INDEX candidates_by_name ON candidates (name);"

    "CREATE TABLE photos ("
    "  id INTEGER PRIMARY KEY,"
    "  candidate_uuid TEXT NOT NULL REFERENCES candidates (uuid),"
    "  kind TEXT NOT NULL CHECK (kind IN ('processed', 'original')),"
    "  jpeg BLOB NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  width INTEGER, height INTEGER,"
    "  accepted_reason TEXT,"
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX photos_by_candidate ON photos (candidate_uuid);"

    "CREATE TABLE print_log ("
    "  id INTEGER PRIMARY KEY,"
    "  document TEXT NOT NULL,"
    "  records TEXT NOT NULL,"
    "  job_id INTEGER,"
    "  printer TEXT,"
    "  operator TEXT,"
    "  at TEXT NOT NULL,"
    "  outcome TEXT NOT NULL,"
    "  reason TEXT);"

    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY,"
    "  at_wall TEXT NOT NULL,"
    "  at_mono INTEGER NOT NULL,"
    "  operator TEXT,"
    "  entity_uuid TEXT,"
    "  action TEXT NOT NULL,"
    "  detail TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL);" },

  /* The program never deletes a record or rewrites history; these make any
   * other writer that tries fail loudly instead of silently succeeding. */
  { 2,
    "CREATE TRIGGER candidates_never_deleted BEFORE DELETE ON candidates "
    "BEGIN SELECT RAISE (ABORT, 'candidate records are never deleted; void them'); END;"
    "CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE (ABORT, 'audit log entries are never deleted'); END;"
    "CREATE TRIGGER audit_log_never_changed BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE (ABORT, 'audit log entries are never changed'); END;" },
  /* Print (20-29): which records each print log row covers, for "not yet
   * printed" selection and reprint detection without scanning JSON. */
  { 20,
    "CREATE TABLE print_log_records ("
    "  log_id INTEGER NOT NULL REFERENCES print_log (id),"
    "  number TEXT NOT NULL,"
    "  PRIMARY KEY (log_id, number));"
    "CREATE INDEX print_log_records_by_number ON print_log_records (number);"
    /* Why a job did not complete, in the words CUPS gave. */
    "ALTER TABLE print_log ADD COLUMN detail TEXT;" },
  /* Print intents (docs/printing.md): a row with outcome 'submitting' is
   * committed before the job goes to CUPS and settled when it ends, or at
   * the next start when the process died. intent is a random tag also put
   * into the CUPS job title, so the job is found even when its id was never
   * written; owner says which process printed (pid:start-time). */
  { 21,
    "ALTER TABLE print_log ADD COLUMN intent TEXT;"
    "ALTER TABLE print_log ADD COLUMN printed_state TEXT;"
    "ALTER TABLE print_log ADD COLUMN owner TEXT;"
    "CREATE INDEX print_log_unsettled ON print_log (id) WHERE outcome = 'submitting';" },

  /* Sync (bm-store-sync.c, docs/sync-protocol.md). held_version is the
   * version the server last answered about; a rejected or conflicting record
   * waits until a local change makes version > held_version. */
  { 30,
    "CREATE TABLE sync_records ("
    "  candidate_uuid TEXT PRIMARY KEY REFERENCES candidates (uuid),"
    "  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'conflict')),"
    "  error_code TEXT, error_detail TEXT,"
    "  held_version INTEGER NOT NULL DEFAULT 0,"
    "  base_server_rev INTEGER NOT NULL DEFAULT 0,"
    "  server_change TEXT,"
    "  county_decision TEXT, county_reason TEXT,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE sync_photos ("
    "  sha256 TEXT PRIMARY KEY);"
    /* The outbox: stored before the first send, deleted with its answer. */
    "CREATE TABLE sync_batches ("
    "  batch_id TEXT PRIMARY KEY,"
    "  body BLOB NOT NULL,"
    "  photos TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE sync_batch_records ("
    "  batch_id TEXT NOT NULL REFERENCES sync_batches (batch_id),"
    "  candidate_uuid TEXT NOT NULL,"
    "  version INTEGER NOT NULL);"
    "CREATE INDEX sync_batch_records_by_uuid ON sync_batch_records (candidate_uuid);"
    "CREATE INDEX sync_batch_records_by_batch ON sync_batch_records (batch_id);"
    /* Covering indexes: sha256 sits after the JPEG blob in the row, so
     * without them every lookup walks the blobs' overflow pages. */
    "CREATE INDEX IF NOT EXISTS photos_by_sha256 ON photos (sha256);"
    "CREATE INDEX IF NOT EXISTS photos_sync ON photos (candidate_uuid, kind, sha256);" },
  /* camera: what the photo pipeline records beside each picture. */
  { 40,
    "ALTER TABLE photos ADD COLUMN mime TEXT NOT NULL DEFAULT 'image/jpeg';"
    "ALTER TABLE photos ADD COLUMN quality INTEGER;"
    "ALTER TABLE photos ADD COLUMN checks TEXT;"
    "ALTER TABLE photos ADD COLUMN source TEXT;"
    "ALTER TABLE photos ADD COLUMN operator TEXT;"
    "ALTER TABLE photos ADD COLUMN current INTEGER NOT NULL DEFAULT 1;"
    "CREATE INDEX photos_current ON photos (candidate_uuid, kind) WHERE current = 1;" },
  /* Photos are content-addressed: one blob per SHA-256, which every photo
   * row with that hash shares (re-importing the same pictures stored every
   * blob again). A row whose jpeg is empty reads its bytes from
   * photo_blobs; rows written before keep working either way. Existing
   * blobs move over only where bm_sha256() proves the stored hash is the
   * bytes' hash. */
  { 41,
    "CREATE TABLE photo_blobs ("
    "  sha256 TEXT PRIMARY KEY,"
    "  data BLOB NOT NULL CHECK (length (data) > 0));"
    "INSERT OR IGNORE INTO photo_blobs (sha256, data)"
    "  SELECT sha256, jpeg FROM photos WHERE length (jpeg) > 0 AND bm_sha256 (jpeg) = sha256 ORDER BY id;"
    "UPDATE photos SET jpeg = X'' WHERE length (jpeg) > 0"
    "  AND sha256 IN (SELECT sha256 FROM photo_blobs) AND bm_sha256 (jpeg) = sha256;" },
  /* Operator accounts (bm-store-operators.c). password_hash is an Argon2id
   * string (libsodium crypto_pwhash_str); NULL until the first password is
   * set. It replaces migration 1's operators table, which nothing wrote. */
  { 42,
    "DROP TABLE IF EXISTS operators;"
    "CREATE TABLE operators ("
    "  user TEXT PRIMARY KEY,"
    "  real_name TEXT NOT NULL,"
    "  id_number TEXT,"
    "  role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'officer')),"
    "  enabled INTEGER NOT NULL DEFAULT 1,"
    "  password_hash TEXT,"
    "  must_change_password INTEGER NOT NULL DEFAULT 1,"
    "  failed_attempts INTEGER NOT NULL DEFAULT 0,"
    "  locked_until TEXT,"
    "  created_at TEXT NOT NULL);" },
  /* The lifecycle driven by events (bm-record-lifecycle.c): who reviews a
   * typed-in record, who decided locally, when the login card was handed
   * over, when the online fields arrived, the chip that matched a typed-in
   * record at signature, and how the candidate confirmed (signature or,
   * in a disaster, by phone with a supervisor's approval). */
  { 43,
    "ALTER TABLE candidates ADD COLUMN review_level TEXT CHECK (review_level IN ('county', 'city'));"
    "ALTER TABLE candidates ADD COLUMN reviewed_by TEXT;"
    "ALTER TABLE candidates ADD COLUMN card_handed_over_at TEXT;"
    "ALTER TABLE candidates ADD COLUMN online_pulled_at TEXT;"
    "ALTER TABLE candidates ADD COLUMN card_matched_at TEXT;"
    "ALTER TABLE candidates ADD COLUMN confirmation_method TEXT CHECK (confirmation_method IN ('signature', 'phone'));"
    "ALTER TABLE candidates ADD COLUMN confirmed_by TEXT;"
    "ALTER TABLE candidates ADD COLUMN confirmed_at TEXT;"
    "ALTER TABLE candidates ADD COLUMN confirmation_phone TEXT;"
    "ALTER TABLE candidates ADD COLUMN confirmation_approved_by TEXT;"
    "UPDATE candidates SET review_level = CASE WHEN migrant_child THEN 'county' ELSE 'city' END"
    "  WHERE source <> 'card';"
    "UPDATE candidates SET online_pulled_at = updated_at WHERE online_fields IS NOT NULL;"
    "UPDATE candidates SET confirmation_method = 'signature' WHERE signature_confirmed = 1;" },
  /* 44: the final submission (docs/sync-protocol.md §11, bm-store-submit.c):
   * the request stored before its first send (resent byte for byte), the
   * records it carries, and each record's last submission outcome. (IF NOT
   * EXISTS: a test winds a store back to an older user_version and migrates
   * it again.) */
  { 44,
    "CREATE TABLE IF NOT EXISTS submissions ("
    "  submission_id TEXT PRIMARY KEY,"
    "  body BLOB NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS submission_records ("
    "  submission_id TEXT NOT NULL,"
    "  position INTEGER NOT NULL,"
    "  candidate_uuid TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  PRIMARY KEY (submission_id, position));"
    "CREATE TABLE IF NOT EXISTS submission_results ("
    "  candidate_uuid TEXT PRIMARY KEY,"
    "  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),"
    "  version INTEGER NOT NULL,"
    "  code TEXT,"
    "  reason TEXT,"
    "  missing TEXT,"
    "  submission_id TEXT,"
    "  at TEXT NOT NULL);" },
  /* H4, privacy and integrity. record_digest: the SHA-256 of the record
   * row after the change an audit entry is about (bm-store-audit.c), so
   * `audit verify` sees a record edited behind the program's back; older
   * entries have none ("not covered" until the record next changes). The
   * index finds a record's last entry. Online fields stored before the
   * allow-list lose every key not on it (an address, a postcode: seed 三.4). */
  { 45,
    "ALTER TABLE audit_log ADD COLUMN record_digest TEXT;"
    "CREATE INDEX audit_log_by_entity ON audit_log (entity_uuid, id);"
    "UPDATE candidates SET online_fields = bm_online_fields_scrub (online_fields)"
    "  WHERE online_fields IS NOT NULL AND online_fields IS NOT bm_online_fields_scrub (online_fields);" },
  /* Issue 14, export packages (docs/package.md): each package this station
   * wrote, in order (sequence, previous), and the record versions it holds,
   * so that `--since` and the receipt know what the package carried. */
  { 46,
    "CREATE TABLE IF NOT EXISTS package_exports ("
    "  package_id TEXT PRIMARY KEY,"
    "  sequence INTEGER NOT NULL UNIQUE,"
    "  previous_id TEXT,"
    "  since_id TEXT,"
    "  created_at TEXT NOT NULL,"
    "  file_name TEXT NOT NULL,"
    "  records INTEGER NOT NULL,"
    "  audit_last_id INTEGER NOT NULL,"
    "  receipt_at TEXT);"
    "CREATE TABLE IF NOT EXISTS package_records ("
    "  package_id TEXT NOT NULL,"
    "  uuid TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  PRIMARY KEY (package_id, uuid));" },
  /* Issue 14, backup: a 科类 listed here issues no 报名顺序号 (a store
   * restored from a backup does not know the numbers issued after it) until
   * the supervisor says where it continues (bm-backup-numbering.c). */
  { 47,
    "CREATE TABLE IF NOT EXISTS numbering_holds ("
    "  category TEXT PRIMARY KEY,"
    "  since TEXT NOT NULL,"
    "  reason TEXT NOT NULL);" },
  /* 48 (issue 17): the 考生 list's row ids, newest first, from a narrow
   * index (about 1 MB at 100,000 records) instead of a walk over every
   * record's pages (about 160 MB with the card photos). */
  { 48,
    "CREATE INDEX IF NOT EXISTS candidates_newest ON candidates (id);"
    /* The sync status in the window's header counts the queue and the
     * accepted records on every change: from these instead of the table. */
    "CREATE INDEX IF NOT EXISTS candidates_unsynced ON candidates (id) WHERE version > synced_version;"
    "CREATE INDEX IF NOT EXISTS candidates_synced ON candidates (id) WHERE version <= synced_version;" },
  /* 49 (issue 13): "photo later". A numbered record whose photo cannot be
   * taken now (no camera, the candidate cannot be photographed) keeps the
   * clerk's reason until a photo is stored (bm_store_defer_photo()). Its
   * own table: the record itself (and its version) does not change. */
  { 49,
    "CREATE TABLE IF NOT EXISTS photo_later ("
    "  candidate_uuid TEXT PRIMARY KEY REFERENCES candidates (uuid),"
    "  reason TEXT NOT NULL CHECK (length (reason) > 0),"
    "  operator TEXT NOT NULL,"
    "  at TEXT NOT NULL);" },
  /* H-ops: the accounts the county manages (brought by a point profile or
   * the set-up), apart from those the point's supervisor created on the
   * station: a later profile that no longer lists one of the county's
   * disables it (bm-store-operators.c); the station's own are left alone.
   * Accounts the county brought before this table existed are found by
   * their "operator_add" audit entry, written as the province or the
   * set-up ("system"; not the training accounts). listed_enabled: the
   * enabled flag the county last gave it, NULL once a profile dropped it
   * (a supervisor's own enable or disable stands until the county's flag
   * changes). A table, not a column,
   * so the migration can run again on a store wound back. */
  { 50,
    "CREATE TABLE IF NOT EXISTS profile_accounts ("
    "  user TEXT PRIMARY KEY,"
    "  listed_enabled INTEGER);"
    "INSERT OR IGNORE INTO profile_accounts (user, listed_enabled)"
    "  SELECT json_extract (detail, '$.user'),"
    "    (SELECT enabled FROM operators WHERE user = json_extract (detail, '$.user')) FROM audit_log"
    "  WHERE action = 'operator_add' AND operator IN ('province', 'system')"
    "  AND json_extract (detail, '$.user') IN (SELECT user FROM operators)"
    "  AND json_extract (detail, '$.user') NOT IN ('training', 'training-supervisor');" },
};

static gboolean
read_user_version (BmStore *self, int *version, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = bm_store_prepare (self, "PRAGMA user_version", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return bm_store_set_sqlite_error (self, sqlite3_errcode (bm_store_get_sqlite (self)), error);
  *version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

/* Read-only, and run before anything writes to the file: a store written
 * by a newer program must be refused byte for byte as it is. */
gboolean
bm_store_check_schema_version (BmStore *self, GError **error)
{
  int current;

  if (!read_user_version (self, &current, error))
    return FALSE;
  if (current > migrations[G_N_ELEMENTS (migrations) - 1].version)
    {
      g_set_error (error, BM_ERROR, BM_ERROR_STORE_IO,
                   _("The database was written by a newer version of this program (schema %d). Install the newer version."),
                   current);
      return FALSE;
    }
  return TRUE;
}

/* bm_sha256(blob): lowercase hex SHA-256, for migration 41. */
static void
sql_sha256 (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  g_autofree char *hex = NULL;

  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    {
      sqlite3_result_null (context);
      return;
    }
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, sqlite3_value_blob (argv[0]),
                                     (gsize) sqlite3_value_bytes (argv[0]));
  sqlite3_result_text (context, hex, -1, SQLITE_TRANSIENT);
}

/* bm_online_fields_scrub(text): the allow-list applied, for migration 45. */
static void
sql_online_scrub (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  g_autofree char *kept = bm_online_fields_scrub ((const char *) sqlite3_value_text (argv[0]));

  if (kept == NULL)
    sqlite3_result_null (context);
  else
    sqlite3_result_text (context, kept, -1, SQLITE_TRANSIENT);
}

gboolean
bm_store_migrate (BmStore *self, GError **error)
{
  int current;

  sqlite3_create_function (bm_store_get_sqlite (self), "bm_sha256", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL, sql_sha256, NULL, NULL);
  sqlite3_create_function (bm_store_get_sqlite (self), "bm_online_fields_scrub", 1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL, sql_online_scrub, NULL, NULL);

  if (!bm_store_check_schema_version (self, error) || !read_user_version (self, &current, error))
    return FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *bump = NULL;

      if (migrations[i].version <= current)
        continue;
      if (!bm_store_transaction_begin (self, error))
        return FALSE;
      bump = g_strdup_printf ("PRAGMA user_version = %d", migrations[i].version);
      if (!bm_store_exec (self, migrations[i].sql, error) || !bm_store_exec (self, bump, error))
        {
          bm_store_transaction_rollback (self);
          return FALSE;
        }
      if (!bm_store_transaction_commit (self, error))
        return FALSE;
    }
  return TRUE;
}
