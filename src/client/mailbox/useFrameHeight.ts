import { RefObject, useLayoutEffect, useState } from 'react';
import { createHeightProbe } from './frame-height';

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

/** The height a message body needs at the width of `container`, following resizes and late images. */
export function useFrameHeight(html: string | null, container: RefObject<HTMLElement>): number {
  const [height, setHeight] = useState(MIN_HEIGHT);

  useLayoutEffect(() => {
    const el = container.current;
    if (html === null || !el) return undefined;
    let cancel: (() => void) | null = null;
    const measure = () => setHeight(Math.max(MIN_HEIGHT, probe.measure(el.clientWidth) + SLACK));
    const schedule = () => {
      cancel?.();
      cancel = nextFrame(measure);
    };
    const probe = createHeightProbe(html, schedule);
    measure();
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(schedule) : null;
    observer?.observe(el);
    return () => {
      cancel?.();
      observer?.disconnect();
      probe.dispose();
    };
  }, [html, container]);

  return height;
}
