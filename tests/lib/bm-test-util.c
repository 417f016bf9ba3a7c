/* Shared by the tests: valid, distinct candidates and throw-away stores. */

#include "bm-config.h"

#include <glib/gstdio.h>
#include <sys/wait.h>

#include "bm-id-number.h"
#include "bm-store-operators.h"
#include "bm-store-sync.h"
#include "bm-sync-message.h"
#include "bm-test-util.h"

/* A valid resident ID number for each i < 1,000,000: region 430102, a
 * birth date that moves one day every 500 numbers, an odd (male) sequence. */
char *
bm_test_make_id_number (guint i)
{
  g_autoptr(GDate) date = g_date_new_dmy (1, 1, 1990);
  char body[19];

  g_date_add_days (date, i / 500);
  g_snprintf (body, sizeof body, "430102%04d%02d%02d%03u",
              g_date_get_year (date), g_date_get_month (date), g_date_get_day (date), (i % 500) * 2 + 1);
  body[17] = bm_id_number_check_character (body);
  body[18] = '\0';
  return g_strdup (body);
}

BmCandidate *
bm_test_make_candidate (guint i, const char *category)
{
  g_autoptr(BmIdentity) identity = bm_identity_new ();
  g_autofree char *number = bm_test_make_id_number (i);
  g_autofree char *name = g_strdup_printf ("考生%u", i);
  g_autofree char *birth = NULL;
  BmCandidate *candidate;
  int y, m, d;

  bm_id_number_get_birth_date (number, &y, &m, &d);
  birth = g_strdup_printf ("%04d-%02d-%02d", y, m, d);
  bm_identity_set (identity, "id_type", "resident_card");
  bm_identity_set (identity, "id_number", number);
  bm_identity_set (identity, "name", name);
  bm_identity_set (identity, "sex", "1");
  bm_identity_set (identity, "nation", "01");
  bm_identity_set (identity, "birth_date", birth);
  bm_identity_set (identity, "address", "湖南省长沙市芙蓉区某街道1号");
  candidate = bm_candidate_new (identity);
  bm_candidate_set (candidate, "category", category);
  bm_candidate_set (candidate, "candidate_class", "1");
  return candidate;
}

BmStore *
bm_test_open_training (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_store_open (path, TRUE, &error);

  g_assert_no_error (error);
  if (!bm_store_is_set_up (store))
    {
      bm_store_init_training (store, &error);
      g_assert_no_error (error);
    }
  return g_steal_pointer (&store);
}

BmStore *
bm_test_open_with_setup (const char *dir, const char *name, const char *setup_json)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmStore) store = bm_store_open (path, FALSE, &error);
  g_autoptr(JsonNode) node = json_from_string (setup_json, &error);

  g_assert_no_error (error);
  bm_store_init_from_setup (store, json_node_get_object (node), &error);
  g_assert_no_error (error);
  /* The development server's accounts, when the set-up brings none: no
   * write without an operator (issue 12). */
  if (!json_object_has_member (json_node_get_object (node), "operators"))
    {
      bm_store_add_operator (store, "clerk", "张三", NULL, BM_OPERATOR_ROLE_CLERK, BM_ACTOR_SYSTEM, &error);
      g_assert_no_error (error);
      bm_store_add_operator (store, "admin", "李四", NULL, BM_OPERATOR_ROLE_SUPERVISOR, BM_ACTOR_SYSTEM, &error);
      g_assert_no_error (error);
    }
  return g_steal_pointer (&store);
}

char *
bm_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("baoming-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
bm_test_remove_dir (const char *dir)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, g_file_info_get_name (info), NULL);
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        bm_test_remove_dir (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (dir);
}

static void
pull_change (BmStore *store, const char *number, BmSyncChangeKind kind, const char *decision)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_sync_change_free);
  g_autoptr(BmCandidate) candidate = NULL;
  g_autoptr(GError) error = NULL;
  BmSyncChange *change = g_new0 (BmSyncChange, 1);
  static gint64 rev = 1000;

  candidate = bm_store_find_by_number (store, number, &error);
  g_assert_no_error (error);
  change->kind = kind;
  change->uuid = g_strdup (bm_candidate_get (candidate, "uuid"));
  change->number = g_strdup (number);
  change->server_rev = ++rev;
  change->json = g_strdup ("{}");
  if (kind == BM_SYNC_CHANGE_ONLINE_FIELDS)
    {
      change->fields = json_object_new ();
      json_object_set_string_member (change->fields, "remark", "test");
    }
  else
    change->review_state = g_strdup (decision);
  g_ptr_array_add (changes, change);
  g_assert_true (bm_store_sync_apply_changes (store, changes, NULL, &error));
  g_assert_no_error (error);
}

void
bm_test_pull_online_fields (BmStore *store, const char *number)
{
  pull_change (store, number, BM_SYNC_CHANGE_ONLINE_FIELDS, NULL);
}

void
bm_test_pull_decision (BmStore *store, const char *number, const char *decision)
{
  pull_change (store, number, g_str_equal (decision, "returned") ? BM_SYNC_CHANGE_RETURNED : BM_SYNC_CHANGE_REVIEW,
               g_str_equal (decision, "returned") ? NULL : decision);
}

/* Runs a program (found on PATH) with the arguments, NULL-terminated; its
 * standard output in *out (when out is not NULL), its standard error in the
 * test log. Returns the exit status, -1 when it did not exit. */
int
bm_test_run (char       **out,
             const char  *first,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  va_list ap;
  int status;

  g_ptr_array_add (argv, (char *) first);
  va_start (ap, first);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  /* Inheriting stdin spares the child an open of /dev/null. */
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     out, &err, &status, &error))
    g_error ("cannot run %s: %s", first, error->message);
  if (err != NULL && *err)
    g_test_message ("%s: %s", first, err);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return -1;
}
