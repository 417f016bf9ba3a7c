#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* GA 467 ("部标") SAM frames: AA AA AA 96 69 | LEN(2, BE) | body | XOR. */

#define BM_SAM_HEADER_LEN   7     /* preamble + length */
#define BM_SAM_MAX_BODY     4096  /* largest legal LEN; 30 10 needs 2314 */

typedef enum {
  BM_SAM_CMD_RESET         = 0x10FF,
  BM_SAM_CMD_STATUS        = 0x11FF,
  BM_SAM_CMD_SAM_ID        = 0x12FF,
  BM_SAM_CMD_FIND          = 0x2001,
  BM_SAM_CMD_SELECT        = 0x2002,
  BM_SAM_CMD_READ_BASE     = 0x3001,
  BM_SAM_CMD_READ_APPENDED = 0x3003,
  BM_SAM_CMD_READ_BASE_FP  = 0x3010,
  BM_SAM_CMD_SET_RF_SIZE   = 0x61FF,
} BmSamCommand;

enum {
  BM_SAM_SW3_OK         = 0x90,
  BM_SAM_SW3_NO_ITEM    = 0x91,
  BM_SAM_SW3_FOUND      = 0x9F,
  BM_SAM_SW3_FIND_FAIL  = 0x80,
};

typedef struct {
  guint8  sw1;
  guint8  sw2;
  guint8  sw3;
  GBytes *data;   /* payload between SW3 and the checksum; never NULL */
} BmSamResponse;

guint8         bm_sam_frame_checksum        (const guint8 *buf,
                                             gsize         len);
GBytes        *bm_sam_frame_build_request   (BmSamCommand  command,
                                             const guint8 *data,
                                             gsize         data_len);
GBytes        *bm_sam_frame_build_response  (guint8        sw3,
                                             const guint8 *data,
                                             gsize         data_len);
gssize         bm_sam_frame_complete_length (const guint8 *buf,
                                             gsize         len,
                                             GError      **error);
gboolean       bm_sam_frame_parse_response  (const guint8  *buf,
                                             gsize          len,
                                             BmSamResponse *out,
                                             GError       **error);
gboolean       bm_sam_frame_parse_request   (const guint8  *buf,
                                             gsize          len,
                                             BmSamCommand  *command,
                                             GBytes       **data,
                                             GError       **error);
void           bm_sam_response_clear        (BmSamResponse *response);
const char    *bm_sam_status_message        (guint8        sw3);
gboolean       bm_sam_status_is_success     (guint8        sw3);
char          *bm_sam_format_sam_id         (const guint8 *data,
                                             gsize         len);

/* Reassembly of a response that arrives in pieces (serial, USB). */
typedef struct _BmSamAssembler BmSamAssembler;

typedef enum {
  BM_SAM_FEED_NEED_MORE,
  BM_SAM_FEED_COMPLETE,
  BM_SAM_FEED_ERROR,
} BmSamFeedResult;

BmSamAssembler *bm_sam_assembler_new       (void);
void            bm_sam_assembler_free      (BmSamAssembler *self);
void            bm_sam_assembler_reset     (BmSamAssembler *self);
BmSamFeedResult bm_sam_assembler_feed      (BmSamAssembler *self,
                                            const guint8   *buf,
                                            gsize           len,
                                            gsize          *consumed,
                                            GError        **error);
gsize           bm_sam_assembler_wanted    (BmSamAssembler *self);
GBytes         *bm_sam_assembler_take      (BmSamAssembler *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmSamAssembler, bm_sam_assembler_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BmSamResponse, bm_sam_response_clear)

G_END_DECLS
