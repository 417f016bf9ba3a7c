/* bm-paint.h: drawing helpers shared by the page layouts
 *
 * All lengths are PDF points; use BM_MM() to convert from millimetres.
 */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

#define BM_MM(mm) ((mm) * 72.0 / 25.4)
#define BM_A4_WIDTH  BM_MM (210.0)
#define BM_A4_HEIGHT BM_MM (297.0)

/* The one family every printed form uses: it covers GB 18030 incl. CJK Ext. A. */
#define BM_PAINT_FAMILY      "Noto Sans CJK SC"
#define BM_PAINT_FAMILY_MONO "Noto Sans Mono CJK SC"

typedef enum
{
  BM_TEXT_WRAP   = 1 << 0, /* may break onto several lines */
  BM_TEXT_BOLD   = 1 << 1,
  BM_TEXT_CENTER = 1 << 2,
  BM_TEXT_RIGHT  = 1 << 3,
  BM_TEXT_TOP    = 1 << 4, /* top aligned instead of vertically centred */
  BM_TEXT_MONO   = 1 << 5,
  BM_TEXT_GREY   = 1 << 6,
} BmTextFlags;

typedef struct _BmPaint BmPaint;

BmPaint *bm_paint_new                (cairo_t     *cr);
void     bm_paint_free               (BmPaint     *paint);
cairo_t *bm_paint_get_cairo          (BmPaint     *paint);
/* Glyphs the fonts could not show so far (tofu); must stay 0. */
guint    bm_paint_get_unknown_glyphs (BmPaint     *paint);
/* Texts that did not fit their box even at the smallest size; must stay 0. */
guint    bm_paint_get_overflows      (BmPaint     *paint);

/* Fits @text into the box without ever cutting it: shrinks from @size towards
 * a readable minimum, wraps if allowed, and only below that minimum shrinks
 * further. Returns the size used. */
double   bm_paint_text               (BmPaint     *paint,
                                      double       x,
                                      double       y,
                                      double       w,
                                      double       h,
                                      double       size,
                                      BmTextFlags  flags,
                                      const char  *text);
/* Single line at a baseline-free top-left point, no fitting; returns width. */
double   bm_paint_text_at            (BmPaint     *paint,
                                      double       x,
                                      double       y,
                                      double       size,
                                      BmTextFlags  flags,
                                      const char  *text);
/* Height @text needs when wrapped to @w at @size. */
double   bm_paint_text_height        (BmPaint     *paint,
                                      double       w,
                                      double       size,
                                      BmTextFlags  flags,
                                      const char  *text);

void     bm_paint_rect               (BmPaint     *paint,
                                      double       x,
                                      double       y,
                                      double       w,
                                      double       h,
                                      double       line_width);
void     bm_paint_fill_rect          (BmPaint     *paint,
                                      double       x,
                                      double       y,
                                      double       w,
                                      double       h,
                                      double       grey);
 /* Bordered box, optional grey fill (1.0 = none), text fitted inside. */
void     bm_paint_cell               (BmPaint     *paint,
                                      double       x,
                                      double       y,
                                      double       w,
                                      double       h,
                                      double       size,
                                      BmTextFlags  flags,
                                      double       fill,
                                      const char  *text);
void     bm_paint_line               (BmPaint     *paint,
                                      double       x1,
                                      double       y1,
                                      double       x2,
                                      double       y2,
                                      double       line_width);
void     bm_paint_dashed_line        (BmPaint     *paint,
                                      double       x1,
                                      double       y1,
                                      double       x2,
                                      double       y2);
/* Crop marks just outside each corner of the box. */
void     bm_paint_crop_marks         (BmPaint     *paint,
                                      double       x,
                                      double       y,
                                      double       w,
                                      double       h);
/* A row of @n empty character boxes for handwriting; returns width used. */
double   bm_paint_char_boxes         (BmPaint     *paint,
                                      double       x,
                                      double       y,
                                      double       box,
                                      guint        n);
/* "□ label" check box; returns width used. */
double   bm_paint_checkbox           (BmPaint     *paint,
                                      double       x,
                                      double       y,
                                      double       size,
                                      const char  *label,
                                      gboolean     checked);

/* QR code of @text (byte mode, level M) with its quiet zone, @side wide. */
gboolean bm_paint_qr                 (BmPaint     *paint,
                                      const char  *text,
                                      double       x,
                                      double       y,
                                      double       side);
/* Places a JPEG photo scaled to the box (aspect kept, centred). The JPEG goes
 * into a PDF as-is (DCTDecode); other targets (previews) get it decoded.
 * Returns FALSE if @jpeg is not a JPEG we can place. */
gboolean bm_paint_jpeg               (BmPaint     *paint,
                                      GBytes      *jpeg,
                                      double       x,
                                      double       y,
                                      double       w,
                                      double       h);
gboolean bm_jpeg_get_size            (GBytes      *jpeg,
                                      int         *width,
                                      int         *height);

G_END_DECLS
