#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  bm_id_number_check_resident    (const char  *number,
                                          GError     **error);
char     *bm_id_number_from_15           (const char  *number);
gboolean  bm_id_number_validate          (const char  *id_type,
                                          const char  *number,
                                          GError     **error);
gboolean  bm_id_number_get_birth_date    (const char  *number,
                                          int         *year,
                                          int         *month,
                                          int         *day);
int       bm_id_number_get_sex           (const char  *number);
char      bm_id_number_check_character   (const char  *first17);
gboolean  bm_id_number_fails_only_check  (const char  *id_type,
                                          const char  *number);
char     *bm_id_number_mask              (const char  *number);

G_END_DECLS
