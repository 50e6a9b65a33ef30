/**
 * How tall a message body is, for a sandboxed frame the page cannot look into.
 *
 * The frame has no scripts and an opaque origin (by design), so it cannot report
 * its height and the page cannot read it. Instead the same sanitized HTML is laid
 * out once more, invisibly, in a closed shadow root at the frame's width, after
 * stripping anything that could act in the page's origin (the server already
 * removed it; this copy must never be the weak spot).
 */
import { FRAME_BASE_CSS } from './frame-document';

const DROP_ELEMENTS = 'script, iframe, frame, object, embed, link, meta, base, form, svg, math, template, noscript';
// Keeps attributes that affect layout; drops event handlers and anything naming a URL we do not need.
const LAYOUT_SAFE_URL_ATTRIBUTES = new Set(['src', 'srcset']);

/** An inert DOM copy of the HTML fit for measuring. */
export function measurableCopy(html: string): DocumentFragment {
  const parsed = new DOMParser().parseFromString(`<div class="nm-frame-root">${html}</div>`, 'text/html');
  parsed.querySelectorAll(DROP_ELEMENTS).forEach((el) => el.remove());
  parsed.querySelectorAll('*').forEach((el) => {
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name.startsWith('on') || name === 'href' || name === 'action' || name === 'formaction' || name === 'xlink:href') el.removeAttribute(attr.name);
      else if (LAYOUT_SAFE_URL_ATTRIBUTES.has(name) && !/^(?:https?:|data:image\/|\/)/.test(value)) el.removeAttribute(attr.name);
    }
    // Measuring must not tell senders who read their mail from where.
    if (el instanceof HTMLImageElement) el.referrerPolicy = 'no-referrer';
  });
  const fragment = document.createDocumentFragment();
  const style = document.createElement('style');
  style.textContent = `:host{display:block;}${FRAME_BASE_CSS}`;
  fragment.append(style, document.adoptNode(parsed.body.firstElementChild as Element));
  return fragment;
}

export interface HeightProbe {
  /** Lays out at this width and returns the content height in CSS pixels. */
  measure(width: number): number;
  dispose(): void;
}

/** Starts an invisible layout of the HTML; `onChange` fires when late images change its height. */
export function createHeightProbe(html: string, onChange: () => void): HeightProbe {
  const host = document.createElement('div');
  host.setAttribute('aria-hidden', 'true');
  host.setAttribute('inert', '');
  host.style.cssText = 'position:absolute;left:-100000px;top:0;visibility:hidden;pointer-events:none;contain:layout style;';
  const root = host.attachShadow({ mode: 'closed' });
  root.append(measurableCopy(html));
  const content = root.querySelector('.nm-frame-root') as HTMLElement;
  root.addEventListener('load', onChange, true);
  root.addEventListener('error', onChange, true);
  document.body.appendChild(host);
  return {
    measure(width) {
      host.style.width = `${Math.max(0, Math.floor(width))}px`;
      return Math.ceil(content.scrollHeight || content.getBoundingClientRect().height || 0);
    },
    dispose() {
      root.removeEventListener('load', onChange, true);
      root.removeEventListener('error', onChange, true);
      host.remove();
    },
  };
}
