/* bm-layout-form.c: building blocks of the A4 portrait forms */
#include "bm-layout-form.h"

double
bm_form_title (BmPaint    *paint,
               const char *title,
               const char *subtitle,
               const char *info)
{
  double y = BM_MM (11.0);

  bm_paint_text (paint, BM_FORM_MARGIN, y, BM_FORM_WIDTH, BM_MM (9.0), 17, BM_TEXT_BOLD | BM_TEXT_CENTER, title);
  y += BM_MM (9.0);
  if (subtitle != NULL)
    {
      bm_paint_text (paint, BM_FORM_MARGIN, y, BM_FORM_WIDTH, BM_MM (6.0), 11, BM_TEXT_CENTER, subtitle);
      y += BM_MM (7.0);
    }
  if (info != NULL)
    {
      bm_paint_text (paint, BM_FORM_MARGIN, y, BM_FORM_WIDTH, BM_MM (5.5), 9, 0, info);
      y += BM_MM (6.0);
    }
  return y;
}

double
bm_form_section (BmPaint    *paint,
                 double      y,
                 const char *text)
{
  const double h = BM_MM (6.0);

  bm_paint_fill_rect (paint, BM_FORM_MARGIN, y, BM_FORM_WIDTH, h, 0.82);
  bm_paint_rect (paint, BM_FORM_MARGIN, y, BM_FORM_WIDTH, h, 0.9);
  bm_paint_text (paint, BM_FORM_MARGIN + BM_MM (2.0), y, BM_FORM_WIDTH - BM_MM (4.0), h, 9.5, BM_TEXT_BOLD, text);
  return y + h;
}

void
bm_form_pair (BmPaint    *paint,
              double      x,
              double      y,
              double      value_w,
              double      h,
              const char *label,
              const char *value,
              gboolean    from_card)
{
  g_autofree char *l = from_card ? g_strconcat (BM_FORM_CARD_MARK, label, NULL) : NULL;

  bm_paint_cell (paint, x, y, BM_FORM_LABEL_W, h, 9, BM_TEXT_CENTER, 0.93, l != NULL ? l : label);
  bm_paint_cell (paint, x + BM_FORM_LABEL_W, y, value_w, h, 10.5, BM_TEXT_WRAP, 1.0, value);
}

double
bm_form_signature (BmPaint    *paint,
                   double      y,
                   const char *statement,
                   const char *who,
                   const char *clerk)
{
  const double x = BM_FORM_MARGIN + BM_MM (3.0), w = BM_FORM_WIDTH - BM_MM (6.0);
  g_autofree char *line1 = g_strdup_printf ("%s签名：__________________　　日期：______年____月____日", who);
  g_autofree char *line2 = clerk ? g_strdup_printf ("%s签名：__________________　　日期：______年____月____日", clerk) : NULL;
  double h = bm_paint_text_height (paint, w, 10, BM_TEXT_WRAP, statement);

  bm_paint_text (paint, x, y + BM_MM (2.0), w, h + 2, 10, BM_TEXT_WRAP | BM_TEXT_TOP, statement);
  y += BM_MM (2.0) + h + BM_MM (6.0);
  bm_paint_text_at (paint, x + w, y, 10.5, BM_TEXT_RIGHT, line1);
  y += BM_MM (9.0);
  if (line2 != NULL)
    {
      bm_paint_text_at (paint, x + w, y, 10.5, BM_TEXT_RIGHT, line2);
      y += BM_MM (9.0);
    }
  return y;
}

void
bm_form_footer (BmPaint    *paint,
                const char *left,
                const char *right)
{
  double y = BM_A4_HEIGHT - BM_MM (11.0);

  if (left != NULL)
    bm_paint_text (paint, BM_FORM_MARGIN, y, BM_FORM_WIDTH * 0.7, BM_MM (4.5), 8, BM_TEXT_GREY, left);
  if (right != NULL)
    bm_paint_text (paint, BM_FORM_MARGIN + BM_FORM_WIDTH * 0.7, y, BM_FORM_WIDTH * 0.3, BM_MM (4.5), 8,
                   BM_TEXT_GREY | BM_TEXT_RIGHT, right);
}
