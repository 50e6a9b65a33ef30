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

export function classifyUrl(raw: string): UrlKind {
  const url = raw.replace(STRIP_INSIDE, '').replace(TRIM_ENDS, '');
  if (!url) return { kind: 'forbidden' };
  // Any remaining control character means someone is playing games.
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(url)) return { kind: 'forbidden' };
  if (/^[/\\]{2}/.test(url)) return { kind: 'remote', url: `https:${url.replace(/^[/\\]{2}/, '//')}` };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  if (!scheme) return { kind: 'relative', url };
  switch (scheme[1].toLowerCase()) {
    case 'http':
    case 'https':
      return { kind: 'remote', url };
    case 'cid': {
      let id = url.slice(scheme[0].length);
      try {
        id = decodeURIComponent(id);
      } catch {
        // keep the raw form
      }
      return { kind: 'cid', contentId: id.replace(/^<|>$/g, '') };
    }
    case 'data': {
      const media = /^data:([^;,]*)/i.exec(url);
      return { kind: 'data', mediaType: (media?.[1] ?? '').trim().toLowerCase(), url };
    }
    default:
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
