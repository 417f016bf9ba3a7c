/* bench-province.h: the development provincial server for benchmarks, on
 * loopback over real HTTPS, with workstations set up against it. */
#pragma once

#include "bm-store.h"

G_BEGIN_DECLS

/* Makes a temporary directory and a certificate, provisions each point
 * spec (JSON text) of the NULL-terminated @specs and starts the server. */
void        bench_province_start       (const char        *build_dir,
                                        const char        *source_dir,
                                        const char * const *specs);
/* bm-province --db P.DB ARGS... (dies on failure) */
void        bench_province             (const char        *first,
                                        ...) G_GNUC_NULL_TERMINATED;
/* A store at TMP/@name set up for @point_code (user clerk, password
 * clerk-pass) and filled with @records candidates with @photo_bytes photos. */
BmStore    *bench_province_workstation (const char        *name,
                                        const char        *point_code,
                                        int                records,
                                        int                photo_bytes,
                                        int                id_offset);
int         bench_province_port        (void);
const char *bench_province_tmp         (void);
const char *bench_province_build       (void);
void        bench_province_stop        (void);

G_END_DECLS
