/* bm-test-data.h: candidates for the print tests and the benchmark */
#pragma once

#include "bm-store.h"
#include "bm-test-util.h"

G_BEGIN_DECLS

/* Edge data the forms must carry without cutting anything off. */
#define BM_TEST_LONG_NAME     "欧阳䶮龘齉爨麤灪鬱蠿籲鸞鱻靐驫"           /* 15 chars, 䶮 is outside GBK */
#define BM_TEST_LONG_NAME_EN  "MUHAMMADALIBINABDULLAHALHASHIMIALMAKKIALQURAYS"  /* 46 chars */
#define BM_TEST_LONG_ADDRESS  "湖南省长沙市芙蓉区五一大道一千二百三十四号湘江世纪城七栋一单元二零三室"  /* 35 chars */

/* A valid 18-digit resident ID number from a 17-digit body. */
char      *bm_test_id_number         (const char *body17);
/* Adds @n candidates (category 5, source card) to a training store; every
 * third gets the edge data; @migrant_every > 0 flags every n-th as 随迁子女.
 * Returns the numbers in order. */
GPtrArray *bm_test_add_candidates    (BmStore    *store,
                                      guint       n,
                                      guint       migrant_every,
                                      GError    **error);
/* Stores @jpeg as the processed photo and moves the record to "photographed". */
gboolean   bm_test_add_photo         (BmStore    *store,
                                      const char *number,
                                      GBytes     *jpeg,
                                      GError    **error);
GBytes    *bm_test_load_photo        (void);
/* Runs a program; returns its exit status, stdout in @out. */
/* pdftotext -raw of pages @first..@last (0 = all) */
char      *bm_test_pdf_text          (const char *pdf,
                                      int         first,
                                      int         last);
/* The same without any white space: pages the printer rotated (landscape
 * on A4) come out one character per line otherwise. */
char      *bm_test_pdf_text_flat     (const char *pdf,
                                      int         first,
                                      int         last);
int        bm_test_pdf_pages         (const char *pdf);
guint      bm_test_count             (const char *haystack,
                                      const char *needle);

G_END_DECLS
