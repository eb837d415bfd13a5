"""`hortus serve`: the writer's live preview, on top of the pipeline.

The site is built into a private folder (`.hortus/serve/PORT/site`), never public/, served on
127.0.0.1 with the clean URLs Vercel gives it. watchfiles watches the vault and the theme; a
save first shows the edited pages alone (see preview), then rebuilds the site while the
previous build stays up, and the open page reloads itself: every HTML response (only as
served, never the built files) carries a small script that listens on `/__hortus/events`
(Server-Sent Events) for the next build. A failed build never stops the server: its errors
are shown in a box at the top of every page until a build passes.

Public API: serve(notes, port), the command's entry point."""

from hortus.serve.command import serve

__all__ = ["serve"]
