import { RefObject, useLayoutEffect, useState } from 'react';

const MIN_HEIGHT = 48;
// Room for rounding and a horizontal scrollbar in wide newsletters.
const SLACK = 24;

const nextFrame = (cb: () => void): (() => void) => {
  if (typeof window.requestAnimationFrame === 'function') {
    const id = window.requestAnimationFrame(cb);
    return () => window.cancelAnimationFrame(id);
  }
  const id = window.setTimeout(cb, 16);
  return () => window.clearTimeout(id);
};

/** Height of the laid-out message inside the frame, or null while it cannot be read. */
export function contentHeight(frame: HTMLIFrameElement): number | null {
  let doc: Document | null = null;
  try {
    doc = frame.contentDocument;
  } catch {
    return null;
  }
  const root = doc?.querySelector<HTMLElement>('.nm-frame-root');
  if (!root) return null;
  return Math.ceil(Math.max(root.scrollHeight, root.getBoundingClientRect().height));
}

/**
 * The height a message frame needs, read from the frame itself once its
 * document is laid out, and again when late images arrive or the width changes.
 *
 * The message is laid out only there, in the sandboxed frame whose own policy
 * decides what may load: never a second copy in the app's page, where the app's
 * rules (not the message's) would let its images and backgrounds load at once.
 * The frame runs no script, so it cannot report its size; the page reads it,
 * which the sandbox's `allow-same-origin` permits (see MESSAGE_FRAME_SANDBOX).
 * `key` is the document shown (a new one is measured afresh).
 */
export function useFrameHeight(frame: RefObject<HTMLIFrameElement>, key: string | null): number {
  const [height, setHeight] = useState(MIN_HEIGHT);

  useLayoutEffect(() => {
    const el = frame.current;
    if (key === null || !el) return undefined;
    let cancel: (() => void) | null = null;
    let watched: Document | null = null;
    const measure = () => {
      const h = contentHeight(el);
      if (h !== null) setHeight(Math.max(MIN_HEIGHT, h + SLACK));
    };
    const schedule = () => {
      cancel?.();
      cancel = nextFrame(measure);
    };
    const unwatch = () => {
      watched?.removeEventListener('load', schedule, true);
      watched?.removeEventListener('error', schedule, true);
      watched = null;
    };
    const onLoad = () => {
      unwatch();
      try {
        watched = el.contentDocument;
      } catch {
        watched = null;
      }
      // Images and fonts that arrive later (after "Show images") change the height again.
      watched?.addEventListener('load', schedule, true);
      watched?.addEventListener('error', schedule, true);
      measure();
    };
    el.addEventListener('load', onLoad);
    // A srcdoc frame may already have loaded before this effect ran.
    if (el.contentDocument?.readyState === 'complete') onLoad();
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(schedule) : null;
    observer?.observe(el);
    return () => {
      cancel?.();
      observer?.disconnect();
      el.removeEventListener('load', onLoad);
      unwatch();
    };
  }, [frame, key]);

  return height;
}
