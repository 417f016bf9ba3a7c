/* bm-layout-login-table.c: 网报登录表, the point's receipt list for login cards
 *
 * Fixed row height so the page count is known before the first page is drawn
 * ("第 x 页 共 y 页" while streaming); long names shrink or wrap inside their
 * cell instead of growing the row. Printed wording is official Chinese (see
 * bm-layout-login-card.c for why it is not translated).
 */
#include "bm-document-private.h"

#define MARGIN   BM_MM (12.0)
#define HEAD_H   BM_MM (19.0)
#define TH_H     BM_MM (9.0)
#define ROW_H    BM_MM (8.0)
#define FOOT_H   BM_MM (8.0)

static const struct
{
  const char *title;
  double      width_mm;
} columns[] = {
  { "序号", 13 },
  { "报名顺序号", 27 },
  { "姓名", 52 },
  { "证件号码", 49 },
  { "科类", 25 },
  { "初始密码", 26 },
  { "考生签名", 48 },
  { "领卡日期", 33 },
};

static guint
rows_per_page (void)
{
  return (guint) ((BM_A4_WIDTH - 2 * MARGIN - HEAD_H - TH_H - FOOT_H) / ROW_H);
}

static guint
count_pages (BmDocument *doc)
{
  /* +1: the summary row is a row like the others */
  guint rows = bm_document_get_n_records (doc) + 1;

  return (rows + rows_per_page () - 1) / rows_per_page ();
}

static char *
summary_text (BmDocument *doc)
{
  g_autoptr(GHashTable) per_cat = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  GString *s = g_string_new (NULL);
  guint n = bm_document_get_n_records (doc);

  for (guint i = 0; i < n; i++)
    {
      const char *cat = bm_print_record_get_str (bm_document_get_record (doc, i), "category");
      guint c = GPOINTER_TO_UINT (g_hash_table_lookup (per_cat, cat));

      if (c == 0)
        g_ptr_array_add (order, (gpointer) cat);
      g_hash_table_insert (per_cat, (gpointer) cat, GUINT_TO_POINTER (c + 1));
    }
  g_string_append_printf (s, "合计：%u 人", n);
  if (order->len > 0)
    {
      g_string_append (s, "（");
      for (guint i = 0; i < order->len; i++)
        {
          const char *cat = order->pdata[i];

          g_string_append_printf (s, "%s%s %u 人", i ? "，" : "", *cat ? cat : "未定科类",
                                  GPOINTER_TO_UINT (g_hash_table_lookup (per_cat, cat)));
        }
      g_string_append (s, "）");
    }
  return g_string_free (s, FALSE);
}

static void
draw_page (BmDocument *doc,
           BmPaint    *paint,
           guint       page,
           guint       n_pages)
{
  const double page_w = BM_A4_HEIGHT, page_h = BM_A4_WIDTH;
  const double table_w = page_w - 2 * MARGIN;
  guint per = rows_per_page ();
  guint n = bm_document_get_n_records (doc);
  double x, y = MARGIN;
  double scale;
  double widths[G_N_ELEMENTS (columns)];
  double total_mm = 0;
  g_autofree char *info = NULL;
  g_autofree char *page_no = NULL;

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    total_mm += columns[c].width_mm;
  scale = table_w / BM_MM (total_mm);
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    widths[c] = BM_MM (columns[c].width_mm) * scale;

  bm_paint_text (paint, MARGIN, y, table_w, BM_MM (9.0), 18, BM_TEXT_BOLD | BM_TEXT_CENTER, "网报登录表");
  y += BM_MM (10.0);
  info = g_strdup_printf ("报名点：%s%s%s%s　　打印日期：%s",
                          bm_document_get_point_str (doc, "point_name"),
                          *bm_document_get_point_str (doc, "point_code") ? "（" : "",
                          bm_document_get_point_str (doc, "point_code"),
                          *bm_document_get_point_str (doc, "point_code") ? "）" : "",
                          bm_document_get_point_str (doc, "print_date"));
  page_no = g_strdup_printf ("第 %u 页 共 %u 页", page + 1, n_pages);
  bm_paint_text (paint, MARGIN, y, table_w * 0.75, BM_MM (7.0), 10, 0, info);
  bm_paint_text (paint, MARGIN + table_w * 0.75, y, table_w * 0.25, BM_MM (7.0), 10, BM_TEXT_RIGHT, page_no);
  y = MARGIN + HEAD_H;

  /* Header repeated on every page */
  x = MARGIN;
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      bm_paint_cell (paint, x, y, widths[c], TH_H, 10, BM_TEXT_BOLD | BM_TEXT_CENTER, 0.85, columns[c].title);
      x += widths[c];
    }
  y += TH_H;

  for (guint r = 0; r < per; r++)
    {
      guint i = page * per + r;

      if (i > n)
        break;
      if (i == n)
        {
          g_autofree char *sum = summary_text (doc);

          bm_paint_cell (paint, MARGIN, y, table_w, ROW_H, 10, BM_TEXT_BOLD, 0.93, sum);
          y += ROW_H;
          break;
        }
      else
        {
          BmPrintRecord *rec = bm_document_get_record (doc, i);
          g_autofree char *seq = g_strdup_printf ("%u", i + 1);
          const char *values[G_N_ELEMENTS (columns)] = {
            seq,
            bm_print_record_get_str (rec, "number"),
            bm_print_record_get_str (rec, "name"),
            bm_print_record_get_str (rec, "id_number"),
            bm_print_record_get_str (rec, "category"),
            bm_print_record_get_str (rec, "initial_password"),
            "",
            "",
          };

          x = MARGIN;
          for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
            {
              BmTextFlags f = (c == 2) ? BM_TEXT_WRAP : BM_TEXT_CENTER;

              if (c == 1 || c == 3 || c == 5)
                f |= BM_TEXT_MONO;
              bm_paint_cell (paint, x, y, widths[c], ROW_H, 10, f, 1.0, values[c]);
              x += widths[c];
            }
          y += ROW_H;
        }
    }

  bm_paint_text (paint, MARGIN, page_h - MARGIN - BM_MM (6.0), table_w * 0.6, BM_MM (6.0), 9, BM_TEXT_GREY,
                 "说明：考生领取网报登录卡时核对本人信息并签名；本表由报名点存档，不得外传。");
  bm_paint_text (paint, MARGIN + table_w * 0.6, page_h - MARGIN - BM_MM (6.0), table_w * 0.4, BM_MM (6.0), 10,
                 BM_TEXT_RIGHT, "经办人：__________　　复核人：__________");
}

const BmLayout bm_layout_login_table = { TRUE, count_pages, draw_page };
