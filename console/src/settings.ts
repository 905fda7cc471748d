// Numbers and facts the console's screens rely on, in one place (the browser tests read them too).

/** How often the board asks the service again: a draw's calls move in minutes; countdowns tick locally every second. */
export const POLL_SECONDS = 5;

/** What an immediate draw's seed is made of (POST /v1/projects/{id}/draw; docs/draw-proof.md §11): the server's nonce. */
export const IMMEDIATE_ASSURANCE = 'operator';

/** The pool desk's pages: experts per page of a search, bad rows per page of an import's report. */
export const EXPERTS_PER_PAGE = 50;
export const ERRORS_PER_PAGE = 100;

/** The board's rows a page (a busy day has 2,000 projects), and the draws whose calls one poll reads at most. */
export const BOARD_PAGE_ROWS = 100;
export const CALLS_PER_POLL = 25;
