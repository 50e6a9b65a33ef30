/**
 * Reading what a request sent, one rule per kind of parameter, for every action
 * of the plugin. Malformed input (a NUL byte in an id, an array where one value
 * is expected, a number where text is expected, an unknown option) is answered
 * with a 400 that names the field, before it can reach the database or a
 * provider. A well-formed id that matches nothing stays the action's 404.
 */
import type { Context } from '@nocobase/actions';
import { UserFacingError } from '../http/errors';

export class InvalidParameterError extends UserFacingError {
  constructor(field: string, message: string) {
    super(400, 'INVALID_PARAMETER', message, field);
    this.name = 'InvalidParameterError';
  }
}

const invalid = (field: string, message: string) => new InvalidParameterError(field, message);

/** Row ids are the host's auto-increment keys: digits only, as numbers or strings. */
const ROW_ID = /^[1-9]\d{0,19}$/;
/** Control characters (tab, newline and carriage return are allowed in free text only). */
const CONTROL = /[\u0000-\u001F\u007F]/;
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function absent(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The request's parameters: query string and route params first, then the JSON body's `values`. */
export interface Params {
  /** A parameter from the query (or route), else from the body. */
  get(name: string): unknown;
  /** The body: an object, or empty when none was sent. */
  readonly values: Record<string, unknown>;
}

/** Where the first NUL byte sits in a JSON value (`to.0`), or null. PostgreSQL refuses NUL in text, and no field here allows it. */
function nulBytePath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (!value || typeof value !== 'object' || depth > 8) return null;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return path;
    const found = nulBytePath(item, path ? `${path}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return null;
}

const checked = new WeakMap<object, Params>();

export function paramsOf(ctx: Context): Params {
  const params = (ctx.action?.params ?? {}) as Record<string, unknown>;
  const known = checked.get(params);
  if (known) return known;
  const raw = params.values;
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw invalid('values', 'Send the request body as a JSON object.');
  }
  const values = (raw ?? {}) as Record<string, unknown>;
  const nul = nulBytePath(values, '');
  if (nul !== null) throw invalid(nul || 'values', `${nul || 'The request body'} contains a NUL byte.`);
  const result: Params = { values, get: (name) => params[name] ?? values[name] };
  checked.set(params, result);
  return result;
}

/** A record id (`42` or `"42"`); null when absent and optional. */
export function rowId(value: unknown, field: string, options: { required: true; label?: string }): string;
export function rowId(value: unknown, field: string, options?: { required?: false; label?: string }): string | null;
export function rowId(value: unknown, field: string, options: { required?: boolean; label?: string } = {}): string | null {
  const label = options.label ?? field;
  if (absent(value)) {
    if (options.required) throw invalid(field, `Say which ${label} (${field}).`);
    return null;
  }
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !ROW_ID.test(text)) throw invalid(field, `${field} must be the id of a ${label} (digits), not ${describe(value)}.`);
  return text;
}

/** Several record ids: a list or a comma-separated string. */
export function rowIdList(value: unknown, field: string, max = 100): string[] {
  if (absent(value)) return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  if (items.length > max) throw invalid(field, `${field} may name at most ${max} ids.`);
  return items.map((item) => rowId(item, field, { required: true }));
}

/** Text without control characters, within a length limit; null when absent and optional. */
export function text(value: unknown, field: string, options: { required: true; max?: number; multiline?: boolean }): string;
export function text(value: unknown, field: string, options?: { required?: false; max?: number; multiline?: boolean }): string | null;
export function text(value: unknown, field: string, options: { required?: boolean; max?: number; multiline?: boolean } = {}): string | null {
  const max = options.max ?? 2000;
  if (absent(value)) {
    if (options.required) throw invalid(field, `${field} is required.`);
    return null;
  }
  if (typeof value !== 'string') throw invalid(field, `${field} must be text, not ${describe(value)}.`);
  if ((options.multiline ? CONTROL_IN_TEXT : CONTROL).test(value)) throw invalid(field, `${field} contains control characters.`);
  if (value.length > max) throw invalid(field, `${field} is longer than ${max} characters.`);
  return value;
}

/** One of a fixed set of words; `fallback` when absent. */
export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback?: T): T {
  if (absent(value) && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(field, `${field} must be one of: ${allowed.join(', ')}.`);
  }
  return value as T;
}

/** true / false, also as "true" / "false" / "1" / "0" from a query string; false when absent. */
export function flag(value: unknown, field: string): boolean {
  if (absent(value)) return false;
  if (value === true || value === 1 || value === '1' || value === 'true') return true;
  if (value === false || value === 0 || value === '0' || value === 'false') return false;
  throw invalid(field, `${field} must be true or false.`);
}

/** A whole number within [min, max] (also from a query string); `fallback` when absent. */
export function wholeNumber(value: unknown, field: string, range: { min: number; max: number }, fallback: number): number {
  if (absent(value)) return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw invalid(field, `${field} must be a whole number from ${range.min} to ${range.max}.`);
  }
  return n;
}

type Middleware = (ctx: Context, next: () => Promise<void>) => Promise<void>;

/**
 * The record-id parameters of every request to the plugin's resources, the
 * host's own list / get / generic writes on the mail collections included:
 * `filterByTk` (several ids only for list) and the source id of an association
 * route (`/mailThreads/<id>/messages:list`). Runs before the host's
 * validate-filter-params, whose missing-id error would be a 500.
 */
export function recordIdGuard(resources: ReadonlySet<string>): Middleware {
  const WRITES = new Set(['update', 'destroy']);
  return async function mailRecordIdGuard(ctx, next) {
    const action = ctx.action as { resourceName?: string; actionName?: string; params?: Record<string, unknown> } | undefined;
    const [owner] = String(action?.resourceName ?? '').split('.');
    if (!action || !resources.has(owner)) return next();
    const params = action.params ?? {};
    if (params.associatedName !== undefined && resources.has(String(params.associatedName))) {
      rowId(params.associatedIndex, 'sourceId', { required: true, label: 'record the route starts from' });
    }
    const tk = params.filterByTk;
    const given = !absent(tk) && !(Array.isArray(tk) && tk.length === 0);
    if (given && Array.isArray(tk) && action.actionName === 'list') rowIdList(tk, 'filterByTk');
    else if (given) rowId(tk, 'filterByTk', { required: true, label: 'record' });
    else if (WRITES.has(String(action.actionName)) && absent(params.filter)) throw invalid('filterByTk', 'Say which record (filterByTk).');
    return next();
  };
}
