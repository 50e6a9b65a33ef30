import type { EmulatorRequest, EmulatorResponse, Handler } from './types';

interface Segment {
  kind: 'literal' | 'param' | 'splat';
  value: string;
}

interface Route {
  method: string;
  pattern: string;
  segments: Segment[];
  handler: Handler;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  /** `METHOD /pattern` of the matched route. */
  route: string;
}

export interface RouterOptions {
  /** Compare literal segments case-insensitively (Graph paths are). */
  caseInsensitive?: boolean;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function parsePattern(pattern: string): Segment[] {
  return splitPath(pattern).map((raw, index, all) => {
    if (raw.startsWith(':') && raw.endsWith('*')) {
      if (index !== all.length - 1) throw new Error(`splat must be last in ${pattern}`);
      return { kind: 'splat', value: raw.slice(1, -1) };
    }
    if (raw.startsWith(':')) return { kind: 'param', value: raw.slice(1) };
    return { kind: 'literal', value: raw };
  });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Method + path pattern routing. Patterns look like `/gmail/v1/users/:userId/messages/:id`;
 * a last segment `:rest*` captures the remainder of the path (possibly empty).
 * Routes are tried in the order they were added.
 */
export class Router {
  private readonly routes: Route[] = [];

  constructor(private readonly options: RouterOptions = {}) {}

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method: method.toUpperCase(), pattern, segments: parsePattern(pattern), handler });
    return this;
  }

  get(pattern: string, handler: Handler): this {
    return this.add('GET', pattern, handler);
  }

  post(pattern: string, handler: Handler): this {
    return this.add('POST', pattern, handler);
  }

  match(method: string, path: string): RouteMatch | null {
    const parts = splitPath(path);
    const upper = method.toUpperCase();
    for (const route of this.routes) {
      if (route.method !== upper && route.method !== '*') continue;
      const params = this.matchSegments(route.segments, parts);
      if (params) return { handler: route.handler, params, route: `${route.method} ${route.pattern}` };
    }
    return null;
  }

  /** True when some route matches the path with another method (for 405 answers). */
  hasPath(path: string): boolean {
    const parts = splitPath(path);
    return this.routes.some((r) => this.matchSegments(r.segments, parts) !== null);
  }

  /** Runs the matching handler with params filled in, or returns null when nothing matches. */
  async dispatch(req: EmulatorRequest): Promise<EmulatorResponse | null> {
    const found = this.match(req.method, req.path);
    if (!found) return null;
    req.params = found.params;
    req.route = found.route;
    return found.handler(req);
  }

  private matchSegments(segments: Segment[], parts: string[]): Record<string, string> | null {
    const params: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i];
      if (seg.kind === 'splat') {
        params[seg.value] = parts.slice(i).map(decode).join('/');
        return params;
      }
      const part = parts[i];
      if (part === undefined) return null;
      if (seg.kind === 'param') {
        params[seg.value] = decode(part);
      } else if (this.options.caseInsensitive ? seg.value.toLowerCase() !== part.toLowerCase() : seg.value !== part) {
        return null;
      }
    }
    return parts.length === segments.length ? params : null;
  }
}
