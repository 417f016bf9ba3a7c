/* A GListModel over the store's candidates that loads records only when a
 * list row asks for them. A search keeps just the matching row ids (8 bytes
 * each), so 100,000 records cost under a megabyte until they are shown. */

#include "bm-config.h"

#include "bm-candidate-model.h"

#define CACHE_LIMIT 512

struct _BmCandidateModel
{
  GObject parent_instance;

  BmStore *store;
  char *query;
  GArray *rows;
  GHashTable *cache;   /* position -> BmCandidate */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BmCandidateModel, bm_candidate_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return BM_TYPE_CANDIDATE;
}

static guint
get_n_items (GListModel *model)
{
  return BM_CANDIDATE_MODEL (model)->rows->len;
}

static gpointer
get_item (GListModel *model, guint position)
{
  BmCandidateModel *self = BM_CANDIDATE_MODEL (model);
  BmCandidate *candidate;

  if (position >= self->rows->len)
    return NULL;
  candidate = g_hash_table_lookup (self->cache, GUINT_TO_POINTER (position));
  if (candidate == NULL)
    {
      g_autoptr(GError) error = NULL;

      if (g_hash_table_size (self->cache) >= CACHE_LIMIT)
        g_hash_table_remove_all (self->cache);
      candidate = bm_store_find_by_row (self->store, g_array_index (self->rows, gint64, position), &error);
      if (candidate == NULL)
        {
          /* A row vanished between search and display; show an empty record rather than crash. */
          g_warning ("Candidate row could not be loaded: %s", error->message);
          candidate = bm_candidate_new (NULL);
        }
      g_hash_table_insert (self->cache, GUINT_TO_POINTER (position), candidate);
    }
  return g_object_ref (candidate);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
bm_candidate_model_finalize (GObject *object)
{
  BmCandidateModel *self = BM_CANDIDATE_MODEL (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->cache, g_hash_table_unref);

  G_OBJECT_CLASS (bm_candidate_model_parent_class)->finalize (object);
}

static void
bm_candidate_model_class_init (BmCandidateModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_candidate_model_finalize;
}

static void
bm_candidate_model_init (BmCandidateModel *self)
{
  self->rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cache = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
}

void
bm_candidate_model_reload (BmCandidateModel *self)
{
  g_autoptr(GError) error = NULL;
  guint removed = self->rows->len;
  GArray *rows = bm_store_search_rows (self->store, self->query, &error);

  if (rows == NULL)
    {
      g_warning ("Candidate search failed: %s", error->message);
      rows = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  g_array_unref (self->rows);
  self->rows = rows;
  g_hash_table_remove_all (self->cache);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, rows->len);
}

BmCandidateModel *
bm_candidate_model_new (BmStore *store)
{
  BmCandidateModel *self = g_object_new (BM_TYPE_CANDIDATE_MODEL, NULL);

  self->store = g_object_ref (store);
  bm_candidate_model_reload (self);
  return self;
}

void
bm_candidate_model_set_query (BmCandidateModel *self, const char *query)
{
  if (g_strcmp0 (self->query, query) == 0)
    return;
  g_free (self->query);
  self->query = g_strdup (query);
  bm_candidate_model_reload (self);
}

const char *
bm_candidate_model_get_query (BmCandidateModel *self)
{
  return self->query;
}
