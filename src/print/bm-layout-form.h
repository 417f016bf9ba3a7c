/* bm-layout-form.h: building blocks of the A4 portrait forms
 * (校对表, 报名草表, 资格审核表) so they share one look. */
#pragma once

#include "bm-document-private.h"

G_BEGIN_DECLS

#define BM_FORM_MARGIN  BM_MM (15.0)
#define BM_FORM_WIDTH   (BM_A4_WIDTH - 2 * BM_FORM_MARGIN)
#define BM_FORM_LABEL_W BM_MM (22.0)
#define BM_FORM_CARD_MARK "◆"

/* Title, subtitle and the info line; returns the y below them. */
double bm_form_title     (BmPaint    *paint,
                          const char *title,
                          const char *subtitle,
                          const char *info);
/* Grey section bar across the form; returns the y below it. */
double bm_form_section   (BmPaint    *paint,
                          double      y,
                          const char *text);
/* Label cell + value cell. A card-sourced field gets the mark before its label. */
void   bm_form_pair      (BmPaint    *paint,
                          double      x,
                          double      y,
                          double      value_w,
                          double      h,
                          const char *label,
                          const char *value,
                          gboolean    from_card);
/* Statement, signature and date lines; returns the y below them. */
double bm_form_signature (BmPaint    *paint,
                          double      y,
                          const char *statement,
                          const char *who,
                          const char *clerk);
/* Page footer line at the bottom margin. */
void   bm_form_footer    (BmPaint    *paint,
                          const char *left,
                          const char *right);

G_END_DECLS
