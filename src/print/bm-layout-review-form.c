/* bm-layout-review-form.c: 随迁子女资格审核表 (seed 三.1)
 *
 * 外省户籍进城务工人员随迁子女 are reviewed by the county (domain §5.6): the
 * form carries the candidate, the parents' 居住证 and the material checklist,
 * and has a box per reviewing level. Pre-filled from the record when there is
 * one, blank otherwise. Printed wording is official Chinese (see
 * bm-layout-login-card.c).
 */
#include "bm-layout-form.h"

#define ROW_H   BM_MM (8.5)
#define PHOTO_W BM_MM (28.0)
#define PHOTO_H (4 * ROW_H)

static guint
count_pages (BmDocument *doc)
{
  guint n = bm_document_get_n_records (doc);

  return n > 0 ? n : MAX (1, bm_document_get_blank_count (doc));
}

static void
draw_page (BmDocument *doc,
           BmPaint    *paint,
           guint       page,
           guint       n_pages)
{
  const double x = BM_FORM_MARGIN, W = BM_FORM_WIDTH, L = BM_FORM_LABEL_W;
  const double left_w = W - PHOTO_W;
  g_autoptr(BmPrintRecord) blank = NULL;
  BmPrintRecord *rec;
  g_autofree char *info = NULL;
  g_autoptr(GBytes) photo = NULL;
  double y, cx;
  static const struct { const char *title; double mm; } cols[] = {
    { "关系", 16 }, { "姓名", 30 }, { "证件号码", 46 }, { "居住证号码", 40 }, { "居住证起始日期", 26 }, { "居住年限", 22 },
  };
  static const char *const materials[] = {
    "考生居民身份证、户口簿", "流入地高中学籍证明（自高一起）", "湖南省普通高中学业水平考试成绩证明",
    "父母（法定监护人）湖南居住证（满一年）", "父母就业证明（劳动合同或营业执照）", "住所证明（房产证或租赁合同）",
  };
  static const char *const levels[] = {
    "报名点初审意见", "县（市、区）招生考试机构审核意见", "市州招生考试机构终审意见",
  };

  if (bm_document_get_n_records (doc) > 0)
    rec = bm_document_get_record (doc, page);
  else
    rec = blank = bm_print_record_new ();

  info = g_strdup_printf ("报名点：%s　　报名顺序号：%s　　打印时间：%s",
                          bm_document_get_point_str (doc, "point_name"),
                          *bm_print_record_get_str (rec, "number") ? bm_print_record_get_str (rec, "number") : "__________",
                          bm_document_get_point_str (doc, "print_time"));
  y = bm_form_title (paint, "湖南省外省户籍进城务工人员随迁子女普通高考报名资格审核表", NULL, info);

  y = bm_form_section (paint, y, "一、考生基本情况");
  bm_form_pair (paint, x, y, left_w - L, ROW_H, "姓名", bm_print_record_get_str (rec, "name"), FALSE);
  bm_form_pair (paint, x, y + ROW_H, left_w / 2 - L, ROW_H, "性别", bm_print_record_get_str (rec, "sex"), FALSE);
  bm_form_pair (paint, x + left_w / 2, y + ROW_H, left_w / 2 - L, ROW_H, "民族", bm_print_record_get_str (rec, "nation"), FALSE);
  bm_form_pair (paint, x, y + 2 * ROW_H, left_w / 2 - L, ROW_H, "出生日期", bm_print_record_get_str (rec, "birth_date"), FALSE);
  bm_form_pair (paint, x + left_w / 2, y + 2 * ROW_H, left_w / 2 - L, ROW_H, "证件号码", bm_print_record_get_str (rec, "id_number"), FALSE);
  bm_form_pair (paint, x, y + 3 * ROW_H, left_w - L, ROW_H, "户籍所在地", bm_print_record_get_str (rec, "address"), FALSE);
  bm_paint_rect (paint, x + left_w, y, PHOTO_W, PHOTO_H, 0.6);
  photo = bm_document_load_photo (doc, rec);
  if (photo == NULL || !bm_paint_jpeg (paint, photo, x + left_w + 1, y + 1, PHOTO_W - 2, PHOTO_H - 2))
    bm_paint_text (paint, x + left_w, y, PHOTO_W, PHOTO_H, 9, BM_TEXT_CENTER | BM_TEXT_GREY, "照片");
  y += PHOTO_H;
  bm_form_pair (paint, x, y, W / 2 - L, ROW_H, "就读学校", bm_print_record_get_str (rec, "school"), FALSE);
  bm_form_pair (paint, x + W / 2, y, W / 2 - L, ROW_H, "学籍号", bm_print_record_get_str (rec, "student_number"), FALSE);
  y += ROW_H;
  bm_form_pair (paint, x, y, W / 2 - L, ROW_H, "高中入学时间", bm_print_record_get_str (rec, "enrol_date"), FALSE);
  bm_paint_cell (paint, x + W / 2, y, L, ROW_H, 9, BM_TEXT_CENTER, 0.93, "学业水平考试");
  bm_paint_rect (paint, x + W / 2 + L, y, W / 2 - L, ROW_H, 0.6);
  cx = x + W / 2 + L + BM_MM (2.0);
  cx += bm_paint_checkbox (paint, cx, y + (ROW_H - 9 * 1.4) / 2, 9, "已在湖南参加", FALSE) + BM_MM (4.0);
  bm_paint_checkbox (paint, cx, y + (ROW_H - 9 * 1.4) / 2, 9, "未参加", FALSE);
  y += ROW_H;

  y = bm_form_section (paint, y, "二、父母（法定监护人）情况");
  {
    double total = 0, xx = x;
    double widths[G_N_ELEMENTS (cols)];
    static const char *const rel[] = { "父亲", "母亲", "监护人" };

    for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
      total += cols[c].mm;
    for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
      {
        widths[c] = W * cols[c].mm / total;
        bm_paint_cell (paint, xx, y, widths[c], ROW_H, 9, BM_TEXT_CENTER, 0.93, cols[c].title);
        xx += widths[c];
      }
    y += ROW_H;
    for (guint r = 0; r < G_N_ELEMENTS (rel); r++)
      {
        g_autofree char *k_name = g_strdup_printf ("guardian%u_name", r + 1);
        g_autofree char *k_id = g_strdup_printf ("guardian%u_id_number", r + 1);
        g_autofree char *k_permit = g_strdup_printf ("guardian%u_permit", r + 1);
        g_autofree char *k_from = g_strdup_printf ("guardian%u_permit_from", r + 1);
        g_autofree char *k_years = g_strdup_printf ("guardian%u_years", r + 1);
        const char *vals[] = {
          rel[r], bm_print_record_get_str (rec, k_name), bm_print_record_get_str (rec, k_id),
          bm_print_record_get_str (rec, k_permit), bm_print_record_get_str (rec, k_from),
          bm_print_record_get_str (rec, k_years),
        };

        xx = x;
        for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
          {
            bm_paint_cell (paint, xx, y, widths[c], ROW_H, 10, c == 0 ? BM_TEXT_CENTER : BM_TEXT_WRAP, 1.0, vals[c]);
            xx += widths[c];
          }
        y += ROW_H;
      }
  }
  bm_form_pair (paint, x, y, W - L, ROW_H, "就业单位", bm_print_record_get_str (rec, "guardian_employer"), FALSE);
  y += ROW_H;
  bm_paint_cell (paint, x, y, L, ROW_H, 9, BM_TEXT_CENTER, 0.93, "住所情况");
  bm_paint_rect (paint, x + L, y, W - L, ROW_H, 0.6);
  cx = x + L + BM_MM (2.0);
  cx += bm_paint_checkbox (paint, cx, y + (ROW_H - 9 * 1.4) / 2, 9, "自有住房（房产证）", FALSE) + BM_MM (5.0);
  cx += bm_paint_checkbox (paint, cx, y + (ROW_H - 9 * 1.4) / 2, 9, "租赁住房（租赁合同）", FALSE) + BM_MM (5.0);
  bm_paint_checkbox (paint, cx, y + (ROW_H - 9 * 1.4) / 2, 9, "其他：__________", FALSE);
  y += ROW_H;

  y = bm_form_section (paint, y, "三、提交材料（报名点核验原件，复印件存档一年）");
  for (guint i = 0; i < G_N_ELEMENTS (materials); i++)
    bm_paint_checkbox (paint, x + BM_MM (3.0) + (i % 2) * W / 2, y + BM_MM (1.5) + (i / 2) * BM_MM (6.5), 9.5,
                       materials[i], FALSE);
  y += BM_MM (1.5) + 3 * BM_MM (6.5) + BM_MM (1.0);

  y = bm_form_section (paint, y, "四、审核意见");
  {
    const double box_h = BM_A4_HEIGHT - BM_MM (16.0) - y;

    for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
      {
        double bx = x + i * W / 3, by = y;

        bm_paint_rect (paint, bx, by, W / 3, box_h, 0.6);
        bm_paint_text (paint, bx + BM_MM (2.0), by + BM_MM (1.5), W / 3 - BM_MM (4.0), BM_MM (6.0), 9.5, BM_TEXT_BOLD | BM_TEXT_CENTER, levels[i]);
        cx = bx + BM_MM (6.0);
        cx += bm_paint_checkbox (paint, cx, by + BM_MM (10.0), 9.5, "符合", FALSE) + BM_MM (6.0);
        bm_paint_checkbox (paint, cx, by + BM_MM (10.0), 9.5, "不符合", FALSE);
        bm_paint_text_at (paint, bx + BM_MM (3.0), by + box_h - BM_MM (22.0), 9.5, 0, i == 0 ? "审核人：__________" : "审核人：__________");
        bm_paint_text_at (paint, bx + W / 3 - BM_MM (3.0), by + box_h - BM_MM (14.0), 9.5, BM_TEXT_RIGHT, i == 0 ? "（报名点盖章）" : "（盖章）");
        bm_paint_text_at (paint, bx + W / 3 - BM_MM (3.0), by + box_h - BM_MM (7.0), 9.5, BM_TEXT_RIGHT, "______年____月____日");
      }
  }
  {
    g_autofree char *page_no = g_strdup_printf ("第 %u 页 共 %u 页", page + 1, n_pages);

    bm_form_footer (paint, "本表由县（市、区）招生考试机构审核，市州终审；材料复印件与本表一并保存一年。", page_no);
  }
}

const BmLayout bm_layout_review_forms = { FALSE, count_pages, draw_page };
