/* The floor under the window's memory figure (issue 15 item 6): the smallest WebKitGTK program,
 * a 1280x800 window showing one paragraph, with nothing of certdesk or Tauri in it. Prints its
 * own resident memory once the page has loaded and painted, then exits. scripts/bench builds it
 * with the system's WebKitGTK and runs it under the same Xvfb as the window's start-up. */
#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>
#include <webkit2/webkit2.h>

static gboolean report(gpointer unused) {
  (void)unused;
  char line[256];
  FILE *f = fopen("/proc/self/status", "r");
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "VmRSS:", 6)) fputs(line, stdout);
  if (f) fclose(f);
  fflush(stdout);
  gtk_main_quit();
  return FALSE;
}

static void loaded(WebKitWebView *view, WebKitLoadEvent event, gpointer unused) {
  (void)view;
  (void)unused;
  /* As the window's benchmark does: a moment after the page is ready. */
  if (event == WEBKIT_LOAD_FINISHED) g_timeout_add(1000, report, NULL);
}

int main(int argc, char **argv) {
  gtk_init(&argc, &argv);
  GtkWidget *window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
  gtk_window_set_default_size(GTK_WINDOW(window), 1280, 800);
  GtkWidget *view = webkit_web_view_new();
  gtk_container_add(GTK_CONTAINER(window), view);
  g_signal_connect(view, "load-changed", G_CALLBACK(loaded), NULL);
  webkit_web_view_load_html(WEBKIT_WEB_VIEW(view), "<p>上门证工作台</p>", NULL);
  gtk_widget_show_all(window);
  gtk_main();
  return 0;
}
