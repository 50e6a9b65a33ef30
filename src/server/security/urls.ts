/**
 * What a URL found in mail HTML or CSS points at, and what the reader's view may
 * load from it. Shared by the HTML and CSS sanitizers so both apply one policy.
 */

export type UrlKind =
  | { kind: 'remote'; url: string }
  | { kind: 'cid'; contentId: string }
  | { kind: 'data'; mediaType: string; url: string }
  | { kind: 'relative'; url: string }
  | { kind: 'forbidden' };

// Browsers drop ASCII tab/newline anywhere in a URL and trim C0 controls and spaces
// at both ends; doing the same first defeats `jav&#x09;ascript:` style tricks.
// eslint-disable-next-line no-control-regex
const STRIP_INSIDE = /[\t\n\r]/g;
// eslint-disable-next-line no-control-regex
const TRIM_ENDS = /^[\x00-\x20]+|[\x00-\x20]+$/g;

/**
 * A base no real reference resolves to: whatever comes out on this origin had
 * no scheme and host of its own, i.e. the browser would fetch it from the app.
 */
const RELATIVE_BASE = 'https://relative.nocomail.invalid/';
const RELATIVE_ORIGIN = new URL(RELATIVE_BASE).origin;

/**
 * Classifies a reference the way a browser will resolve it: with the WHATWG URL
 * parser itself (Node's `URL`), so backslashes in special schemes (`http:\\host`,
 * `/\host`), protocol-relative `//host`, missing slashes (`http:host`), odd case
 * and stray whitespace all come out as the absolute URL the browser would fetch.
 * Remote URLs are returned normalized (`href`), so what we later write back is
 * exactly what we decided on, never the sender's spelling of it.
 */
export function classifyUrl(raw: string): UrlKind {
  const url = raw.replace(STRIP_INSIDE, '').replace(TRIM_ENDS, '');
  if (!url) return { kind: 'forbidden' };
  // Any remaining control character means someone is playing games.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(url)) return { kind: 'forbidden' };
  let parsed: URL;
  try {
    parsed = new URL(url, RELATIVE_BASE);
  } catch {
    return { kind: 'forbidden' };
  }
  switch (parsed.protocol) {
    case 'http:':
    case 'https:':
      return parsed.origin === RELATIVE_ORIGIN ? { kind: 'relative', url } : { kind: 'remote', url: parsed.href };
    case 'cid:': {
      let id = url.slice(url.indexOf(':') + 1);
      try {
        id = decodeURIComponent(id);
      } catch {
        // keep the raw form
      }
      return { kind: 'cid', contentId: id.replace(/^<|>$/g, '') };
    }
    case 'data:': {
      const media = /^data:([^;,]*)/i.exec(url);
      return { kind: 'data', mediaType: (media?.[1] ?? '').trim().toLowerCase(), url };
    }
    default:
      // ftp:, ws:, file:, blob:, javascript:, about: … are never images.
      return { kind: 'forbidden' };
  }
}

/**
 * Raster images embedded as data: URLs are common in mail and cannot run code.
 * SVG is excluded (it can carry script when opened directly), as is anything
 * large enough to be an abuse of the reader's memory.
 */
export const MAX_DATA_IMAGE_URL_LENGTH = 1_000_000;
const SAFE_DATA_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp|bmp|x-icon|vnd\.microsoft\.icon|avif);base64,[a-z0-9+/=\s]*$/i;

export function isSafeDataImage(url: string): boolean {
  return url.length <= MAX_DATA_IMAGE_URL_LENGTH && SAFE_DATA_IMAGE.test(url);
}

/** contentId → URL, tolerant of `<>` and case differences between the HTML and the part headers. */
export function lookupCid(cidMap: Readonly<Record<string, string>> | undefined, contentId: string): string | undefined {
  if (!cidMap) return undefined;
  const bare = contentId.replace(/^<|>$/g, '');
  const direct = cidMap[bare] ?? cidMap[`<${bare}>`];
  if (direct) return direct;
  const lower = bare.toLowerCase();
  for (const [key, value] of Object.entries(cidMap)) {
    if (key.replace(/^<|>$/g, '').toLowerCase() === lower) return value;
  }
  return undefined;
}

export interface ResourcePolicy {
  allowRemoteImages: boolean;
  cidMap?: Readonly<Record<string, string>>;
  /** Called for each remote resource found, blocked or not. */
  onRemote(blocked: boolean): void;
}

export type ImageDecision = { action: 'keep'; url: string } | { action: 'block'; url: string } | { action: 'drop' };

/** What to do with an image-like reference (img src, background, CSS url()). */
export function decideImage(raw: string, policy: ResourcePolicy): ImageDecision {
  const target = classifyUrl(raw);
  switch (target.kind) {
    case 'remote':
      policy.onRemote(!policy.allowRemoteImages);
      return policy.allowRemoteImages ? { action: 'keep', url: target.url } : { action: 'block', url: target.url };
    case 'cid': {
      const mapped = lookupCid(policy.cidMap, target.contentId);
      if (mapped === undefined) return { action: 'keep', url: `cid:${target.contentId}` };
      // The map points at our own attachment route; only accept same-origin paths or http(s).
      const mappedKind = classifyUrl(mapped).kind;
      return mappedKind === 'relative' || mappedKind === 'remote' ? { action: 'keep', url: mapped } : { action: 'drop' };
    }
    case 'data':
      return isSafeDataImage(target.url) ? { action: 'keep', url: target.url.replace(/\s+/g, '') } : { action: 'drop' };
    default:
      // Relative URLs have nothing to resolve against inside a mail; other schemes are never images.
      return { action: 'drop' };
  }
}

export interface SrcsetCandidate {
  url: string;
  /** Validated descriptors (`100w`, `1.5x`, `200h`), in their original order. */
  descriptors: string[];
}

const ASCII_SPACE = /[\t\n\f\r ]/;

/**
 * The HTML standard's "parse a srcset attribute": candidates are split where a
 * browser splits them (a URL runs to the next whitespace; trailing commas end it;
 * commas inside descriptor parentheses do not split). Candidates whose
 * descriptors a browser would reject are left out, as the browser leaves them out.
 */
export function parseSrcset(input: string): SrcsetCandidate[] {
  const out: SrcsetCandidate[] = [];
  let pos = 0;
  const n = input.length;
  while (pos < n) {
    while (pos < n && (ASCII_SPACE.test(input[pos]) || input[pos] === ',')) pos += 1;
    if (pos >= n) break;
    const start = pos;
    while (pos < n && !ASCII_SPACE.test(input[pos])) pos += 1;
    let url = input.slice(start, pos);
    const descriptors: string[] = [];
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
    } else {
      while (pos < n && ASCII_SPACE.test(input[pos])) pos += 1;
      let current = '';
      let state: 'in' | 'parens' | 'after' = 'in';
      for (; pos <= n; pos += 1) {
        const c = pos < n ? input[pos] : null;
        if (state === 'in') {
          if (c === null) break;
          if (ASCII_SPACE.test(c)) {
            if (current) descriptors.push(current);
            current = '';
            state = 'after';
          } else if (c === ',') {
            pos += 1;
            break;
          } else if (c === '(') {
            current += c;
            state = 'parens';
          } else current += c;
        } else if (state === 'parens') {
          if (c === null) break;
          current += c;
          if (c === ')') state = 'in';
        } else {
          if (c === null) break;
          if (!ASCII_SPACE.test(c)) {
            state = 'in';
            pos -= 1;
          }
        }
      }
      if (current) descriptors.push(current);
    }
    if (url && validDescriptors(descriptors)) out.push({ url, descriptors });
  }
  return out;
}

function validDescriptors(descriptors: string[]): boolean {
  let w = false;
  let x = false;
  let h = false;
  for (const d of descriptors) {
    if (/^[0-9]+w$/.test(d) && Number(d.slice(0, -1)) > 0 && !w && !x) w = true;
    else if (/^[0-9]+h$/.test(d) && Number(d.slice(0, -1)) > 0 && !h && !x) h = true;
    else if (/^(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?x$/.test(d) && Number(d.slice(0, -1)) >= 0 && !w && !h && !x) x = true;
    else return false;
  }
  return !(h && !w);
}

/** A srcset written back from decided candidates only. */
export function serializeSrcset(candidates: readonly SrcsetCandidate[]): string {
  return candidates.map((c) => [c.url, ...c.descriptors].join(' ')).join(', ');
}

export interface SrcsetDecision {
  /** Candidates the frame may load now (cid-linked, safe data:, remote when allowed). */
  keep: SrcsetCandidate[];
  /** Remote candidates held back until the reader allows remote content (normalized URLs). */
  blocked: SrcsetCandidate[];
  /** Remote candidates found, kept or blocked. */
  remote: number;
}

/** Runs every srcset candidate through the image policy; counting is left to the caller (one image, one count). */
export function decideSrcset(srcset: string, policy: Pick<ResourcePolicy, 'allowRemoteImages' | 'cidMap'>): SrcsetDecision {
  const decision: SrcsetDecision = { keep: [], blocked: [], remote: 0 };
  const silent: ResourcePolicy = { ...policy, onRemote: () => (decision.remote += 1) };
  for (const candidate of parseSrcset(srcset)) {
    const d = decideImage(candidate.url, silent);
    // A URL with a space or a comma at either end would split differently when read back.
    if (d.action === 'drop' || /\s/.test(d.url) || /^,|,$/.test(d.url)) continue;
    (d.action === 'keep' ? decision.keep : decision.blocked).push({ url: d.url, descriptors: candidate.descriptors });
  }
  return decision;
}
