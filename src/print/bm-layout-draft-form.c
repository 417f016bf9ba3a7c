/* bm-layout-draft-form.c: 报名草表, a blank form filled in by hand during power
 * cuts (seed 四) and typed in later. Boxes for every character of the numbers
 * the clerk must key in exactly. Printed wording is official Chinese (see
 * bm-layout-login-card.c).
 */
#include "bm-layout-form.h"

#define ROW_H   BM_MM (9.0)
#define PHOTO_W BM_MM (28.0)
#define PHOTO_H BM_MM (36.0)

static guint
count_pages (BmDocument *doc)
{
  return MAX (1, bm_document_get_blank_count (doc));
}

static void
label_cell (BmPaint    *paint,
            double      x,
            double      y,
            double      h,
            const char *label)
{
  bm_paint_cell (paint, x, y, BM_FORM_LABEL_W, h, 9, BM_TEXT_CENTER, 0.93, label);
}

static void
options_cell (BmPaint           *paint,
              double             x,
              double             y,
              double             w,
              double             h,
              const char        *label,
              const char *const *options)
{
  double cx = x + BM_FORM_LABEL_W + BM_MM (2.0);

  label_cell (paint, x, y, h, label);
  bm_paint_rect (paint, x + BM_FORM_LABEL_W, y, w - BM_FORM_LABEL_W, h, 0.6);
  for (guint i = 0; options[i] != NULL; i++)
    cx += bm_paint_checkbox (paint, cx, y + (h - 9 * 1.4) / 2, 9, options[i], FALSE) + BM_MM (3.5);
}

static void
boxes_cell (BmPaint    *paint,
            double      x,
            double      y,
            double      w,
            double      h,
            const char *label,
            guint       n)
{
  const double box = BM_MM (6.0);

  label_cell (paint, x, y, h, label);
  bm_paint_rect (paint, x + BM_FORM_LABEL_W, y, w - BM_FORM_LABEL_W, h, 0.6);
  bm_paint_char_boxes (paint, x + BM_FORM_LABEL_W + BM_MM (2.0), y + (h - box) / 2, box, n);
}

static void
blank_cell (BmPaint    *paint,
            double      x,
            double      y,
            double      w,
            double      h,
            const char *label,
            const char *hint)
{
  label_cell (paint, x, y, h, label);
  bm_paint_cell (paint, x + BM_FORM_LABEL_W, y, w - BM_FORM_LABEL_W, h, 8, BM_TEXT_GREY | BM_TEXT_RIGHT, 1.0, hint);
}

static void
draw_page (BmDocument *doc,
           BmPaint    *paint,
           guint       page,
           guint       n_pages)
{
  const double x = BM_FORM_MARGIN, W = BM_FORM_WIDTH;
  const double left_w = W - PHOTO_W;
  static const char *const sex[] = { "男", "女", NULL };
  static const char *const id_types[] = { "居民身份证", "港澳台居民居住证", "外国人永久居留身份证", "其他", NULL };
  static const char *const classes[] = { "城镇应届", "农村应届", "城镇往届", "农村往届", NULL };
  static const char *const political[] = { "中共党员", "中共预备党员", "共青团员", "群众", "其他", NULL };
  static const char *const languages[] = { "英语", "日语", "俄语", "德语", "法语", "西班牙语", NULL };
  static const char *const graduation[] = { "普通高中", "中等职业学校", "其他", NULL };
  static const char *const yes_no[] = { "是", "否", NULL };
  g_auto(GStrv) categories = NULL;
  g_autofree char *info = NULL;
  const char *cats = bm_document_get_point_str (doc, "categories");
  double y;

  info = g_strdup_printf ("报名点：%s　　　草表编号：__________　　　填表日期：______年____月____日",
                          bm_document_get_point_str (doc, "point_name"));
  y = bm_form_title (paint, "湖南省普通高等学校招生考试报名草表",
                     "（停电或系统故障时由考生手工填写，恢复后由报名点据此录入）", info);

  y = bm_form_section (paint, y, "一、身份信息（按本人第二代居民身份证或其他有效证件如实填写）");
  blank_cell (paint, x, y, left_w, ROW_H, "姓名", NULL);
  options_cell (paint, x, y + ROW_H, left_w, ROW_H, "性别", sex);
  blank_cell (paint, x, y + 2 * ROW_H, left_w, ROW_H, "民族", "族");
  blank_cell (paint, x, y + 3 * ROW_H, left_w, ROW_H, "出生日期", "______年____月____日");
  bm_paint_rect (paint, x + left_w, y, PHOTO_W, PHOTO_H, 0.6);
  bm_paint_text (paint, x + left_w, y, PHOTO_W, PHOTO_H, 9, BM_TEXT_CENTER | BM_TEXT_GREY, "照片\n（由报名点\n统一采集）");
  y += PHOTO_H;
  options_cell (paint, x, y, W, ROW_H, "证件类型", id_types);
  y += ROW_H;
  boxes_cell (paint, x, y, W, ROW_H, "证件号码", 18);
  y += ROW_H;
  blank_cell (paint, x, y, W, ROW_H, "英文姓名", "（外籍考生填写，与证件一致）");
  y += ROW_H;
  blank_cell (paint, x, y, W, ROW_H * 1.3, "住址", NULL);
  y += ROW_H * 1.3;
  blank_cell (paint, x, y, W / 2, ROW_H, "签发机关", NULL);
  blank_cell (paint, x + W / 2, y, W / 2, ROW_H, "有效期限", "____.__.__ 至 ____.__.__");
  y += ROW_H;

  y = bm_form_section (paint, y, "二、报名信息");
  boxes_cell (paint, x, y, W / 2, ROW_H, "报名顺序号", 8);
  if (*cats)
    {
      categories = g_strsplit (cats, "|", -1);
      options_cell (paint, x + W / 2, y, W / 2, ROW_H, "科类", (const char *const *) categories);
    }
  else
    blank_cell (paint, x + W / 2, y, W / 2, ROW_H, "科类", NULL);
  y += ROW_H;
  options_cell (paint, x, y, W, ROW_H, "考生类别", classes);
  y += ROW_H;
  options_cell (paint, x, y, W, ROW_H, "政治面貌", political);
  y += ROW_H;
  options_cell (paint, x, y, W, ROW_H, "外语语种", languages);
  y += ROW_H;
  options_cell (paint, x, y, W, ROW_H, "毕业类别", graduation);
  y += ROW_H;
  blank_cell (paint, x, y, W, ROW_H, "毕业学校", NULL);
  y += ROW_H;
  blank_cell (paint, x, y, W / 2, ROW_H, "学籍号", NULL);
  options_cell (paint, x + W / 2, y, W / 2, ROW_H, "随迁子女", yes_no);
  y += ROW_H;
  boxes_cell (paint, x, y, W, ROW_H, "联系电话", 11);
  y += ROW_H;

  y = bm_form_section (paint, y, "三、考生评语（由学校或报名点填写）");
  bm_paint_rect (paint, x, y, W, BM_MM (26.0), 0.6);
  y += BM_MM (26.0);

  y = bm_form_section (paint, y, "四、考生承诺");
  bm_form_signature (paint, y, "本人承诺以上信息真实、准确、完整，如有虚假，由本人承担一切后果。",
                     "考生本人", "报名点经办人");
  {
    g_autofree char *page_no = g_strdup_printf ("第 %u 页 共 %u 页", page + 1, n_pages);

    bm_form_footer (paint, "填写说明：用黑色钢笔或签字笔填写，字迹工整；在 □ 内打 √；证件号码每格一个字符。", page_no);
  }
}

const BmLayout bm_layout_draft_forms = { FALSE, count_pages, draw_page };
