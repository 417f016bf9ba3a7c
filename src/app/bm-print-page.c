/* The print page: batches of login cards, the login table, proof sheets,
 * draft and review forms, with a preview of the real pages, printing on a
 * worker thread with progress and cancel, and the printer's state in words.
 * The selection/reprint/log rules live in BmPrintBatch (src/print), shared
 * with `baoming-cli print`. */

#include "bm-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "bm-print-batch.h"
#include "bm-print-error.h"
#include "bm-print-page.h"
#include "bm-print-service.h"
#include "bm-printer.h"
#include "bm-station.h"

struct _BmPrintPage
{
  GtkWidget parent_instance;

  BmStore *store;
  BmPrintService *service;
  char *preferred_printer;
  GPtrArray *printers;
  BmPrintBatch *batch;
  GCancellable *cancellable;
  char *status;
  guint page;
  gboolean busy;
  gboolean updating;
  gboolean stale;      /* a refresh was asked for while the page was not shown */

  /* Template widgets */
  GtkWidget *content;
  GtkDropDown *document_dropdown;
  GtkDropDown *selection_dropdown;
  GtkDropDown *printer_dropdown;
  GtkWidget *range_box;
  GtkEntry *first_entry;
  GtkEntry *last_entry;
  GtkEntry *reason_entry;
  GtkSpinButton *copies_spin;
  GtkCheckButton *single_check;
  GtkLabel *printer_state_label;
  GtkLabel *status_label;
  GtkLabel *page_label;
  GtkProgressBar *progress_bar;
  GtkDrawingArea *preview_area;
};

G_DEFINE_FINAL_TYPE (BmPrintPage, bm_print_page, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_PRINTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const BmDocumentKind kinds[] = {
  BM_DOCUMENT_LOGIN_CARDS, BM_DOCUMENT_LOGIN_TABLE, BM_DOCUMENT_PROOF_SHEETS,
  BM_DOCUMENT_DRAFT_FORMS, BM_DOCUMENT_REVIEW_FORMS,
};

/* Order of the selection dropdown */
static const BmPrintSelect selections[] = {
  BM_PRINT_SELECT_UNPRINTED, BM_PRINT_SELECT_ALL, BM_PRINT_SELECT_RANGE,
};

static void
set_status (BmPrintPage *self,
            const char  *text)
{
  g_free (self->status);
  self->status = g_strdup (text);
  gtk_label_set_text (self->status_label, text ? text : "");
}

static BmDocumentKind
current_kind (BmPrintPage *self)
{
  return kinds[MIN (gtk_drop_down_get_selected (self->document_dropdown), G_N_ELEMENTS (kinds) - 1)];
}

static BmPrintSelect
current_selection (BmPrintPage *self)
{
  return selections[MIN (gtk_drop_down_get_selected (self->selection_dropdown), G_N_ELEMENTS (selections) - 1)];
}

static char *
current_printer (BmPrintPage *self)
{
  guint i = gtk_drop_down_get_selected (self->printer_dropdown);

  if (self->printers == NULL || i >= self->printers->len)
    return NULL;
  return g_strdup (bm_printer_get_name (self->printers->pdata[i]));
}

static void
update_actions (BmPrintPage *self)
{
  BmDocument *doc = self->batch ? bm_print_batch_get_document (self->batch) : NULL;
  guint n_pages = doc ? bm_document_get_n_pages (doc) : 0;
  gboolean has_records = doc != NULL
    && (bm_document_get_n_records (doc) > 0
        || (current_kind (self) != BM_DOCUMENT_LOGIN_CARDS && current_kind (self) != BM_DOCUMENT_PROOF_SHEETS));
  BmDocumentKind kind = current_kind (self);
  g_autofree char *page_text = NULL;

  gboolean service_busy = self->service != NULL && bm_print_service_get_busy (self->service);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "print.print", !self->busy && !service_busy && has_records);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "print.save-pdf", !self->busy && has_records);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "print.cancel", self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "print.previous-page", doc != NULL && self->page > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "print.next-page", doc != NULL && self->page + 1 < n_pages);
  gtk_widget_set_visible (self->range_box, current_selection (self) == BM_PRINT_SELECT_RANGE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->single_check), kind == BM_DOCUMENT_LOGIN_CARDS);
  gtk_widget_set_sensitive (GTK_WIDGET (self->selection_dropdown), kind != BM_DOCUMENT_DRAFT_FORMS);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reason_entry), kind == BM_DOCUMENT_LOGIN_CARDS || kind == BM_DOCUMENT_PROOF_SHEETS);
  if (doc != NULL)
    /* TRANSLATORS: preview page counter */
    page_text = g_strdup_printf (_("Page %u of %u"), MIN (self->page + 1, n_pages), n_pages);
  gtk_label_set_text (self->page_label, page_text ? page_text : "");
}

/* Selects the batch's records, checks them and builds the preview's
 * document: work proportional to the batch, so it is done only for a page
 * that is shown, or printed (issue 17: at start-up this ran for every
 * record, before the first frame). */
static void
refresh_now (BmPrintPage *self)
{
  g_autoptr(BmPrintBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  BmDocumentKind kind = current_kind (self);
  BmPrintSelect select = current_selection (self);
  const char *first = gtk_editable_get_text (GTK_EDITABLE (self->first_entry));
  const char *last = gtk_editable_get_text (GTK_EDITABLE (self->last_entry));

  if (self->busy || self->updating)
    return;
  self->stale = FALSE;
  batch = bm_print_service_new_batch (self->service, kind);
  if (select == BM_PRINT_SELECT_RANGE)
    bm_print_batch_set_selection (batch, select, first, *last ? last : first);
  else
    bm_print_batch_set_selection (batch, select, NULL, NULL);
  bm_print_batch_set_copies (batch, gtk_spin_button_get_value_as_int (self->copies_spin));
  bm_print_batch_set_single_card (batch, gtk_check_button_get_active (self->single_check));
  bm_print_batch_set_reason (batch, gtk_editable_get_text (GTK_EDITABLE (self->reason_entry)));

  g_clear_object (&self->batch);
  if (select == BM_PRINT_SELECT_RANGE && strlen (first) != 8)
    set_status (self, _("Type the first 报名顺序号 (8 digits)."));
  else if (!bm_print_batch_prepare (batch, &error))
    set_status (self, error->message);
  else
    {
      BmDocument *doc = bm_print_batch_get_document (batch);
      guint n = bm_document_get_n_records (doc);
      g_autofree char *text = NULL;

      if (kind == BM_DOCUMENT_DRAFT_FORMS || (kind == BM_DOCUMENT_REVIEW_FORMS && n == 0))
        text = g_strdup_printf (_("%u blank forms."), bm_document_get_n_pages (doc));
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u record, %u pages.", "%u records, %u pages.", n),
                                n, bm_document_get_n_pages (doc));
      set_status (self, text);
      self->batch = g_steal_pointer (&batch);
    }
  if (self->batch == NULL || self->page >= bm_document_get_n_pages (bm_print_batch_get_document (self->batch)))
    self->page = 0;
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_area));
}

/* The store changed, or an option did: the batch is built again now if
 * the page is shown, else when it is shown (or asked for). */
void
bm_print_page_refresh (BmPrintPage *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  refresh_now (self);
}

static void
ensure_fresh (BmPrintPage *self)
{
  if (self->stale)
    refresh_now (self);
}

static void
bm_print_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (bm_print_page_parent_class)->map (widget);
  ensure_fresh (BM_PRINT_PAGE (widget));
}

BmDocument *
bm_print_page_get_document (BmPrintPage *self)
{
  ensure_fresh (self);
  return self->batch ? bm_print_batch_get_document (self->batch) : NULL;
}

const char *
bm_print_page_get_status (BmPrintPage *self)
{
  ensure_fresh (self);
  return self->status;
}

char *
bm_print_page_dup_printer (BmPrintPage *self)
{
  return current_printer (self);
}

gboolean
bm_print_page_is_busy (BmPrintPage *self)
{
  return self->busy;
}

static void
draw_preview (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  BmPrintPage *self = user_data;
  BmDocument *doc = bm_print_page_get_document (self);
  double pw, ph, scale, x, y;

  if (doc == NULL)
    return;
  bm_document_get_page_size (doc, &pw, &ph);
  scale = MIN ((width - 16) / pw, (height - 16) / ph);
  if (scale <= 0)
    return;
  x = (width - pw * scale) / 2;
  y = (height - ph * scale) / 2;
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_rectangle (cr, x + 3, y + 3, pw * scale, ph * scale);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, pw * scale, ph * scale);
  cairo_fill (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, scale, scale);
  bm_document_draw_page (doc, cr, self->page);
}

/* ---- printers ------------------------------------------------------------ */

static void
update_printer_state (BmPrintPage *self)
{
  guint i = gtk_drop_down_get_selected (self->printer_dropdown);
  g_autofree char *state = NULL;

  if (self->printers == NULL || self->printers->len == 0)
    gtk_label_set_text (self->printer_state_label, _("No printer found. Check that the printer is on and connected."));
  else if (i < self->printers->len)
    {
      state = bm_printer_describe_state (self->printers->pdata[i]);
      gtk_label_set_text (self->printer_state_label, state);
    }
}

static void
list_printers_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *printers = bm_printer_list (&error);

  if (printers == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, printers, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_printers_listed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  BmPrintPage *self = BM_PRINT_PAGE (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GPtrArray *printers = g_task_propagate_pointer (G_TASK (result), &error);
  guint selected = 0;

  if (self->store == NULL)   /* disposed while looking */
    {
      g_clear_pointer (&printers, g_ptr_array_unref);
      return;
    }

  g_clear_pointer (&self->printers, g_ptr_array_unref);
  self->printers = printers;
  for (guint i = 0; printers != NULL && i < printers->len; i++)
    {
      BmPrinter *p = printers->pdata[i];
      const char *name = bm_printer_get_name (p);

      gtk_string_list_append (names, name);
      if ((self->preferred_printer != NULL && *self->preferred_printer)
          ? g_str_equal (name, self->preferred_printer) : bm_printer_is_default (p))
        selected = i;
    }
  self->updating = TRUE;
  gtk_drop_down_set_model (self->printer_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->printer_dropdown, selected);
  self->updating = FALSE;
  update_printer_state (self);
  if (error != NULL)
    gtk_label_set_text (self->printer_state_label, error->message);
}

static void
refresh_printers (BmPrintPage *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, on_printers_listed, NULL);

  gtk_label_set_text (self->printer_state_label, _("Looking for printers…"));
  g_task_run_in_thread (task, list_printers_thread);
}

/* ---- printing -------------------------------------------------------------- */

/* The service's progress, whoever printed: the counter's login card shows
 * here too. */
static void
on_service_progress (BmPrintService *service, GParamSpec *pspec, BmPrintPage *self)
{
  gtk_progress_bar_set_fraction (self->progress_bar, bm_print_service_get_fraction (service));
  if (bm_print_service_get_busy (service))
    gtk_progress_bar_set_text (self->progress_bar, bm_print_service_get_status (service));
  if (self->busy)
    set_status (self, bm_print_service_get_status (service));
}

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(BmPrintPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = bm_print_service_print_finish (BM_PRINT_SERVICE (source), result, &error);
  g_autofree char *text = NULL;

  self->busy = FALSE;
  if (self->store == NULL)   /* disposed while printing: the batch logged it */
    return;
  g_clear_object (&self->cancellable);
  text = g_strdup (ok ? bm_print_service_get_status (BM_PRINT_SERVICE (source)) : error->message);
  gtk_progress_bar_set_text (self->progress_bar, ok ? _("Done") : _("Not printed"));
  /* What was printed is no longer "not yet printed": show what is left. */
  bm_print_page_refresh (self);
  set_status (self, text);
  g_signal_emit (self, signals[SIGNAL_PRINTED], 0, ok);
}

static void
print_action (GtkWidget  *widget,
              const char *action,
              GVariant   *parameter)
{
  BmPrintPage *self = BM_PRINT_PAGE (widget);
  g_autofree char *printer = NULL;
  BmPrintBatch *batch;

  refresh_now (self);
  if (self->busy || self->batch == NULL)
    return;
  batch = self->batch;
  printer = current_printer (self);
  self->busy = TRUE;
  self->cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Starting…"));
  set_status (self, _("Sending to the printer…"));
  update_actions (self);
  bm_print_service_print_async (self->service, batch, printer, self->cancellable, on_printed, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action,
               GVariant   *parameter)
{
  BmPrintPage *self = BM_PRINT_PAGE (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
on_pdf_chosen (GtkNativeDialog *dialog,
               int              response,
               gpointer         user_data)
{
  BmPrintPage *self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->batch != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = g_file_get_path (file);
      if (path != NULL && bm_print_batch_save_pdf (self->batch, path, NULL, &error))
        {
          g_autofree char *text = g_strdup_printf (_("Saved as %s."), path);

          set_status (self, text);
        }
      else if (error != NULL)
        set_status (self, error->message);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
save_pdf_action (GtkWidget  *widget,
                 const char *action,
                 GVariant   *parameter)
{
  BmPrintPage *self = BM_PRINT_PAGE (widget);
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  refresh_now (self);
  if (self->busy || self->batch == NULL)
    return;
  dialog = gtk_file_chooser_native_new (_("Save as PDF"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  name = g_strdup_printf ("%s.pdf", bm_document_kind_get_title (current_kind (self)));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_pdf_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
page_action (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  BmPrintPage *self = BM_PRINT_PAGE (widget);
  BmDocument *doc = bm_print_page_get_document (self);

  if (doc == NULL)
    return;
  if (g_str_equal (action, "print.next-page") && self->page + 1 < bm_document_get_n_pages (doc))
    self->page++;
  else if (g_str_equal (action, "print.previous-page") && self->page > 0)
    self->page--;
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_area));
}

static void
refresh_printers_action (GtkWidget  *widget,
                         const char *action,
                         GVariant   *parameter)
{
  refresh_printers (BM_PRINT_PAGE (widget));
}

static void
on_option_changed (BmPrintPage *self)
{
  bm_print_page_refresh (self);
}

/* ---- the class ------------------------------------------------------------ */

static void
bm_print_page_dispose (GObject *object)
{
  BmPrintPage *self = BM_PRINT_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_PRINT_PAGE);
  g_clear_object (&self->service);
  g_clear_object (&self->batch);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->printers, g_ptr_array_unref);
  G_OBJECT_CLASS (bm_print_page_parent_class)->dispose (object);
}

static void
bm_print_page_finalize (GObject *object)
{
  BmPrintPage *self = BM_PRINT_PAGE (object);

  g_free (self->preferred_printer);
  g_free (self->status);
  G_OBJECT_CLASS (bm_print_page_parent_class)->finalize (object);
}

static void
bm_print_page_class_init (BmPrintPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bm_print_page_dispose;
  G_OBJECT_CLASS (klass)->finalize = bm_print_page_finalize;
  widget_class->map = bm_print_page_map;

  /**
   * BmPrintPage::printed:
   * @ok: whether the job completed
   *
   * A job ended; records may have changed state.
   */
  signals[SIGNAL_PRINTED] = g_signal_new ("printed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cn/baoming/Client/ui/bm-print-page.ui");
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, content);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, document_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, selection_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, printer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, range_box);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, first_entry);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, last_entry);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, copies_spin);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, single_check);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, printer_state_label);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, page_label);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, BmPrintPage, preview_area);

  gtk_widget_class_install_action (widget_class, "print.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "print.save-pdf", NULL, save_pdf_action);
  gtk_widget_class_install_action (widget_class, "print.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "print.next-page", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "print.previous-page", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "print.refresh-printers", NULL, refresh_printers_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "print.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "print.next-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "print.previous-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "print.cancel", NULL);
}

static void
bm_print_page_init (BmPrintPage *self)
{
  g_autoptr(GtkStringList) documents = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_string_list_append (documents, bm_document_kind_get_title (kinds[i]));
  gtk_string_list_append (choices, _("Not yet printed"));
  gtk_string_list_append (choices, _("All records"));
  gtk_string_list_append (choices, _("报名顺序号 from … to …"));
  gtk_drop_down_set_model (self->document_dropdown, G_LIST_MODEL (documents));
  gtk_drop_down_set_model (self->selection_dropdown, G_LIST_MODEL (choices));

  gtk_drawing_area_set_draw_func (self->preview_area, draw_preview, self, NULL);
  g_signal_connect_swapped (self->document_dropdown, "notify::selected", G_CALLBACK (on_option_changed), self);
  g_signal_connect_swapped (self->selection_dropdown, "notify::selected", G_CALLBACK (on_option_changed), self);
  g_signal_connect_swapped (self->first_entry, "changed", G_CALLBACK (on_option_changed), self);
  g_signal_connect_swapped (self->last_entry, "changed", G_CALLBACK (on_option_changed), self);
  g_signal_connect_swapped (self->reason_entry, "changed", G_CALLBACK (on_option_changed), self);
  g_signal_connect_swapped (self->copies_spin, "value-changed", G_CALLBACK (on_option_changed), self);
  g_signal_connect_swapped (self->single_check, "toggled", G_CALLBACK (on_option_changed), self);
  g_signal_connect_swapped (self->printer_dropdown, "notify::selected", G_CALLBACK (update_printer_state), self);
}

/**
 * bm_print_page_new:
 * @station: prints through its print service; the preferred printer is
 *   the service's
 */
BmPrintPage *
bm_print_page_new (BmStation *station)
{
  BmPrintPage *self = g_object_new (BM_TYPE_PRINT_PAGE, NULL);

  self->store = g_object_ref (bm_station_get_store (station));
  self->service = g_object_ref (bm_station_get_print_service (station));
  self->preferred_printer = g_strdup (bm_print_service_get_printer (self->service));
  g_signal_connect (self->service, "notify::fraction", G_CALLBACK (on_service_progress), self);
  g_signal_connect (self->service, "notify::status", G_CALLBACK (on_service_progress), self);
  g_signal_connect_swapped (self->service, "notify::busy", G_CALLBACK (update_actions), self);
  bm_print_page_refresh (self);
  refresh_printers (self);
  return self;
}

void
bm_print_page_set_printer (BmPrintPage *self,
                           const char  *printer)
{
  g_free (self->preferred_printer);
  self->preferred_printer = g_strdup (printer);
  for (guint i = 0; self->printers != NULL && i < self->printers->len; i++)
    if (g_strcmp0 (bm_printer_get_name (self->printers->pdata[i]), printer) == 0)
      gtk_drop_down_set_selected (self->printer_dropdown, i);
}

void
bm_print_page_select (BmPrintPage    *self,
                      BmDocumentKind  kind,
                      const char     *first,
                      const char     *last)
{
  self->updating = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i] == kind)
      gtk_drop_down_set_selected (self->document_dropdown, i);
  if (first != NULL)
    {
      gtk_drop_down_set_selected (self->selection_dropdown, 2);
      gtk_editable_set_text (GTK_EDITABLE (self->first_entry), first);
      gtk_editable_set_text (GTK_EDITABLE (self->last_entry), last ? last : first);
    }
  else
    gtk_drop_down_set_selected (self->selection_dropdown,
                                (kind == BM_DOCUMENT_LOGIN_CARDS || kind == BM_DOCUMENT_PROOF_SHEETS) ? 0 : 1);
  self->updating = FALSE;
  self->page = 0;
  bm_print_page_refresh (self);
}
