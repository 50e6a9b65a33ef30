/**
 * Where the OAuth callback page may send the user back to: a path inside this
 * app, never another site. The server checks it when linking starts
 * (mailAccounts:authorize) and the callback page checks it again before it
 * navigates, so neither a stored value nor a changed server can make the page
 * leave the app.
 *
 * Browsers repair what they are given before they follow it: `\` becomes `/`,
 * tab and newline are dropped, `//host` and `/\host` mean another host. Rather
 * than predict every repair, only a plain path of visible ASCII is accepted, and
 * nothing that could turn into a host name once percent-decoded.
 */

/** Longest path kept (the column that stores it holds 2000 characters). */
export const RETURN_PATH_MAX_LENGTH = 2000;

/** Visible ASCII without backslash: what `location.pathname + location.search` always is. */
const PLAIN_PATH = /^\/[\x21-\x5B\x5D-\x7E]*$/;
/** What must not appear after decoding: control characters, spaces, backslashes. */
const UNSAFE_DECODED = /[\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200F\u2028\u2029\u202F\u205F\u3000\uFEFF\\]/;
const CONTROL_OR_BACKSLASH = /[\u0000-\u001F\u007F-\u009F\\]/;
const BASE = 'http://app.invalid';

function startsLikeAHost(path: string): boolean {
  return path.startsWith('//') || path.startsWith('/\\');
}

/** Every percent-decoding of the value (a few rounds catch double encoding); null when one is malformed. */
function decodings(value: string): string[] | null {
  const out: string[] = [];
  let current = value;
  for (let round = 0; round < 4; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (next === current) break;
    out.push(next);
    current = next;
  }
  return out;
}

/** The value if it is a same-app path (`/admin/mail?x=1`), otherwise null. */
export function safeReturnPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > RETURN_PATH_MAX_LENGTH) return null;
  if (!PLAIN_PATH.test(value) || startsLikeAHost(value)) return null;
  const split = value.search(/[?#]/);
  const path = split === -1 ? value : value.slice(0, split);
  const rest = split === -1 ? '' : value.slice(split);
  const decodedPath = decodings(path);
  const decodedRest = decodings(rest);
  if (!decodedPath || !decodedRest) return null;
  // The path decides where the browser goes: nothing in it may decode into a host.
  if (decodedPath.some((d) => UNSAFE_DECODED.test(d) || startsLikeAHost(d))) return null;
  // A query may hold an encoded space, but no control character or backslash.
  if (decodedRest.some((d) => CONTROL_OR_BACKSLASH.test(d))) return null;
  // What the browser would make of it, relative to any page of this app.
  let resolved: URL;
  try {
    resolved = new URL(value, `${BASE}/admin/`);
  } catch {
    return null;
  }
  if (resolved.origin !== BASE || resolved.pathname.startsWith('//')) return null;
  return value;
}
