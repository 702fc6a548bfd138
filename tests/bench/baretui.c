/* baretui: the smallest screen program built on sigacor's libraries, the
 * anchor for idle memory and for terminal output per key.
 *   baretui [--echo] DB
 * ncurses (wide), SQLite (DB opened, one query) and libexif (a context made)
 * are linked and used; built a second time with -DBARETUI_CURL it also
 * initialises libcurl with its TLS library and a multi handle, as a sync
 * engine living in the same process would.  Draws one screen with "SIAP"
 * and then waits for keys; with --echo each key is echoed with addch and a
 * refresh (the least a screen program can write for a key).  Ends on 'q' or
 * when the terminal goes away. */
#include "config.h"

#include <curses.h>
#include <libexif/exif-data.h>
#include <locale.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#ifdef BARETUI_CURL
#include <curl/curl.h>
#endif

int main(int argc, char **argv)
{
	int echo_keys = argc > 1 && strcmp(argv[1], "--echo") == 0;
	const char *dbpath = argc > 1 + echo_keys ? argv[1 + echo_keys] : ":memory:";
	setlocale(LC_ALL, "");
	sqlite3 *db = NULL;
	long rows = -1;
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) == SQLITE_OK
			&& sqlite3_step(st) == SQLITE_ROW)
			rows = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	ExifData *exif = exif_data_new();
#ifdef BARETUI_CURL
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *multi = curl_multi_init();
	CURL *easy = curl_easy_init();
	curl_easy_setopt(easy, CURLOPT_URL, "https://127.0.0.1:1/");
	curl_multi_add_handle(multi, easy);
#endif
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	box(stdscr, 0, 0);
	mvprintw(1, 2, "SIAP (%ld)", rows);
	move(3, 2);
	refresh();
	for (;;) {
		int ch = getch();
		if (ch == ERR || ch == 'q')
			break;
		if (echo_keys) {
			addch((chtype)ch);
			refresh();
		}
	}
	endwin();
#ifdef BARETUI_CURL
	curl_multi_remove_handle(multi, easy);
	curl_easy_cleanup(easy);
	curl_multi_cleanup(multi);
	curl_global_cleanup();
#endif
	exif_data_unref(exif);
	sqlite3_close(db);
	return 0;
}
