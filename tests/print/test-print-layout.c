/* test-print-layout.c: the page layouts without a printer: page counts,
 * no tofu, nothing overflowing its box, fonts embedded, the edge data
 * present in full in the PDF text. */
#include "bm-config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <string.h>

#include "bm-document.h"
#include "bm-print-candidate.h"
#include "bm-qr-sign.h"
#include "bm-station-keys.h"
#include "bm-test-data.h"

static BmPrintRecord *
make_record (guint i)
{
  BmPrintRecord *r = bm_print_record_new ();
  g_autofree char *number = g_strdup_printf ("0102%04u", i + 1);
  g_autofree char *name = g_strdup_printf ("考生%u", i + 1);
  gboolean edge = i % 3 == 1;

  bm_print_record_set (r, "number", number);
  bm_print_record_set (r, "name", edge ? BM_TEST_LONG_NAME : name);
  bm_print_record_set (r, "name_en", edge ? BM_TEST_LONG_NAME_EN : NULL);
  bm_print_record_set (r, "id_number", "43010220050101101X");
  bm_print_record_set (r, "initial_password", "Ab3dEf7h");
  bm_print_record_set (r, "category", "物理类");
  bm_print_record_set (r, "sex", "男");
  bm_print_record_set (r, "nation", "汉族");
  bm_print_record_set (r, "birth_date", "2005-01-01");
  bm_print_record_set (r, "address", edge ? BM_TEST_LONG_ADDRESS : "湖南省长沙市芙蓉区五一大道1号");
  bm_print_record_set (r, "comment", "该生思想进步，遵纪守法，学习刻苦，团结同学，积极参加社会实践活动，综合素质良好。");
  bm_print_record_mark_from_card (r, "name");
  bm_print_record_add_online (r, "毕业学校", "长沙市第一中学");
  bm_print_record_add_online (r, "联系电话", "13800138000");
  return r;
}

static BmDocument *
make_document (BmDocumentKind kind,
               guint          n,
               GBytes        *photo)
{
  BmDocument *doc = bm_document_new (kind);

  bm_document_set_point (doc, "point_name", "长沙市第一中学报名点（芙蓉区教育局招生考试中心代管）");
  bm_document_set_point (doc, "deadline", "2019年11月8日17:00");
  bm_document_set_point (doc, "categories", "历史类|物理类");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BmPrintRecord) r = make_record (i);

      if (photo != NULL)
        bm_print_record_set_photo (r, photo);
      bm_document_add_record (doc, r);
    }
  return doc;
}

static char *
save (BmDocument *doc)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bm-layout-XXXXXX", &error);
  char *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, "doc.pdf", NULL);
  g_assert_true (bm_document_save_pdf (doc, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bm_document_get_unknown_glyphs (doc), ==, 0);
  g_assert_cmpuint (bm_document_get_overflows (doc), ==, 0);
  g_assert_cmpint (bm_test_pdf_pages (path), ==, bm_document_get_n_pages (doc));
  return path;
}

static void
cleanup (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_page_counts (void)
{
  static const struct { BmDocumentKind kind; guint n; guint pages; } cases[] = {
    { BM_DOCUMENT_LOGIN_CARDS, 0, 1 }, { BM_DOCUMENT_LOGIN_CARDS, 4, 1 }, { BM_DOCUMENT_LOGIN_CARDS, 5, 2 },
    { BM_DOCUMENT_LOGIN_TABLE, 0, 1 }, { BM_DOCUMENT_LOGIN_TABLE, 5, 1 }, { BM_DOCUMENT_LOGIN_TABLE, 1001, 56 }, { BM_DOCUMENT_LOGIN_TABLE, 17, 1 }, { BM_DOCUMENT_LOGIN_TABLE, 18, 2 },
    { BM_DOCUMENT_PROOF_SHEETS, 1, 1 }, { BM_DOCUMENT_PROOF_SHEETS, 7, 7 },
    { BM_DOCUMENT_DRAFT_FORMS, 0, 1 }, { BM_DOCUMENT_REVIEW_FORMS, 0, 1 }, { BM_DOCUMENT_REVIEW_FORMS, 3, 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BmDocument) doc = make_document (cases[i].kind, cases[i].n, NULL);

      g_assert_cmpuint (bm_document_get_n_pages (doc), ==, cases[i].pages);
    }
  {
    g_autoptr(BmDocument) doc = make_document (BM_DOCUMENT_LOGIN_CARDS, 5, NULL);

    bm_document_set_single_card (doc, TRUE);
    g_assert_cmpuint (bm_document_get_n_pages (doc), ==, 5);
  }
}

static void
test_edge_data (gconstpointer data)
{
  BmDocumentKind kind = GPOINTER_TO_INT (data);
  g_autoptr(GBytes) photo = bm_test_load_photo ();
  g_autoptr(BmDocument) doc = make_document (kind, 3, photo);
  g_autofree char *path = save (doc);
  g_autofree char *text = bm_test_pdf_text_flat (path, 0, 0);
  g_autofree char *fonts = NULL;

  if (kind != BM_DOCUMENT_DRAFT_FORMS)
    {
      g_assert_nonnull (strstr (text, BM_TEST_LONG_NAME));
      g_assert_nonnull (strstr (text, "01020002"));
    }
  if (kind == BM_DOCUMENT_PROOF_SHEETS)
    {
      g_assert_nonnull (strstr (text, BM_TEST_LONG_NAME_EN));
      g_assert_nonnull (strstr (text, BM_TEST_LONG_ADDRESS));
      g_assert_nonnull (strstr (text, "综合素质良好。"));
      g_assert_nonnull (strstr (text, "13800138000"));
    }
  if (kind == BM_DOCUMENT_LOGIN_CARDS || kind == BM_DOCUMENT_LOGIN_TABLE)
    g_assert_cmpuint (bm_test_count (text, "Ab3dEf7h"), ==, 3);

  /* Every font is embedded. */
  g_assert_cmpint (bm_test_run (&fonts, "pdffonts", path, NULL), ==, 0);
  /* Embedded from FreeType's outlines (cairo's CFF fallback), see bm-paint.c */
  g_assert_nonnull (strstr (fonts, "CID Type 0C"));
  {
    g_auto(GStrv) lines = g_strsplit (fonts, "\n", -1);

    for (guint i = 2; lines[i] != NULL; i++)
      if (*lines[i])
        g_assert_nonnull (strstr (lines[i], " yes "));
  }
  cleanup (path);
}

/* A foreign permanent resident without a Chinese name: the 46-character
 * English name is the name on every document, never cut. */
static void
test_foreign_name (void)
{
  static const BmDocumentKind doc_kinds[] = {
    BM_DOCUMENT_LOGIN_CARDS, BM_DOCUMENT_LOGIN_TABLE, BM_DOCUMENT_PROOF_SHEETS, BM_DOCUMENT_REVIEW_FORMS,
  };

  for (guint k = 0; k < G_N_ELEMENTS (doc_kinds); k++)
    {
      g_autoptr(BmDocument) doc = bm_document_new (doc_kinds[k]);
      g_autoptr(BmPrintRecord) r = make_record (0);
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;

      bm_print_record_set (r, "name", BM_TEST_LONG_NAME_EN);
      bm_print_record_set (r, "name_en", BM_TEST_LONG_NAME_EN);
      bm_print_record_set (r, "id_type", "外国人永久居留身份证");
      bm_print_record_set (r, "id_number", "USA110079091502");
      bm_document_add_record (doc, r);
      path = save (doc);
      text = bm_test_pdf_text_flat (path, 0, 0);
      g_assert_nonnull (strstr (text, BM_TEST_LONG_NAME_EN));
      g_assert_nonnull (strstr (text, "USA110079091502"));
      cleanup (path);
    }
}

static long
block_ink (cairo_surface_t *s,
           int              x0,
           int              y0,
           int              size)
{
  unsigned char *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  long ink = 0;

  for (int y = y0; y < y0 + size && y < h; y++)
    for (int x = x0; x < x0 + size && x < w; x++)
      ink += 255 - data[y * stride + 4 * x + 1];
  return ink;
}

/* What the PDF shows (poppler) must match what cairo draws directly, block
 * by block: catches glyphs lost in font embedding, which pdftotext cannot
 * see (cairo 1.16 lost 如 that way, see bm-paint.c). */
static void
test_pdf_matches_direct (gconstpointer data)
{
  BmDocumentKind kind = GPOINTER_TO_INT (data);
  g_autoptr(GBytes) photo = bm_test_load_photo ();
  g_autoptr(BmDocument) doc = make_document (kind, 3, photo);
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *png = NULL;
  cairo_surface_t *pdf_img, *direct;
  cairo_t *cr;
  double w, h;
  guint bad = 0, inked = 0;
  const int block = 24;

  bm_document_set_point (doc, "deadline", "2019年11月8日 17:00（如有变动以通知为准）");
  path = save (doc);
  base = g_strconcat (path, "-page", NULL);
  png = g_strconcat (base, ".png", NULL);
  g_assert_cmpint (bm_test_run (NULL, "pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-singlefile", "-png", path, base, NULL), ==, 0);
  pdf_img = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (pdf_img), ==, CAIRO_STATUS_SUCCESS);

  bm_document_get_page_size (doc, &w, &h);
  direct = cairo_image_surface_create (CAIRO_FORMAT_RGB24, cairo_image_surface_get_width (pdf_img),
                                       cairo_image_surface_get_height (pdf_img));
  cr = cairo_create (direct);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, cairo_image_surface_get_width (pdf_img) / w, cairo_image_surface_get_height (pdf_img) / h);
  bm_document_draw_page (doc, cr, 0);
  cairo_destroy (cr);
  cairo_surface_flush (direct);

  for (int y = 0; y < cairo_image_surface_get_height (direct); y += block)
    for (int x = 0; x < cairo_image_surface_get_width (direct); x += block)
      {
        long a = block_ink (direct, x, y, block), b = block_ink (pdf_img, x, y, block);

        if (a < 8000)
          continue;
        inked++;
        if (b < a / 4)
          {
            g_test_message ("block at %d,%d: direct ink %ld, PDF ink %ld", x, y, a, b);
            bad++;
          }
      }
  if (bad > 0 && g_getenv ("BM_DEBUG_DIR") != NULL)
    {
      g_autofree char *a = g_build_filename (g_getenv ("BM_DEBUG_DIR"), "direct.png", NULL);
      g_autofree char *b = g_build_filename (g_getenv ("BM_DEBUG_DIR"), "pdf.png", NULL);

      cairo_surface_write_to_png (direct, a);
      cairo_surface_write_to_png (pdf_img, b);
    }
  g_assert_cmpuint (inked, >, 100);
  g_assert_cmpuint (bad, ==, 0);
  cairo_surface_destroy (pdf_img);
  cairo_surface_destroy (direct);
  g_unlink (png);
  cleanup (path);
}

static gpointer
drain_fifo (gpointer path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, NULL);
  return GSIZE_TO_POINTER (len);
}

/* Saving onto something that is not a regular file writes into it and
 * leaves it in place (as root a rename would have replaced /dev/null). */
static void
test_save_to_fifo (void)
{
  g_autoptr(BmDocument) doc = make_document (BM_DOCUMENT_LOGIN_TABLE, 3, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bm-fifo-XXXXXX", &error);
  g_autofree char *fifo = g_build_filename (dir, "out", NULL);
  GThread *reader;
  GStatBuf st;
  gsize read;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  reader = g_thread_new ("drain", drain_fifo, fifo);
  g_assert_true (bm_document_save_pdf (doc, fifo, NULL, &error));
  g_assert_no_error (error);
  read = GPOINTER_TO_SIZE (g_thread_join (reader));
  g_assert_cmpuint (read, >, 1000);
  g_assert_cmpint (g_stat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_unlink (fifo);
  g_rmdir (dir);
}

static void
test_page_size (void)
{
  g_autoptr(BmDocument) table = make_document (BM_DOCUMENT_LOGIN_TABLE, 2, NULL);
  g_autoptr(BmDocument) cards = make_document (BM_DOCUMENT_LOGIN_CARDS, 2, NULL);
  g_autofree char *p1 = save (table);
  g_autofree char *p2 = save (cards);
  g_autofree char *i1 = NULL, *i2 = NULL;

  bm_test_run (&i1, "pdfinfo", p1, NULL);
  bm_test_run (&i2, "pdfinfo", p2, NULL);
  g_assert_nonnull (strstr (i1, "841.89 x 595.276"));
  g_assert_nonnull (strstr (i2, "595.276 x 841.89"));
  cleanup (p1);
  cleanup (p2);
}

static void
test_preview (void)
{
  g_autoptr(BmDocument) doc = make_document (BM_DOCUMENT_PROOF_SHEETS, 2, NULL);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 298, 421);
  cairo_t *cr = cairo_create (s);
  guint dark = 0;
  unsigned char *px;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, 0.5, 0.5);
  bm_document_draw_page (doc, cr, 1);
  cairo_surface_flush (s);
  px = cairo_image_surface_get_data (s);
  for (int y = 0; y < 421; y++)
    for (int x = 0; x < 298; x++)
      if (px[y * cairo_image_surface_get_stride (s) + 4 * x] < 128)
        dark++;
  g_assert_cmpuint (dark, >, 2000);
  g_assert_cmpuint (bm_document_get_unknown_glyphs (doc), ==, 0);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_cancel (void)
{
  g_autoptr(BmDocument) doc = make_document (BM_DOCUMENT_PROOF_SHEETS, 50, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "bm-cancel-test.pdf", NULL);

  g_cancellable_cancel (cancellable);
  g_assert_false (bm_document_save_pdf (doc, path, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Signed QR (issue 14, docs/qr.md): every login card's QR, decoded from
 * the printed page by zbarimg, is a text that `baoming-cli verify-qr`
 * accepts for that card's name with the station's public key. The ~147
 * characters need a 200 dpi scan of the 30 mm code (150 dpi does not
 * decode); cards print at 300 dpi or more. */
static void
test_signed_qr (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bm-qr-XXXXXX", &error);
  g_autofree char *store = g_build_filename (dir, "store.db", NULL);
  g_autofree char *key_path = bm_station_keys_path (store);
  g_autoptr(BmStationKeys) keys = bm_station_keys_load_or_create (store, FALSE, &error);
  g_autoptr(BmDocument) doc = make_document (BM_DOCUMENT_LOGIN_CARDS, 4, NULL);
  g_autofree char *pk = NULL;
  g_autofree char *path = NULL, *base = NULL, *png = NULL, *out = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_no_error (error);
  pk = bm_station_keys_public_hex (keys);
  bm_document_set_qr_signer (doc, keys, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  path = save (doc);
  base = g_strconcat (path, "-page", NULL);
  png = g_strconcat (base, ".png", NULL);
  g_assert_cmpint (bm_test_run (NULL, "pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-singlefile", "-png", path, base, NULL), ==, 0);
  g_assert_cmpint (bm_test_run (&out, "zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png, NULL), ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      BmPrintRecord *rec = bm_document_get_record (doc, i);
      const char *name = bm_print_record_get_str (rec, "name");
      const char *number = bm_print_record_get_str (rec, "number");
      g_autofree char *prefix = g_strdup_printf ("BM1.%s.", number);
      g_autofree char *text = NULL;
      g_autofree char *json = NULL;
      const char *line = NULL;

      for (guint j = 0; lines[j] != NULL; j++)
        if (g_str_has_prefix (lines[j], prefix))
          line = lines[j];
      g_assert_nonnull (line);
      g_assert_cmpuint (strlen (line), <, 160);
      g_assert_true (bm_qr_verify (line, keys->public_key, name, &error));
      g_assert_no_error (error);
      g_assert_cmpint (bm_test_run (&json, g_getenv ("BM_CLI"), "verify-qr", "--json", "--key", pk,
                                    "--name", name, line, NULL), ==, 0);
      g_assert_nonnull (strstr (json, "\"genuine\" : true"));
      g_assert_nonnull (strstr (json, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
      /* Another card's name: signed, but not for this candidate (exit 3). */
      g_assert_cmpint (bm_test_run (NULL, g_getenv ("BM_CLI"), "verify-qr", "--key", pk,
                                    "--name", "张三", line, NULL), ==, 3);
    }
  g_unlink (png);
  g_unlink (key_path);
  g_rmdir (dir);
  cleanup (path);
}

/* No station key (a store older than station keys): the URL QR as before. */
static void
test_unsigned_qr (void)
{
  g_autoptr(BmDocument) doc = make_document (BM_DOCUMENT_LOGIN_CARDS, 1, NULL);
  g_autofree char *path = NULL, *base = NULL, *png = NULL, *out = NULL;

  bm_document_set_point (doc, "site_url", "https://www.hneao.cn/ks");
  path = save (doc);
  base = g_strconcat (path, "-page", NULL);
  png = g_strconcat (base, ".png", NULL);
  g_assert_cmpint (bm_test_run (NULL, "pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-singlefile", "-png", path, base, NULL), ==, 0);
  g_assert_cmpint (bm_test_run (&out, "zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png, NULL), ==, 0);
  g_assert_cmpstr (g_strstrip (out), ==, "https://www.hneao.cn/ks?bmxh=01020001");
  g_unlink (png);
  cleanup (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/print/layout/page-counts", test_page_counts);
  g_test_add_func ("/print/layout/signed-qr", test_signed_qr);
  g_test_add_func ("/print/layout/unsigned-qr", test_unsigned_qr);
  g_test_add_func ("/print/layout/page-size", test_page_size);
  g_test_add_func ("/print/layout/preview", test_preview);
  g_test_add_func ("/print/layout/cancel", test_cancel);
  g_test_add_func ("/print/layout/foreign-name", test_foreign_name);
  g_test_add_func ("/print/layout/save-to-fifo", test_save_to_fifo);
  g_test_add_data_func ("/print/layout/pdf-matches-direct/login-cards", GINT_TO_POINTER (BM_DOCUMENT_LOGIN_CARDS), test_pdf_matches_direct);
  g_test_add_data_func ("/print/layout/pdf-matches-direct/login-table", GINT_TO_POINTER (BM_DOCUMENT_LOGIN_TABLE), test_pdf_matches_direct);
  g_test_add_data_func ("/print/layout/pdf-matches-direct/proof-sheets", GINT_TO_POINTER (BM_DOCUMENT_PROOF_SHEETS), test_pdf_matches_direct);
  g_test_add_data_func ("/print/layout/pdf-matches-direct/draft-forms", GINT_TO_POINTER (BM_DOCUMENT_DRAFT_FORMS), test_pdf_matches_direct);
  g_test_add_data_func ("/print/layout/pdf-matches-direct/review-form", GINT_TO_POINTER (BM_DOCUMENT_REVIEW_FORMS), test_pdf_matches_direct);
  g_test_add_data_func ("/print/layout/edge/login-cards", GINT_TO_POINTER (BM_DOCUMENT_LOGIN_CARDS), test_edge_data);
  g_test_add_data_func ("/print/layout/edge/login-table", GINT_TO_POINTER (BM_DOCUMENT_LOGIN_TABLE), test_edge_data);
  g_test_add_data_func ("/print/layout/edge/proof-sheets", GINT_TO_POINTER (BM_DOCUMENT_PROOF_SHEETS), test_edge_data);
  g_test_add_data_func ("/print/layout/edge/draft-forms", GINT_TO_POINTER (BM_DOCUMENT_DRAFT_FORMS), test_edge_data);
  g_test_add_data_func ("/print/layout/edge/review-form", GINT_TO_POINTER (BM_DOCUMENT_REVIEW_FORMS), test_edge_data);
  return g_test_run ();
}
