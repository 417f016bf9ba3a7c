/* bm-layout-proof-sheet.c: 校对表 (报名登记表 for proofreading), one candidate per page
 *
 * Shows every field the point holds, the fields the candidate entered online,
 * the photo, the 评语, which fields came from the ID card, and signature
 * lines. Printed wording is official Chinese (see bm-layout-login-card.c).
 */
#include "bm-layout-form.h"

#define ROW_H   BM_MM (7.5)
#define PHOTO_W BM_MM (28.0)
#define PHOTO_H BM_MM (37.5)

typedef struct
{
  const char *label;
  const char *key;
} Field;

static const Field registration_fields[] = {
  { "报名顺序号", "number" },       { "科类", "category" },
  { "考生类别", "candidate_class" }, { "考试类型", "exam_type" },
  { "政治面貌", "political_status" }, { "外语语种", "foreign_language" },
  { "毕业类别", "graduation_type" }, { "毕业学校", "school" },
  { "学籍号", "student_number" },   { "联系电话", "phone" },
  { "随迁子女", "migrant" },        { "资格审查", "eligibility" },
  { "报名费", "fee_paid" },         { "信息来源", "source" },
};

static guint
count_pages (BmDocument *doc)
{
  return MAX (1, bm_document_get_n_records (doc));
}

static void
pair (BmPaint       *paint,
      BmPrintRecord *rec,
      double         x,
      double         y,
      double         value_w,
      double         h,
      const char    *label,
      const char    *key)
{
  bm_form_pair (paint, x, y, value_w, h, label, bm_print_record_get_str (rec, key),
                bm_print_record_is_from_card (rec, key));
}

static void
draw_page (BmDocument *doc,
           BmPaint    *paint,
           guint       page,
           guint       n_pages)
{
  const double x = BM_FORM_MARGIN, W = BM_FORM_WIDTH, L = BM_FORM_LABEL_W;
  const double left_w = W - PHOTO_W;           /* identity grid beside the photo */
  const double half_v = left_w / 2 - L;        /* value width of a half pair there */
  const double full_half_v = W / 2 - L;        /* value width of a half pair below it */
  BmPrintRecord *rec;
  g_autofree char *info = NULL;
  g_autoptr(GBytes) photo = NULL;
  double y, comment_h, online_row_h;
  guint n_online, online_rows;

  if (bm_document_get_n_records (doc) == 0)
    {
      bm_form_title (paint, "湖南省普通高等学校招生考试报名登记表", "（校对表）", NULL);
      bm_paint_text (paint, x, BM_MM (60), W, BM_MM (10), 12, BM_TEXT_CENTER, "（没有需要打印的考生）");
      return;
    }
  rec = bm_document_get_record (doc, page);

  info = g_strdup_printf ("报名顺序号：%s　　报名点：%s　　打印时间：%s",
                          bm_print_record_get_str (rec, "number"),
                          bm_document_get_point_str (doc, "point_name"),
                          bm_document_get_point_str (doc, "print_time"));
  y = bm_form_title (paint, "湖南省普通高等学校招生考试报名登记表", "（校对表）", info);

  y = bm_form_section (paint, y, "一、身份信息（标 ◆ 的项目由第二代居民身份证读取，考生不得修改）");
  pair (paint, rec, x, y, left_w - L, ROW_H, "姓名", "name");
  pair (paint, rec, x, y + ROW_H, half_v, ROW_H, "性别", "sex");
  pair (paint, rec, x + left_w / 2, y + ROW_H, half_v, ROW_H, "民族", "nation");
  pair (paint, rec, x, y + 2 * ROW_H, half_v, ROW_H, "出生日期", "birth_date");
  pair (paint, rec, x + left_w / 2, y + 2 * ROW_H, half_v, ROW_H, "国籍/地区", "nationality");
  pair (paint, rec, x, y + 3 * ROW_H, left_w - L, ROW_H, "证件号码", "id_number");
  pair (paint, rec, x, y + 4 * ROW_H, left_w - L, ROW_H, "英文姓名", "name_en");

  bm_paint_rect (paint, x + left_w, y, PHOTO_W, PHOTO_H, 0.6);
  photo = bm_document_load_photo (doc, rec);
  if (photo == NULL || !bm_paint_jpeg (paint, photo, x + left_w + 1, y + 1, PHOTO_W - 2, PHOTO_H - 2))
    bm_paint_text (paint, x + left_w, y, PHOTO_W, PHOTO_H, 10, BM_TEXT_CENTER | BM_TEXT_GREY, "照片\n（未采集）");
  y += PHOTO_H;

  pair (paint, rec, x, y, W - L, BM_MM (10.0), "住址", "address");
  y += BM_MM (10.0);
  pair (paint, rec, x, y, full_half_v, ROW_H, "证件类型", "id_type");
  pair (paint, rec, x + W / 2, y, full_half_v, ROW_H, "有效期限", "valid_period");
  y += ROW_H;
  pair (paint, rec, x, y, W - L, ROW_H, "签发机关", "authority");
  y += ROW_H;

  y = bm_form_section (paint, y, "二、报名信息（报名点采集）");
  for (guint i = 0; i < G_N_ELEMENTS (registration_fields); i += 2)
    {
      pair (paint, rec, x, y, full_half_v, ROW_H, registration_fields[i].label, registration_fields[i].key);
      pair (paint, rec, x + W / 2, y, full_half_v, ROW_H, registration_fields[i + 1].label, registration_fields[i + 1].key);
      y += ROW_H;
    }

  y = bm_form_section (paint, y, "三、考生网上填报信息");
  n_online = bm_print_record_get_n_online (rec);
  online_rows = (n_online + 1) / 2;
  if (n_online == 0)
    {
      bm_paint_cell (paint, x, y, W, ROW_H, 9.5, BM_TEXT_GREY, 1.0,
                     "（考生尚未网上填报，或报名点尚未从考生版同步填报信息）");
      y += ROW_H;
    }
  else
    {
      /* The space left on the page decides the row height, so any number of
       * online fields stays on this one page. */
      double avail = BM_A4_HEIGHT - BM_MM (12.0) - y - BM_MM (6.0) - BM_MM (20.0) - BM_MM (6.0) - BM_MM (34.0);

      online_row_h = MIN (ROW_H, avail / online_rows);
      for (guint i = 0; i < n_online; i++)
        {
          const char *label, *value;

          bm_print_record_get_online (rec, i, &label, &value);
          bm_form_pair (paint, x + (i % 2) * W / 2, y + (i / 2) * online_row_h,
                        (i == n_online - 1 && i % 2 == 0) ? W - L : full_half_v, online_row_h, label, value, FALSE);
        }
      y += online_rows * online_row_h;
    }

  y = bm_form_section (paint, y, "四、考生评语（报名点依据报名登记表录入）");
  comment_h = MAX (BM_MM (20.0), BM_A4_HEIGHT - BM_MM (12.0) - y - BM_MM (6.0) - BM_MM (34.0));
  comment_h = MIN (comment_h, BM_MM (34.0));
  bm_paint_rect (paint, x, y, W, comment_h, 0.6);
  bm_paint_text (paint, x + BM_MM (2.0), y + BM_MM (1.5), W - BM_MM (4.0), comment_h - BM_MM (3.0), 10,
                 BM_TEXT_WRAP | BM_TEXT_TOP, bm_print_record_get_str (rec, "comment"));
  y += comment_h;

  y = bm_form_section (paint, y, "五、考生确认");
  bm_form_signature (paint, y,
                     "本人已认真核对本表全部信息，确认准确无误。如有错误，已在本表标出并经报名点更正后重新核对。本表须考生本人签名，不得由他人代签。",
                     "考生本人", "报名点经办人");
  {
    g_autofree char *page_no = g_strdup_printf ("第 %u 页 共 %u 页", page + 1, n_pages);

    bm_form_footer (paint, "◆ 表示该项来自第二代居民身份证芯片，考生不得修改。签字后的本表存入考生档案。", page_no);
  }
}

const BmLayout bm_layout_proof_sheets = { FALSE, count_pages, draw_page };
