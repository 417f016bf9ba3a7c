/* bm-document.c: one printable document (a batch of pages of one kind) */
#include "bm-config.h"

#include "bm-document-private.h"
#include "bm-print-error.h"
#include "bm-qr-sign.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_SITE_URL "https://www.hneao.cn/ks"

/* The mark on every page printed in training mode. It is a fixed Chinese
 * mark on paper, not an interface string: a training login card must say
 * 培训样张 to the candidate and the county whatever language the clerk's
 * screen speaks, so it is not translated. */
#define TRAINING_MARK "培训样张"

struct _BmDocument
{
  GObject              parent_instance;

  BmDocumentKind       kind;
  GHashTable          *point;
  GPtrArray           *records;
  gboolean             single_card;
  guint                blank_count;
  BmDocumentPhotoFunc  photo_func;
  gpointer             photo_data;
  GDestroyNotify       photo_destroy;
  guint                unknown_glyphs;
  guint                overflows;
  gboolean             training;
  BmStationKeys       *qr_keys;
  char                *qr_workstation;
};

G_DEFINE_FINAL_TYPE (BmDocument, bm_document, G_TYPE_OBJECT)

static const struct
{
  const char *id;
  const char *title;
} kinds[] = {
  [BM_DOCUMENT_LOGIN_CARDS] = { "login-cards", "网报登录卡" },
  [BM_DOCUMENT_LOGIN_TABLE] = { "login-table", "网报登录表" },
  [BM_DOCUMENT_PROOF_SHEETS] = { "proof-sheets", "校对表" },
  [BM_DOCUMENT_DRAFT_FORMS] = { "draft-forms", "报名草表" },
  [BM_DOCUMENT_REVIEW_FORMS] = { "review-form", "随迁子女资格审核表" },
};

const char *
bm_document_kind_to_string (BmDocumentKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kinds), NULL);
  return kinds[kind].id;
}

gboolean
bm_document_kind_from_string (const char     *str,
                              BmDocumentKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (str, kinds[i].id) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
bm_document_kind_get_title (BmDocumentKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kinds), NULL);
  return kinds[kind].title;
}

static const BmLayout *
get_layout (BmDocument *doc)
{
  switch (doc->kind)
    {
    case BM_DOCUMENT_LOGIN_CARDS:
      return &bm_layout_login_cards;
    case BM_DOCUMENT_LOGIN_TABLE:
      return &bm_layout_login_table;
    case BM_DOCUMENT_PROOF_SHEETS:
      return &bm_layout_proof_sheets;
    case BM_DOCUMENT_DRAFT_FORMS:
      return &bm_layout_draft_forms;
    case BM_DOCUMENT_REVIEW_FORMS:
    default:
      return &bm_layout_review_forms;
    }
}

static void
bm_document_finalize (GObject *object)
{
  BmDocument *self = BM_DOCUMENT (object);

  if (self->photo_destroy != NULL)
    self->photo_destroy (self->photo_data);
  g_hash_table_unref (self->point);
  g_ptr_array_unref (self->records);
  g_clear_pointer (&self->qr_keys, bm_station_keys_free);
  g_free (self->qr_workstation);
  G_OBJECT_CLASS (bm_document_parent_class)->finalize (object);
}

static void
bm_document_class_init (BmDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_document_finalize;
}

static void
bm_document_init (BmDocument *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  self->point = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_print_record_unref);
  self->blank_count = 1;
  g_hash_table_insert (self->point, g_strdup ("site_url"), g_strdup (DEFAULT_SITE_URL));
  g_hash_table_insert (self->point, g_strdup ("print_time"), g_date_time_format (now, "%Y-%m-%d %H:%M"));
  g_hash_table_insert (self->point, g_strdup ("print_date"), g_date_time_format (now, "%Y-%m-%d"));
}

BmDocument *
bm_document_new (BmDocumentKind kind)
{
  BmDocument *self = g_object_new (BM_TYPE_DOCUMENT, NULL);

  self->kind = kind;
  return self;
}

BmDocumentKind
bm_document_get_kind (BmDocument *doc)
{
  return doc->kind;
}

void
bm_document_set_point (BmDocument *doc,
                       const char *key,
                       const char *value)
{
  g_return_if_fail (BM_IS_DOCUMENT (doc));
  if (value == NULL)
    g_hash_table_remove (doc->point, key);
  else
    g_hash_table_replace (doc->point, g_strdup (key), g_strdup (value));
}

const char *
bm_document_get_point (BmDocument *doc,
                       const char *key)
{
  return g_hash_table_lookup (doc->point, key);
}

const char *
bm_document_get_point_str (BmDocument *doc,
                           const char *key)
{
  const char *v = g_hash_table_lookup (doc->point, key);

  return v != NULL ? v : "";
}

void
bm_document_add_record (BmDocument    *doc,
                        BmPrintRecord *record)
{
  g_return_if_fail (BM_IS_DOCUMENT (doc));
  g_ptr_array_add (doc->records, bm_print_record_ref (record));
}

guint
bm_document_get_n_records (BmDocument *doc)
{
  return doc->records->len;
}

BmPrintRecord *
bm_document_get_record (BmDocument *doc,
                        guint       index)
{
  g_return_val_if_fail (index < doc->records->len, NULL);
  return g_ptr_array_index (doc->records, index);
}

void
bm_document_set_single_card (BmDocument *doc,
                             gboolean    single)
{
  doc->single_card = single;
}

gboolean
bm_document_get_single_card (BmDocument *doc)
{
  return doc->single_card;
}

void
bm_document_set_blank_count (BmDocument *doc,
                             guint       count)
{
  doc->blank_count = count;
}

guint
bm_document_get_blank_count (BmDocument *doc)
{
  return doc->blank_count;
}

void
bm_document_set_photo_func (BmDocument          *doc,
                            BmDocumentPhotoFunc  func,
                            gpointer             user_data,
                            GDestroyNotify       destroy)
{
  if (doc->photo_destroy != NULL)
    doc->photo_destroy (doc->photo_data);
  doc->photo_func = func;
  doc->photo_data = user_data;
  doc->photo_destroy = destroy;
}

GBytes *
bm_document_load_photo (BmDocument    *doc,
                        BmPrintRecord *record)
{
  GBytes *photo = bm_print_record_get_photo (record);

  if (photo != NULL)
    return g_bytes_ref (photo);
  if (doc->photo_func != NULL)
    return doc->photo_func (record, doc->photo_data);
  return NULL;
}

char *
bm_document_login_qr_text (BmDocument    *doc,
                           BmPrintRecord *record)
{
  const char *url = bm_document_get_point_str (doc, "site_url");

  if (doc->qr_keys != NULL)
    {
      char *signed_text = bm_qr_sign (doc->qr_keys, doc->qr_workstation,
                                      bm_print_record_get_str (record, "number"),
                                      bm_print_record_get_str (record, "name"));

      if (signed_text != NULL)
        return signed_text;
    }
  return g_strdup_printf ("%s%sbmxh=%s", url, strchr (url, '?') ? "&" : "?",
                          bm_print_record_get_str (record, "number"));
}

guint
bm_document_get_n_pages (BmDocument *doc)
{
  return get_layout (doc)->count_pages (doc);
}

gboolean
bm_document_is_landscape (BmDocument *doc)
{
  return get_layout (doc)->landscape;
}

void
bm_document_get_page_size (BmDocument *doc,
                           double     *width,
                           double     *height)
{
  gboolean landscape = bm_document_is_landscape (doc);

  *width = landscape ? BM_A4_HEIGHT : BM_A4_WIDTH;
  *height = landscape ? BM_A4_WIDTH : BM_A4_HEIGHT;
}

guint
bm_document_get_unknown_glyphs (BmDocument *doc)
{
  return doc->unknown_glyphs;
}

guint
bm_document_get_overflows (BmDocument *doc)
{
  return doc->overflows;
}

void
bm_document_set_training (BmDocument *doc,
                          gboolean    training)
{
  doc->training = training;
}

gboolean
bm_document_get_training (BmDocument *doc)
{
  return doc->training;
}

void
bm_document_set_qr_signer (BmDocument          *doc,
                           const BmStationKeys *keys,
                           const char          *workstation_id)
{
  g_return_if_fail (BM_IS_DOCUMENT (doc));
  g_clear_pointer (&doc->qr_keys, bm_station_keys_free);
  g_clear_pointer (&doc->qr_workstation, g_free);
  if (keys == NULL || workstation_id == NULL || *workstation_id == '\0')
    return;
  doc->qr_keys = g_memdup2 (keys, sizeof *keys);
  doc->qr_workstation = g_strdup (workstation_id);
}

/* Large, diagonal and drawn over the content (translucent, so the page stays
 * readable): a training printout cannot pass for a real one, and cutting
 * the mark off a login card would cut the card. */
static void
draw_training_mark (BmDocument *doc,
                    BmPaint    *paint)
{
  cairo_t *cr = bm_paint_get_cairo (paint);
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoFontDescription) font = NULL;
  PangoRectangle ink;
  double w, h, scale;

  if (!doc->training)
    return;
  bm_document_get_page_size (doc, &w, &h);
  layout = pango_cairo_create_layout (cr);
  font = pango_font_description_from_string (BM_PAINT_FAMILY " Bold 100");
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, TRAINING_MARK, -1);
  pango_layout_get_pixel_extents (layout, &ink, NULL);
  /* Along the diagonal, 65 % of its length: every glyph stays whole on
   * the page, landscape too. */
  scale = 0.65 * sqrt (w * w + h * h) / MAX (ink.width, 1);
  cairo_save (cr);
  cairo_translate (cr, w / 2, h / 2);
  cairo_rotate (cr, -atan2 (h, w));
  cairo_scale (cr, scale, scale);
  cairo_move_to (cr, -ink.x - ink.width / 2.0, -ink.y - ink.height / 2.0);
  cairo_set_source_rgba (cr, 0.6, 0.6, 0.6, 0.35);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

void
bm_document_draw_page (BmDocument *doc,
                       cairo_t    *cr,
                       guint       page)
{
  BmPaint *paint = bm_paint_new (cr);
  guint n_pages = bm_document_get_n_pages (doc);

  cairo_save (cr);
  get_layout (doc)->draw_page (doc, paint, MIN (page, n_pages - 1), n_pages);
  cairo_restore (cr);
  draw_training_mark (doc, paint);
  doc->unknown_glyphs += bm_paint_get_unknown_glyphs (paint);
  doc->overflows += bm_paint_get_overflows (paint);
  bm_paint_free (paint);
}

gboolean
bm_document_render_pdf (BmDocument              *doc,
                        cairo_write_func_t       write_func,
                        gpointer                 closure,
                        BmDocumentProgressFunc   progress,
                        gpointer                 progress_data,
                        GCancellable            *cancellable,
                        GError                 **error)
{
  const BmLayout *layout = get_layout (doc);
  cairo_surface_t *surface;
  cairo_t *cr;
  BmPaint *paint;
  guint n_pages;
  double w, h;
  cairo_status_t status;
  g_autofree char *title = NULL;

  g_return_val_if_fail (BM_IS_DOCUMENT (doc), FALSE);

  n_pages = layout->count_pages (doc);
  bm_document_get_page_size (doc, &w, &h);
  surface = cairo_pdf_surface_create_for_stream (write_func, closure, w, h);
  title = g_strdup_printf ("%s %s", bm_document_kind_get_title (doc->kind),
                           bm_document_get_point_str (doc, "point_name"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Baoming");
  cr = cairo_create (surface);
  paint = bm_paint_new (cr);
  doc->unknown_glyphs = 0;
  doc->overflows = 0;

  for (guint page = 0; page < n_pages; page++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        break;
      cairo_save (cr);
      layout->draw_page (doc, paint, page, n_pages);
      cairo_restore (cr);
      draw_training_mark (doc, paint);
      cairo_show_page (cr);
      if (progress != NULL)
        progress (page + 1, n_pages, progress_data);
      /* A failed write (printer went away) must stop the batch, not be noticed
       * a thousand pages later. */
      if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
        break;
    }

  doc->unknown_glyphs = bm_paint_get_unknown_glyphs (paint);
  doc->overflows = bm_paint_get_overflows (paint);
  bm_paint_free (paint);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, BM_PRINT_ERROR, BM_PRINT_ERROR_FAILED,
                   _("Could not write the document: %s"), cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static cairo_status_t
write_to_file (void                *closure,
               const unsigned char *data,
               unsigned int         length)
{
  return fwrite (data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

gboolean
bm_document_save_pdf (BmDocument    *doc,
                      const char    *path,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autofree char *tmp = NULL;
  GStatBuf st;
  FILE *f;
  int fd;
  gboolean ok;

  /* Something that is not a regular file (a pipe, a device) is written in
   * place: never renamed over, which as root would replace /dev/null. */
  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      fd = g_open (path, O_WRONLY | O_CLOEXEC, 0);
      if (fd < 0 || (f = fdopen (fd, "wb")) == NULL)
        {
          int saved = errno;

          if (fd >= 0)
            close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not write %s: %s"), path, g_strerror (saved));
          return FALSE;
        }
      ok = bm_document_render_pdf (doc, write_to_file, f, NULL, NULL, cancellable, error);
      if (fclose (f) != 0 && ok)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not write %s: %s"), path, g_strerror (saved));
          ok = FALSE;
        }
      return ok;
    }

  tmp = g_strconcat (path, ".part", NULL);
  /* Cards and proof sheets carry ID numbers and passwords: owner-only file. */
  fd = g_open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || (f = fdopen (fd, "wb")) == NULL)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create %s: %s"), tmp, g_strerror (saved));
      return FALSE;
    }
  ok = bm_document_render_pdf (doc, write_to_file, f, NULL, NULL, cancellable, error);
  if (fclose (f) != 0 && ok)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not write %s: %s"), tmp, g_strerror (saved));
      ok = FALSE;
    }
  if (ok && g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not write %s: %s"), path, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  return ok;
}
