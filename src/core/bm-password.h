#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BM_INITIAL_PASSWORD_LENGTH 8

char *bm_password_new_initial (GError **error);

G_END_DECLS
