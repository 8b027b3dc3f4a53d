/**
 * links/paths.ts — the web pages that one-time tokens open. The token rides in the URL fragment
 * (`#token=…`), which browsers never send to servers, so it stays out of access logs, proxies
 * and Referer headers; the page posts it to the API in a JSON body.
 */

/** passwordPath is the page where a user sets their password (new account or reset). */
export function passwordPath(token: string): string {
  return `/reset#token=${token}`;
}

/** setupPath is the first-run page that creates the first admin. */
export function setupPath(token: string): string {
  return `/setup#token=${token}`;
}
