/* bm-paint.c: drawing helpers shared by the page layouts */
#include "bm-paint.h"

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <pango/pangofc-font.h>
#include <qrencode.h>
#include <string.h>

/* Below this size text on a form is hard to read; we only go smaller when the
 * alternative would be cutting text off. */
#define MIN_READABLE_SIZE 6.5
#define ABSOLUTE_MIN_SIZE 3.0

struct _BmPaint
{
  cairo_t              *cr;
  PangoContext         *context;
  PangoLayout          *layout;
  PangoFontDescription *font;
  guint                 unknown_glyphs;
  guint                 overflows;
  GHashTable           *fitted;   /* key -> FittedText */
  PangoAttrList        *attrs;
};

/* Labels, titles and notes repeat on every page: shaping them once instead of
 * once per page (and per fitting attempt) made 1,000 login cards 2-3 times
 * faster. Bounded, so memory stays flat in the page count. */
#define FITTED_CACHE_MAX 4096

typedef struct
{
  PangoLayout *layout;
  double       dx, dy;
  double       size;
  guint        unknown;
} FittedText;

static void
fitted_text_free (gpointer data)
{
  FittedText *f = data;

  g_object_unref (f->layout);
  g_free (f);
}

BmPaint *
bm_paint_new (cairo_t *cr)
{
  BmPaint *self = g_new0 (BmPaint, 1);
  cairo_font_options_t *options;

  self->cr = cairo_reference (cr);
  self->context = pango_cairo_create_context (cr);
  /* Hinting would snap glyph metrics to device pixels of a 72 dpi "device",
   * which makes measured widths on paper wrong. */
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (self->context, options);
  /* Lay out in page points whatever the target's scale, so a preview breaks
   * lines and picks sizes exactly as the printed page does. */
  pango_context_set_matrix (self->context, NULL);
  cairo_font_options_destroy (options);
  self->layout = pango_layout_new (self->context);
  self->font = pango_font_description_new ();
  self->fitted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, fitted_text_free);
  /* A hyphen inserted into a wrapped name or ID number would read as part
   * of it. */
  self->attrs = pango_attr_list_new ();
  pango_attr_list_insert (self->attrs, pango_attr_insert_hyphens_new (FALSE));
  return self;
}

void
bm_paint_free (BmPaint *paint)
{
  if (paint == NULL)
    return;
  g_hash_table_unref (paint->fitted);
  pango_attr_list_unref (paint->attrs);
  g_object_unref (paint->layout);
  g_object_unref (paint->context);
  pango_font_description_free (paint->font);
  cairo_destroy (paint->cr);
  g_free (paint);
}

cairo_t *
bm_paint_get_cairo (BmPaint *paint)
{
  return paint->cr;
}

guint
bm_paint_get_unknown_glyphs (BmPaint *paint)
{
  return paint->unknown_glyphs;
}

guint
bm_paint_get_overflows (BmPaint *paint)
{
  return paint->overflows;
}

/* ---- drawing text -----------------------------------------------------
 *
 * cairo 1.16 (Debian 12) subsets Noto Sans CJK's CFF charstrings wrongly for
 * some glyphs in small subsets: 如 alone, for one, comes out blank in the PDF
 * (poppler) or as a box (Ghostscript), while the text layer still says 如.
 * Marking our own font faces "synthetic" makes cairo embed outlines it takes
 * from FreeType instead (its CFF fallback), which are always right. The flag
 * bit used is not one cairo acts on when drawing, so nothing else changes.
 * We therefore draw pango's glyph runs ourselves, with the same glyph ids
 * and positions, and keep the text (clusters) so PDF text stays searchable.
 */
#define BM_SYNTHETIC_FOR_EMBEDDING (1u << 7)

G_LOCK_DEFINE_STATIC (faces);
static GHashTable *faces;   /* "file#index" -> cairo_font_face_t */
static FT_Library ft_library;
static const cairo_user_data_key_t ft_face_key;

static void
done_ft_face (void *data)
{
  G_LOCK (faces);
  FT_Done_Face (data);
  G_UNLOCK (faces);
}

static cairo_font_face_t *
embedding_face (PangoFont *font)
{
  FcPattern *pattern;
  FcChar8 *file = NULL;
  int index = 0;
  g_autofree char *key = NULL;
  cairo_font_face_t *face;
  FT_Face ft_face;

  if (!PANGO_IS_FC_FONT (font))
    return NULL;
  pattern = pango_fc_font_get_pattern (PANGO_FC_FONT (font));
  if (FcPatternGetString (pattern, FC_FILE, 0, &file) != FcResultMatch)
    return NULL;
  FcPatternGetInteger (pattern, FC_INDEX, 0, &index);
  key = g_strdup_printf ("%s#%d", file, index);

  G_LOCK (faces);
  if (faces == NULL)
    faces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cairo_font_face_destroy);
  face = g_hash_table_lookup (faces, key);
  if (face == NULL && (ft_library != NULL || FT_Init_FreeType (&ft_library) == 0)
      && FT_New_Face (ft_library, (const char *) file, index, &ft_face) == 0)
    {
      face = cairo_ft_font_face_create_for_ft_face (ft_face, 0);
      cairo_font_face_set_user_data (face, &ft_face_key, ft_face, done_ft_face);
      cairo_ft_font_face_set_synthesize (face, BM_SYNTHETIC_FOR_EMBEDDING);
      g_hash_table_insert (faces, g_steal_pointer (&key), face);
    }
  G_UNLOCK (faces);
  return face;
}

static void
show_run (cairo_t        *cr,
          PangoLayoutRun *run,
          const char     *text,
          double          x,
          double          y)
{
  PangoGlyphString *glyphs = run->glyphs;
  PangoItem *item = run->item;
  cairo_scaled_font_t *pango_scaled = pango_cairo_font_get_scaled_font (PANGO_CAIRO_FONT (item->analysis.font));
  cairo_font_face_t *face = embedding_face (item->analysis.font);
  g_autofree cairo_glyph_t *cglyphs = g_new (cairo_glyph_t, MAX (glyphs->num_glyphs, 1));
  g_autofree cairo_text_cluster_t *clusters = g_new0 (cairo_text_cluster_t, MAX (glyphs->num_glyphs, 1));
  const char *item_text = text + item->offset;
  cairo_matrix_t font_matrix;
  cairo_font_options_t *options;
  int n = 0, n_clusters = 0;
  double px = x;

  if (pango_scaled == NULL)
    return;
  for (int i = 0; i < glyphs->num_glyphs; i++)
    {
      PangoGlyphInfo *gi = &glyphs->glyphs[i];
      int start = glyphs->log_clusters[i];

      /* One cluster per run of glyphs sharing a log cluster (left to right). */
      if (i == 0 || start != glyphs->log_clusters[i - 1])
        {
          int end = item->length;

          for (int j = i + 1; j < glyphs->num_glyphs; j++)
            if (glyphs->log_clusters[j] != start)
              {
                end = glyphs->log_clusters[j];
                break;
              }
          clusters[n_clusters].num_bytes = MAX (end - start, 0);
          clusters[n_clusters].num_glyphs = 0;
          n_clusters++;
        }
      if (!(gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG) && gi->glyph != PANGO_GLYPH_EMPTY)
        {
          cglyphs[n].index = gi->glyph;
          cglyphs[n].x = px + pango_units_to_double (gi->geometry.x_offset);
          cglyphs[n].y = y + pango_units_to_double (gi->geometry.y_offset);
          n++;
          clusters[n_clusters - 1].num_glyphs++;
        }
      px += pango_units_to_double (gi->geometry.width);
    }
  if (n == 0)
    return;

  cairo_save (cr);
  cairo_scaled_font_get_font_matrix (pango_scaled, &font_matrix);
  options = cairo_font_options_create ();
  cairo_scaled_font_get_font_options (pango_scaled, options);
  if (face != NULL)
    {
      cairo_set_font_face (cr, face);
      cairo_set_font_matrix (cr, &font_matrix);
      cairo_set_font_options (cr, options);
    }
  else
    cairo_set_scaled_font (cr, pango_scaled);
  cairo_show_text_glyphs (cr, item_text, item->length, cglyphs, n, clusters, n_clusters, 0);
  cairo_font_options_destroy (options);
  cairo_restore (cr);
}

static void
draw_layout (cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  const char *text = pango_layout_get_text (layout);

  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);
      PangoRectangle logical;

      if (run == NULL)
        continue;
      pango_layout_iter_get_run_extents (iter, NULL, &logical);
      show_run (cr, run, text, x + pango_units_to_double (logical.x),
                y + pango_units_to_double (pango_layout_iter_get_baseline (iter)));
    }
  while (pango_layout_iter_next_run (iter));
  pango_layout_iter_free (iter);
}

static void
setup_layout (BmPaint     *paint,
              double       size,
              BmTextFlags  flags,
              double       wrap_width,
              const char  *text)
{
  PangoLayout *layout = paint->layout;

  pango_font_description_set_family_static (paint->font,
                                            (flags & BM_TEXT_MONO) ? BM_PAINT_FAMILY_MONO : BM_PAINT_FAMILY);
  pango_font_description_set_weight (paint->font, (flags & BM_TEXT_BOLD) ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size (paint->font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, paint->font);
  if (wrap_width > 0)
    {
      pango_layout_set_width (layout, (int) (wrap_width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  else
    pango_layout_set_width (layout, -1);
  if (flags & BM_TEXT_CENTER)
    pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  else if (flags & BM_TEXT_RIGHT)
    pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
  else
    pango_layout_set_alignment (layout, PANGO_ALIGN_LEFT);
  pango_layout_set_attributes (layout, paint->attrs);
  pango_layout_set_text (layout, text, -1);
}

static void
show_layout (BmPaint     *paint,
             double       x,
             double       y,
             BmTextFlags  flags)
{
  cairo_t *cr = paint->cr;

  paint->unknown_glyphs += pango_layout_get_unknown_glyphs_count (paint->layout);
  cairo_save (cr);
  if (flags & BM_TEXT_GREY)
    cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  else
    cairo_set_source_rgb (cr, 0, 0, 0);
  draw_layout (cr, paint->layout, x, y);
  cairo_restore (cr);
}

static void
show_fitted (BmPaint          *paint,
             const FittedText *f,
             double            x,
             double            y,
             BmTextFlags       flags)
{
  cairo_t *cr = paint->cr;

  paint->unknown_glyphs += f->unknown;
  cairo_save (cr);
  if (flags & BM_TEXT_GREY)
    cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  else
    cairo_set_source_rgb (cr, 0, 0, 0);
  draw_layout (cr, f->layout, x + f->dx, y + f->dy);
  cairo_restore (cr);
}

double
bm_paint_text (BmPaint     *paint,
               double       x,
               double       y,
               double       w,
               double       h,
               double       size,
               BmTextFlags  flags,
               const char  *text)
{
  g_autofree char *key = NULL;
  FittedText *f;
  double s;
  int lw, lh;
  gboolean overflow = FALSE;

  if (text == NULL || *text == '\0')
    return size;

  key = g_strdup_printf ("%.2f|%.2f|%.2f|%x|%s", w, h, size, flags, text);
  f = g_hash_table_lookup (paint->fitted, key);
  if (f != NULL)
    {
      show_fitted (paint, f, x, y, flags);
      return f->size;
    }

  for (s = size; ; s = MAX (s - 0.5, ABSOLUTE_MIN_SIZE))
    {
      setup_layout (paint, s, flags, -1, text);
      pango_layout_get_size (paint->layout, &lw, &lh);
      if (lw <= w * PANGO_SCALE && lh <= h * PANGO_SCALE)
        break;
      if (flags & BM_TEXT_WRAP)
        {
          setup_layout (paint, s, flags, w, text);
          pango_layout_get_size (paint->layout, &lw, &lh);
          if (lh <= h * PANGO_SCALE)
            {
              lw = (int) (w * PANGO_SCALE);
              break;
            }
        }
      if (s <= ABSOLUTE_MIN_SIZE)
        {
          overflow = TRUE;
          break;
        }
      /* Long text in small fields steps down faster so the search stays cheap. */
      if (s > MIN_READABLE_SIZE && lw > 2 * w * PANGO_SCALE && !(flags & BM_TEXT_WRAP))
        s = MAX (s * w * PANGO_SCALE / lw + 0.5, MIN_READABLE_SIZE + 0.5);
    }

  f = g_new0 (FittedText, 1);
  f->layout = pango_layout_copy (paint->layout);
  f->size = s;
  f->unknown = pango_layout_get_unknown_glyphs_count (paint->layout);
  if (!(flags & BM_TEXT_TOP))
    f->dy = MAX ((h - (double) lh / PANGO_SCALE) / 2.0, 0);
  if (pango_layout_get_width (paint->layout) < 0)
    {
      if (flags & BM_TEXT_CENTER)
        f->dx = (w - (double) lw / PANGO_SCALE) / 2.0;
      else if (flags & BM_TEXT_RIGHT)
        f->dx = w - (double) lw / PANGO_SCALE;
    }
  show_fitted (paint, f, x, y, flags);
  /* Overflows are counted per drawing, so they are not cached. */
  if (overflow)
    {
      paint->overflows++;
      fitted_text_free (f);
      return s;
    }
  if (g_hash_table_size (paint->fitted) >= FITTED_CACHE_MAX)
    g_hash_table_remove_all (paint->fitted);
  g_hash_table_insert (paint->fitted, g_steal_pointer (&key), f);
  return s;
}

double
bm_paint_text_at (BmPaint     *paint,
                  double       x,
                  double       y,
                  double       size,
                  BmTextFlags  flags,
                  const char  *text)
{
  int lw, lh;

  setup_layout (paint, size, flags & ~(BM_TEXT_CENTER | BM_TEXT_RIGHT), -1, text);
  pango_layout_get_size (paint->layout, &lw, &lh);
  if (flags & BM_TEXT_CENTER)
    x -= (double) lw / PANGO_SCALE / 2.0;
  else if (flags & BM_TEXT_RIGHT)
    x -= (double) lw / PANGO_SCALE;
  show_layout (paint, x, y, flags);
  return (double) lw / PANGO_SCALE;
}

double
bm_paint_text_height (BmPaint     *paint,
                      double       w,
                      double       size,
                      BmTextFlags  flags,
                      const char  *text)
{
  int lw, lh;

  setup_layout (paint, size, flags, w, text);
  pango_layout_get_size (paint->layout, &lw, &lh);
  return (double) lh / PANGO_SCALE;
}

void
bm_paint_rect (BmPaint *paint,
               double   x,
               double   y,
               double   w,
               double   h,
               double   line_width)
{
  cairo_t *cr = paint->cr;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, line_width);
  cairo_rectangle (cr, x, y, w, h);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
bm_paint_fill_rect (BmPaint *paint,
                    double   x,
                    double   y,
                    double   w,
                    double   h,
                    double   grey)
{
  cairo_t *cr = paint->cr;

  cairo_save (cr);
  cairo_set_source_rgb (cr, grey, grey, grey);
  cairo_rectangle (cr, x, y, w, h);
  cairo_fill (cr);
  cairo_restore (cr);
}

void
bm_paint_line (BmPaint *paint,
               double   x1,
               double   y1,
               double   x2,
               double   y2,
               double   line_width)
{
  cairo_t *cr = paint->cr;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, line_width);
  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x2, y2);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
bm_paint_dashed_line (BmPaint *paint,
                      double   x1,
                      double   y1,
                      double   x2,
                      double   y2)
{
  cairo_t *cr = paint->cr;
  const double dash[] = { 3.0, 3.0 };

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_set_line_width (cr, 0.4);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x2, y2);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
bm_paint_crop_marks (BmPaint *paint,
                     double   x,
                     double   y,
                     double   w,
                     double   h)
{
  const double gap = BM_MM (1.0), len = BM_MM (4.0);
  double xs[2] = { x, x + w }, ys[2] = { y, y + h };

  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      {
        double sx = i == 0 ? -1 : 1, sy = j == 0 ? -1 : 1;

        bm_paint_line (paint, xs[i] + sx * gap, ys[j], xs[i] + sx * (gap + len), ys[j], 0.3);
        bm_paint_line (paint, xs[i], ys[j] + sy * gap, xs[i], ys[j] + sy * (gap + len), 0.3);
      }
}

double
bm_paint_char_boxes (BmPaint *paint,
                     double   x,
                     double   y,
                     double   box,
                     guint    n)
{
  for (guint i = 0; i < n; i++)
    bm_paint_rect (paint, x + i * box, y, box, box, 0.5);
  return n * box;
}

double
bm_paint_checkbox (BmPaint    *paint,
                   double      x,
                   double      y,
                   double      size,
                   const char *label,
                   gboolean    checked)
{
  double box = size * 0.85;
  double w;

  bm_paint_rect (paint, x, y + (size * 1.4 - box) / 2, box, box, 0.5);
  if (checked)
    {
      cairo_t *cr = paint->cr;
      double bx = x, by = y + (size * 1.4 - box) / 2;

      cairo_save (cr);
      cairo_set_line_width (cr, 1.0);
      cairo_move_to (cr, bx + box * 0.2, by + box * 0.55);
      cairo_line_to (cr, bx + box * 0.42, by + box * 0.8);
      cairo_line_to (cr, bx + box * 0.85, by + box * 0.2);
      cairo_stroke (cr);
      cairo_restore (cr);
    }
  w = bm_paint_text_at (paint, x + box + size * 0.3, y, size, 0, label);
  return box + size * 0.3 + w;
}

gboolean
bm_paint_qr (BmPaint    *paint,
             const char *text,
             double      x,
             double      y,
             double      side)
{
  const int quiet = 4;
  QRcode *qr;
  cairo_t *cr = paint->cr;
  cairo_surface_t *img;
  cairo_pattern_t *pattern;
  unsigned char *px;
  int stride, n;

  qr = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  if (qr == NULL)
    return FALSE;

  /* One pixel per module, scaled up without smoothing: a tiny lossless image
   * in the PDF instead of a thousand rectangles per code (4x faster to
   * write, and every rasteriser keeps the modules sharp). */
  n = qr->width + 2 * quiet;
  img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, n, n);
  px = cairo_image_surface_get_data (img);
  stride = cairo_image_surface_get_stride (img);
  for (int r = 0; r < n; r++)
    for (int c = 0; c < n; c++)
      {
        gboolean dark = r >= quiet && c >= quiet && r < quiet + qr->width && c < quiet + qr->width
                        && (qr->data[(r - quiet) * qr->width + (c - quiet)] & 1);

        *(guint32 *) (px + r * stride + 4 * c) = dark ? 0x000000 : 0xFFFFFF;
      }
  cairo_surface_mark_dirty (img);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, side / n, side / n);
  cairo_set_source_surface (cr, img, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, 0, 0, n, n);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_surface_destroy (img);
  QRcode_free (qr);
  return TRUE;
}

gboolean
bm_jpeg_get_size (GBytes *jpeg,
                  int    *width,
                  int    *height)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (jpeg, &len);
  gsize i = 2;

  if (len < 4 || d[0] != 0xFF || d[1] != 0xD8)
    return FALSE;
  while (i + 4 <= len)
    {
      guint8 marker;
      gsize seg;

      if (d[i] != 0xFF)
        return FALSE;
      marker = d[i + 1];
      if (marker == 0xFF)
        {
          i++;
          continue;
        }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
        {
          i += 2;
          continue;
        }
      seg = ((gsize) d[i + 2] << 8) | d[i + 3];
      if (seg < 2 || i + 2 + seg > len)
        return FALSE;
      /* SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) */
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
        {
          if (seg < 7)
            return FALSE;
          *height = (d[i + 5] << 8) | d[i + 6];
          *width = (d[i + 7] << 8) | d[i + 8];
          return *width > 0 && *height > 0;
        }
      if (marker == 0xDA || marker == 0xD9)
        return FALSE;
      i += 2 + seg;
    }
  return FALSE;
}

static cairo_surface_t *
decode_jpeg (GBytes *jpeg)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  GdkPixbuf *pixbuf;
  cairo_surface_t *img;
  const guint8 *src;
  guint8 *dst;
  int w, h, n, src_stride, dst_stride;

  if (!gdk_pixbuf_loader_write_bytes (loader, jpeg, NULL) || !gdk_pixbuf_loader_close (loader, NULL))
    return NULL;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8)
    return NULL;
  w = gdk_pixbuf_get_width (pixbuf);
  h = gdk_pixbuf_get_height (pixbuf);
  n = gdk_pixbuf_get_n_channels (pixbuf);
  src = gdk_pixbuf_read_pixels (pixbuf);
  src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  dst = cairo_image_surface_get_data (img);
  dst_stride = cairo_image_surface_get_stride (img);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guint8 *p = src + y * src_stride + x * n;

        *(guint32 *) (dst + y * dst_stride + 4 * x) = (p[0] << 16) | (p[1] << 8) | p[2];
      }
  cairo_surface_mark_dirty (img);
  return img;
}

gboolean
bm_paint_jpeg (BmPaint *paint,
               GBytes  *jpeg,
               double   x,
               double   y,
               double   w,
               double   h)
{
  cairo_t *cr = paint->cr;
  cairo_surface_t *target = cairo_get_target (cr);
  cairo_surface_t *img;
  int iw, ih;
  double scale;
  gsize len;
  const guint8 *data;

  if (jpeg == NULL || !bm_jpeg_get_size (jpeg, &iw, &ih))
    return FALSE;

  scale = MIN (w / iw, h / ih);
  cairo_save (cr);
  cairo_translate (cr, x + (w - iw * scale) / 2, y + (h - ih * scale) / 2);
  cairo_scale (cr, scale, scale);
  if (cairo_surface_get_type (target) == CAIRO_SURFACE_TYPE_PDF)
    {
      /* The PDF backend embeds attached JPEG data as-is (DCTDecode) and never
       * reads the pixels: the surface is never drawn to, so its zeroed pages are
       * never touched and decoding is skipped. */
      data = g_bytes_get_data (jpeg, &len);
      img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, iw, ih);
      cairo_surface_set_mime_data (img, CAIRO_MIME_TYPE_JPEG, data, len,
                                   (cairo_destroy_func_t) g_bytes_unref, g_bytes_ref (jpeg));
      cairo_set_source_surface (cr, img, 0, 0);
      cairo_paint (cr);
      cairo_surface_destroy (img);
    }
  else if ((img = decode_jpeg (jpeg)) != NULL)
    {
      /* Previews and other raster targets need the pixels. */
      cairo_set_source_surface (cr, img, 0, 0);
      cairo_paint (cr);
      cairo_surface_destroy (img);
    }
  else
    {
      cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
      cairo_rectangle (cr, 0, 0, iw, ih);
      cairo_fill (cr);
    }
  cairo_restore (cr);
  return TRUE;
}

void
bm_paint_cell (BmPaint     *paint,
               double       x,
               double       y,
               double       w,
               double       h,
               double       size,
               BmTextFlags  flags,
               double       fill,
               const char  *text)
{
  const double pad = BM_MM (1.2);

  if (fill < 1.0)
    bm_paint_fill_rect (paint, x, y, w, h, fill);
  bm_paint_rect (paint, x, y, w, h, 0.6);
  if (text != NULL && *text != '\0')
    bm_paint_text (paint, x + pad, y + pad * 0.5, w - 2 * pad, h - pad, size, flags, text);
}
