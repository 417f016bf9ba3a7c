/* bench-print: renders login cards and proof sheets (with photos) to PDF and
 * prints seconds and peak RSS. Each case runs in its own process so peak RSS
 * is per case; 100 vs 1,000 records shows whether memory is flat in the
 * page count.
 *
 *   bench-print                  all cases (needs BM_TEST_DATA for the photo)
 *   bench-print KIND N [FILE]    one case, e.g. "proof-sheets 1000"
 */
#include "bm-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "bm-document.h"
#include "bm-test-data.h"

static guint64 bytes_written;

static cairo_status_t
count_bytes (void                *closure,
             const unsigned char *data,
             unsigned int         length)
{
  FILE *f = closure;

  bytes_written += length;
  if (f != NULL && fwrite (data, 1, length, f) != length)
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

/* As the store does: a fresh copy of the photo per page, freed after it. */
static GBytes *
load_photo (BmPrintRecord *record,
            gpointer       user_data)
{
  gsize len;
  const void *data = g_bytes_get_data (user_data, &len);

  return g_bytes_new (data, len);
}

static int
run_case (const char *kind_name,
          guint       n,
          const char *path)
{
  BmDocumentKind kind;
  g_autoptr(BmDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *photo = bm_test_load_photo ();
  struct rusage ru;
  gint64 start;
  double seconds;
  FILE *f = NULL;

  if (!bm_document_kind_from_string (kind_name, &kind))
    return 2;
  doc = bm_document_new (kind);
  bm_document_set_point (doc, "point_name", "长沙市第一中学报名点");
  bm_document_set_point (doc, "deadline", "2019年11月8日17:00");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(BmPrintRecord) r = bm_print_record_new ();
      g_autofree char *number = g_strdup_printf ("0102%04u", i + 1);
      g_autofree char *name = g_strdup_printf ("考生%u", i + 1);

      bm_print_record_set_uuid (r, number);
      bm_print_record_set (r, "number", number);
      bm_print_record_set (r, "name", i % 3 == 1 ? BM_TEST_LONG_NAME : name);
      bm_print_record_set (r, "name_en", i % 3 == 1 ? BM_TEST_LONG_NAME_EN : NULL);
      bm_print_record_set (r, "id_number", "43010220050101101X");
      bm_print_record_set (r, "initial_password", "Ab3dEf7h");
      bm_print_record_set (r, "category", "物理类");
      bm_print_record_set (r, "sex", "男");
      bm_print_record_set (r, "nation", "汉族");
      bm_print_record_set (r, "birth_date", "2005-01-01");
      bm_print_record_set (r, "address", BM_TEST_LONG_ADDRESS);
      bm_print_record_set (r, "comment", "该生思想进步，遵纪守法，学习刻苦，团结同学。");
      bm_print_record_mark_from_card (r, "name");
      bm_print_record_add_online (r, "毕业学校", "长沙市第一中学");
      bm_document_add_record (doc, r);
    }
  bm_document_set_photo_func (doc, load_photo, photo, (GDestroyNotify) g_bytes_unref);

  if (path != NULL && (f = fopen (path, "wb")) == NULL)
    return 1;
  start = g_get_monotonic_time ();
  if (!bm_document_render_pdf (doc, count_bytes, f, NULL, NULL, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  if (f != NULL)
    fclose (f);
  getrusage (RUSAGE_SELF, &ru);
  /* CPU time too: wall time on a shared 2-core machine says little alone. */
  printf ("%-13s %5u records %5u pages %6.2f s wall %6.2f s CPU %7.1f KiB/page %7ld KiB peak RSS\n", kind_name, n,
          bm_document_get_n_pages (doc), seconds,
          ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
          bytes_written / 1024.0 / bm_document_get_n_pages (doc), ru.ru_maxrss);
  return 0;
}

int
main (int argc, char **argv)
{
  static const struct { const char *kind; const char *n; } cases[] = {
    { "login-cards", "100" }, { "login-cards", "1000" }, { "proof-sheets", "100" }, { "proof-sheets", "1000" },
  };

  if (argc >= 3)
    return run_case (argv[1], atoi (argv[2]), argc > 3 ? argv[3] : NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *child[] = { argv[0], cases[i].kind, cases[i].n, NULL };
      g_autoptr(GError) error = NULL;
      int status;

      if (!g_spawn_sync (NULL, (char **) child, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL, NULL, &status, &error)
          || !g_spawn_check_wait_status (status, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }
  return 0;
}
