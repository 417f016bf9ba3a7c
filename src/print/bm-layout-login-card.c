/* bm-layout-login-card.c: 网报登录卡, four per A4 sheet or one per sheet
 *
 * The printed wording is fixed official Chinese, not UI text: a form handed to
 * candidates must read the same whatever language the clerk's desktop uses,
 * so it is not marked for translation.
 */
#include "bm-document-private.h"

#define CARD_W   BM_MM (98.0)
#define CARD_H   BM_MM (138.0)
#define GAP      BM_MM (4.0)
#define PAD      BM_MM (5.0)
#define PER_PAGE 4

static guint
count_pages (BmDocument *doc)
{
  guint n = bm_document_get_n_records (doc);
  guint per = bm_document_get_single_card (doc) ? 1 : PER_PAGE;

  return MAX (1, (n + per - 1) / per);
}

static void
draw_card (BmDocument    *doc,
           BmPaint       *paint,
           BmPrintRecord *rec,
           double         x0,
           double         y0)
{
  const double iw = CARD_W - 2 * PAD;
  const double x = x0 + PAD;
  double y = y0 + PAD;
  const double qr = BM_MM (30.0);
  const double big_w = iw - qr - BM_MM (3.0);
  const double row_h = BM_MM (7.0), label_w = BM_MM (17.0);
  g_autofree char *qr_text = bm_document_login_qr_text (doc, rec);
  g_autofree char *deadline = NULL;
  g_autofree char *footer = NULL;
  const char *dl = bm_document_get_point_str (doc, "deadline");
  struct { const char *label; const char *value; } rows[] = {
    { "姓　　名", bm_print_record_get_str (rec, "name") },
    { "证件号码", bm_print_record_get_str (rec, "id_number") },
    { "科　　类", bm_print_record_get_str (rec, "category") },
    { "报 名 点", bm_document_get_point_str (doc, "point_name") },
    { "网　　址", bm_document_get_point_str (doc, "site_url") },
  };

  bm_paint_dashed_line (paint, x0, y0, x0 + CARD_W, y0);
  bm_paint_dashed_line (paint, x0, y0 + CARD_H, x0 + CARD_W, y0 + CARD_H);
  bm_paint_dashed_line (paint, x0, y0, x0, y0 + CARD_H);
  bm_paint_dashed_line (paint, x0 + CARD_W, y0, x0 + CARD_W, y0 + CARD_H);
  bm_paint_crop_marks (paint, x0, y0, CARD_W, CARD_H);

  bm_paint_text (paint, x, y, iw, BM_MM (5.5), 11, BM_TEXT_BOLD | BM_TEXT_CENTER, "湖南省普通高等学校招生考试");
  y += BM_MM (6.0);
  bm_paint_text (paint, x, y, iw, BM_MM (8.0), 18, BM_TEXT_BOLD | BM_TEXT_CENTER, "网报登录卡");
  y += BM_MM (9.5);
  bm_paint_line (paint, x, y, x + iw, y, 1.2);
  y += BM_MM (2.5);

  /* The two values the candidate types in: large, monospaced, boxed. */
  bm_paint_text (paint, x, y, big_w, BM_MM (4.5), 8.5, 0, "报名顺序号（登录账号）");
  bm_paint_cell (paint, x, y + BM_MM (4.5), big_w, BM_MM (9.0), 20, BM_TEXT_BOLD | BM_TEXT_MONO | BM_TEXT_CENTER, 1.0,
                 bm_print_record_get_str (rec, "number"));
  bm_paint_text (paint, x, y + BM_MM (15.0), big_w, BM_MM (4.5), 8.5, 0, "初始密码");
  bm_paint_cell (paint, x, y + BM_MM (19.5), big_w, BM_MM (9.0), 20, BM_TEXT_BOLD | BM_TEXT_MONO | BM_TEXT_CENTER, 1.0,
                 bm_print_record_get_str (rec, "initial_password"));
  bm_paint_qr (paint, qr_text, x + iw - qr, y - BM_MM (1.0), qr);
  y += BM_MM (30.5);
  bm_paint_text (paint, x + iw - qr, y - BM_MM (2.5), qr, BM_MM (3.5), 6.5, BM_TEXT_CENTER | BM_TEXT_GREY,
                 g_str_has_prefix (qr_text, "BM1.") ? "扫码核验真伪" : "扫码打开登录页");
  y += BM_MM (2.0);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      bm_paint_cell (paint, x, y, label_w, row_h, 8.5, BM_TEXT_CENTER, 0.9, rows[i].label);
      bm_paint_cell (paint, x + label_w, y, iw - label_w, row_h, 10,
                     i == 1 ? BM_TEXT_MONO : 0, 1.0, rows[i].value);
      y += row_h;
    }
  y += BM_MM (2.5);

  deadline = *dl ? g_strdup_printf ("4. 网上填报截止时间：%s，逾期系统关闭，不能再修改。", dl)
                 : g_strdup ("4. 请在报名点公布的截止时间前完成网上填报，逾期不能修改。");
  bm_paint_text (paint, x, y, iw, BM_MM (4.5), 9, BM_TEXT_BOLD, "考生须知");
  y += BM_MM (4.8);
  {
    g_autofree char *notes = g_strconcat (
      "1. 登录上述网址，用报名顺序号和初始密码登录考生版，按要求填写报名信息。\n"
      "2. 首次登录须修改登录密码，并设置“信息保存及提交确认”密码，两个密码均须牢记。\n"
      "3. 密码是考生本人的身份凭证，须妥善保管、不得告诉他人；因泄露密码造成的后果由考生本人承担。\n",
      deadline, NULL);
    bm_paint_text (paint, x, y, iw, CARD_H - (y - y0) - BM_MM (9.0), 8.5, BM_TEXT_WRAP | BM_TEXT_TOP, notes);
  }

  footer = g_strdup_printf ("打印时间：%s　　本卡请考生本人妥善保管", bm_document_get_point_str (doc, "print_time"));
  bm_paint_text (paint, x, y0 + CARD_H - PAD - BM_MM (3.5), iw, BM_MM (3.5), 6.5, BM_TEXT_GREY | BM_TEXT_CENTER, footer);
}

static void
draw_page (BmDocument *doc,
           BmPaint    *paint,
           guint       page,
           guint       n_pages G_GNUC_UNUSED)
{
  guint n = bm_document_get_n_records (doc);
  gboolean single = bm_document_get_single_card (doc);
  guint per = single ? 1 : PER_PAGE;
  const double left = (BM_A4_WIDTH - 2 * CARD_W - GAP) / 2;
  const double top = (BM_A4_HEIGHT - 2 * CARD_H - GAP) / 2;

  if (n == 0)
    {
      bm_paint_text (paint, left, top, 2 * CARD_W, BM_MM (10), 12, BM_TEXT_CENTER, "（没有需要打印的网报登录卡）");
      return;
    }
  for (guint slot = 0; slot < per; slot++)
    {
      guint i = page * per + slot;

      if (i >= n)
        break;
      draw_card (doc, paint, bm_document_get_record (doc, i),
                 left + (slot % 2) * (CARD_W + GAP), top + (slot / 2) * (CARD_H + GAP));
    }
}

const BmLayout bm_layout_login_cards = { FALSE, count_pages, draw_page };
