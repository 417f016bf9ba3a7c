/* bm-card-status.c: the always-visible card reader indicator
 *
 * Shows the state of the station's reader (docs/card-reader.md) with what
 * to do about it, and re-emits each identity read as "identity-read" for
 * the counter. The reader belongs to the station (BmStation), which
 * configures, starts and stops it; this widget only watches.
 */
#include "bm-config.h"

#include <glib/gi18n-lib.h>

#include "bm-card-status.h"
#include "bm-card-text.h"
#include "bm-wlt-decoder.h"

struct _BmCardStatus {
  GtkWidget     parent_instance;

  GtkWidget    *icon;
  GtkWidget    *spinner;
  GtkWidget    *label;
  char         *note;         /* said in the tooltip, never in the header */
  BmCardReader *reader;
  gboolean      decoder_checked;
  char         *text;
};

G_DEFINE_FINAL_TYPE (BmCardStatus, bm_card_status, GTK_TYPE_WIDGET)

enum { SIGNAL_IDENTITY_READ, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The header shows a word or two; the whole sentence, with what to do,
 * is the tooltip and the accessible label. */
static const struct {
  const char *icon;
  const char *css;
  const char *short_text;
} looks[] = {
  [BM_CARD_READER_STATE_NO_SERVICE] = { "dialog-error-symbolic", "error", N_("Reader: no service") },
  [BM_CARD_READER_STATE_NO_READER] = { "dialog-warning-symbolic", "warning", N_("Reader: not connected") },
  [BM_CARD_READER_STATE_WAITING] = { "contact-new-symbolic", NULL, N_("Reader: ready") },
  [BM_CARD_READER_STATE_READING] = { NULL, NULL, N_("Reading card…") },
  [BM_CARD_READER_STATE_READ] = { "object-select-symbolic", "success", N_("Card read") },
  [BM_CARD_READER_STATE_ERROR] = { "dialog-error-symbolic", "error", N_("Reader: error") },
};

static void
update (BmCardStatus *self)
{
  BmCardReaderState state = bm_card_reader_get_state (self->reader);
  const char *message = bm_card_reader_get_message (self->reader);
  const char *reader = bm_card_reader_get_reader_name (self->reader);
  g_autofree char *tooltip = NULL;
  g_autofree char *reader_line = NULL;

  gtk_label_set_text (GTK_LABEL (self->label), _(looks[state].short_text));
  for (gsize i = 0; i < G_N_ELEMENTS (looks); i++)
    if (looks[i].css != NULL)
      gtk_widget_remove_css_class (self->label, looks[i].css);
  if (looks[state].css != NULL)
    gtk_widget_add_css_class (self->label, looks[state].css);

  gtk_widget_set_visible (self->spinner, state == BM_CARD_READER_STATE_READING);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), state == BM_CARD_READER_STATE_READING);
  gtk_widget_set_visible (self->icon, looks[state].icon != NULL);
  if (looks[state].icon != NULL)
    gtk_image_set_from_icon_name (GTK_IMAGE (self->icon), looks[state].icon);

  /* The clerk reads what to do, never a command line (issue 13). */
  if (state == BM_CARD_READER_STATE_NO_SERVICE)
    message = _("The card reader cannot be used: its service on this computer is not running. Restart the computer; "
                "if that does not help, call the point supervisor. Meanwhile register by manual entry (F2).");
  if (reader != NULL)
    reader_line = g_strdup_printf (_("Card reader: %s"), reader);
  tooltip = g_strconcat (message ? message : "", reader_line ? "\n" : "", reader_line ? reader_line : "",
                         self->note ? "\n" : "", self->note ? self->note : "", NULL);
  g_free (self->text);
  self->text = g_strdup (tooltip);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
}

static void
on_state_changed (BmCardReader *reader,
                  BmCardStatus *self)
{
  update (self);
}

static void
on_card_read (BmCardReader *reader,
              BmIdentity   *identity,
              BmCardStatus *self)
{
  if (!self->decoder_checked && bm_identity_get_photo_wlt (identity) != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BmWltDecoder) decoder = bm_wlt_decoder_open (NULL, &error);

      self->decoder_checked = TRUE;
      if (decoder == NULL)
        {
          /* not the library's name: what it means for the clerk */
          g_free (self->note);
          self->note = g_strdup (_("Chip photos cannot be shown on this computer (the photo decoder is not installed). "
                                   "The card's photo data is kept."));
          update (self);
        }
    }
  g_signal_emit (self, signals[SIGNAL_IDENTITY_READ], 0, identity);
}

static void
bm_card_status_dispose (GObject *object)
{
  BmCardStatus *self = BM_CARD_STATUS (object);
  GtkWidget *child;

  if (self->reader != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->reader, self);
      g_clear_object (&self->reader);
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->note, g_free);
  g_clear_pointer (&self->text, g_free);
  G_OBJECT_CLASS (bm_card_status_parent_class)->dispose (object);
}

static void
bm_card_status_class_init (BmCardStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bm_card_status_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "bm-card-status");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);

  /**
   * BmCardStatus::identity-read:
   * @identity: what the card holds (with sam_id and the raw photo)
   *
   * A card was read. Check it with bm_card_check_identity() and fill the
   * entry form; the fields came from the card.
   */
  signals[SIGNAL_IDENTITY_READ] =
    g_signal_new ("identity-read", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, BM_TYPE_IDENTITY);
}

static void
bm_card_status_init (BmCardStatus *self)
{
  GtkBoxLayout *layout = GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));

  gtk_box_layout_set_spacing (layout, 6);
  self->icon = gtk_image_new ();
  self->spinner = gtk_spinner_new ();
  self->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0.0);
  gtk_widget_set_parent (self->icon, GTK_WIDGET (self));
  gtk_widget_set_parent (self->spinner, GTK_WIDGET (self));
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
}

/**
 * bm_card_status_new:
 * @reader: the station's reader, to watch
 */
GtkWidget *
bm_card_status_new (BmCardReader *reader)
{
  BmCardStatus *self = g_object_new (BM_TYPE_CARD_STATUS, NULL);

  self->reader = g_object_ref (reader);
  g_signal_connect (self->reader, "state-changed", G_CALLBACK (on_state_changed), self);
  g_signal_connect (self->reader, "card-read", G_CALLBACK (on_card_read), self);
  update (self);
  return GTK_WIDGET (self);
}

BmCardReader *
bm_card_status_get_reader (BmCardStatus *self)
{
  g_return_val_if_fail (BM_IS_CARD_STATUS (self), NULL);
  return self->reader;
}

/* The whole sentence the clerk reads (tooltip and accessible name). */
const char *
bm_card_status_get_text (BmCardStatus *self)
{
  g_return_val_if_fail (BM_IS_CARD_STATUS (self), NULL);
  return self->text;
}

/**
 * bm_card_status_decode_photo:
 *
 * Returns: (transfer full): the chip photo, 102x126, or NULL with @error set
 *   (BM_CARD_ERROR_NO_DECODER when no vendor decoder is installed)
 */
GdkTexture *
bm_card_status_decode_photo (BmIdentity  *identity,
                             GError     **error)
{
  g_autoptr(BmWltDecoder) decoder = bm_wlt_decoder_open (NULL, error);
  g_autoptr(GBytes) rgb = NULL;

  if (decoder == NULL)
    return NULL;
  rgb = bm_wlt_decoder_decode (decoder, bm_identity_get_photo_wlt (identity), error);
  if (rgb == NULL)
    return NULL;
  return gdk_memory_texture_new (BM_WLT_WIDTH, BM_WLT_HEIGHT, GDK_MEMORY_R8G8B8,
                                 rgb, BM_WLT_WIDTH * 3);
}
