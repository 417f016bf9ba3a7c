/* A GListModel over the store's candidates that costs what is on screen,
 * not what is in the store (issue 17). A search is one query for the
 * matching row ids (8 bytes each, from an index: no record is read); rows
 * are read a page at a time, BM_STORE_ROWS_PER_QUERY records by one query,
 * when the list asks for a row of that page, and the last PAGE_LIMIT pages
 * are kept (least recently used first out). A new search or a reload is one
 * items-changed. */

#include "bm-config.h"

#include "bm-candidate-model.h"

#define PAGE_ROWS BM_STORE_ROWS_PER_QUERY
#define PAGE_LIMIT 32   /* 2,048 records: a tall window and its scrolling margin */
#define WALK_LIMIT 256  /* rows a list view may read after one change: 4 pages */

typedef struct {
  guint index;
  GPtrArray *items;    /* BmCandidate, PAGE_ROWS or fewer for the last page */
} Page;

struct _BmCandidateModel
{
  GObject parent_instance;

  BmStore *store;
  char *query;
  GArray *rows;
  GQueue pages;        /* Page, most recently used first */
  guint pages_read;    /* queries run for pages, for tests and benchmarks */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BmCandidateModel, bm_candidate_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
page_free (gpointer data)
{
  Page *page = data;

  g_ptr_array_unref (page->items);
  g_free (page);
}

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

static Page *
read_page (BmCandidateModel *self, guint index)
{
  g_autoptr(GError) error = NULL;
  guint first = index * PAGE_ROWS;
  guint n = MIN (PAGE_ROWS, self->rows->len - first);
  Page *page = g_new0 (Page, 1);

  page->index = index;
  page->items = bm_store_find_by_rows (self->store, &g_array_index (self->rows, gint64, first), n, &error);
  self->pages_read++;
  if (page->items == NULL)
    {
      /* A row vanished between search and display (or the store failed):
       * show empty records rather than crash; the next reload fixes it. */
      g_warning ("Candidate rows could not be loaded: %s", error->message);
      page->items = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (page->items, bm_candidate_new (NULL));
    }
  return page;
}

static gpointer
get_item (GListModel *model, guint position)
{
  BmCandidateModel *self = BM_CANDIDATE_MODEL (model);
  guint index = position / PAGE_ROWS;
  Page *page = NULL;

  if (position >= self->rows->len)
    return NULL;
  for (GList *l = self->pages.head; l != NULL; l = l->next)
    if (((Page *) l->data)->index == index)
      {
        page = l->data;
        if (l != self->pages.head)
          {
            g_queue_unlink (&self->pages, l);
            g_queue_push_head_link (&self->pages, l);
          }
        break;
      }
  if (page == NULL)
    {
      page = read_page (self, index);
      g_queue_push_head (&self->pages, page);
      if (self->pages.length > PAGE_LIMIT)
        page_free (g_queue_pop_tail (&self->pages));
    }
  return g_object_ref (g_ptr_array_index (page->items, position % PAGE_ROWS));
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
  g_queue_clear_full (&self->pages, page_free);

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
  g_queue_init (&self->pages);
}

static GArray *
search (BmCandidateModel *self)
{
  g_autoptr(GError) error = NULL;
  GArray *rows = bm_store_search_rows (self->store, self->query, &error);

  if (rows == NULL)
    {
      g_warning ("Candidate search failed: %s", error->message);
      rows = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  return rows;
}

/* A list view that is told rows were removed and others added at the same
 * time looks for each removed row's item among all the added ones, reading
 * every added row (GTK 4.8's list item manager). So a new search is told as
 * "all gone", then "these are there": the view reads only the rows it shows. */
static void
replace_rows (BmCandidateModel *self, GArray *rows)
{
  guint removed = self->rows->len;

  /* Few rows: one change, so the view keeps its row widgets (it reads the
   * added rows, a few pages); many: told in two, so it reads none. */
  if (removed == 0 || rows->len <= WALK_LIMIT)
    {
      g_array_unref (self->rows);
      self->rows = rows;
      g_queue_clear_full (&self->pages, page_free);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, rows->len);
      return;
    }

  /* Between the two, the model is what it says: empty. */
  g_array_set_size (self->rows, 0);
  g_queue_clear_full (&self->pages, page_free);
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  g_array_unref (self->rows);
  self->rows = rows;
  if (rows->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, rows->len);
}

/* The store changed: the same search again. Rows the records were already
 * at keep their place (new records come first, newest first), so only the
 * rows that differ are told as changed, and then the pages the view was
 * showing, whose records may have changed, are read again (at most
 * PAGE_LIMIT pages; a page not in use is read when next asked for). */
void
bm_candidate_model_reload (BmCandidateModel *self)
{
  GArray *rows = search (self);
  GArray *old = self->rows;
  guint old_len = old->len, new_len = rows->len, prefix = 0, suffix = 0;
  g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (guint));

  while (prefix < old_len && prefix < new_len
         && g_array_index (old, gint64, prefix) == g_array_index (rows, gint64, prefix))
    prefix++;
  while (suffix < old_len - prefix && suffix < new_len - prefix
         && g_array_index (old, gint64, old_len - 1 - suffix) == g_array_index (rows, gint64, new_len - 1 - suffix))
    suffix++;
  /* The cached pages' first rows, where those rows are now. */
  for (GList *l = self->pages.head; l != NULL; l = l->next)
    {
      guint first = ((Page *) l->data)->index * PAGE_ROWS;

      if (first < prefix)
        g_array_append_val (shown, first);
      else if (first >= old_len - suffix)
        {
          guint moved = first + new_len - old_len;
          g_array_append_val (shown, moved);
        }
    }

  self->rows = rows;
  g_queue_clear_full (&self->pages, page_free);
  if (old_len - prefix - suffix > 0 || new_len - prefix - suffix > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old_len - prefix - suffix, new_len - prefix - suffix);
  g_array_unref (old);
  for (guint i = 0; i < shown->len; i++)
    {
      guint first = g_array_index (shown, guint, i);
      guint n = MIN (PAGE_ROWS, new_len - first);

      g_list_model_items_changed (G_LIST_MODEL (self), first, n, n);
    }
}

BmCandidateModel *
bm_candidate_model_new (BmStore *store)
{
  BmCandidateModel *self = g_object_new (BM_TYPE_CANDIDATE_MODEL, NULL);

  self->store = g_object_ref (store);
  replace_rows (self, search (self));
  return self;
}

void
bm_candidate_model_set_query (BmCandidateModel *self, const char *query)
{
  if (g_strcmp0 (self->query, query) == 0)
    return;
  g_free (self->query);
  self->query = g_strdup (query);
  replace_rows (self, search (self));
}

const char *
bm_candidate_model_get_query (BmCandidateModel *self)
{
  return self->query;
}

/* How many page queries the model has run (each reads up to
 * BM_STORE_ROWS_PER_QUERY records), for tests and benchmarks. */
guint
bm_candidate_model_get_pages_read (BmCandidateModel *self)
{
  return self->pages_read;
}
