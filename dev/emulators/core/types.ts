import type { IncomingHttpHeaders } from 'node:http';

/** A request as seen by emulator route handlers: body already read, path params decoded. */
export interface EmulatorRequest {
  method: string;
  /** Path without query string, e.g. `/gmail/v1/users/me/messages`. */
  path: string;
  /** Route params (decoded) of the matched pattern; empty before routing. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Mailbox/user the request belongs to (from the server's `identify`), set before faults and quota run. */
  user: string | null;
  /** Pattern of the matched route (`METHOD /pattern`), for logs and counters. */
  route: string | null;
  text(): string;
  json<T = unknown>(): T;
  form(): URLSearchParams;
  /** The bearer token of the Authorization header, or null. */
  bearer(): string | null;
}

/** What a handler answers. An object body is sent as JSON. */
export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
}

export type Handler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export type FaultKind =
  | 'rate_limit'
  | 'server_error'
  | 'unavailable'
  | 'hangup'
  | 'slow'
  | 'invalid_grant'
  | 'expire_cursor'
  | 'api_not_enabled'
  | 'mailbox_not_enabled'
  /** The request is processed (state changes), then the connection is dropped without an answer. */
  | 'drop_response'
  /** The request is processed (state changes), then answered with the provider's 500. */
  | 'error_after_processing';

export const FAULT_KINDS: readonly FaultKind[] = [
  'rate_limit',
  'server_error',
  'unavailable',
  'hangup',
  'slow',
  'invalid_grant',
  'expire_cursor',
  'api_not_enabled',
  'mailbox_not_enabled',
  'drop_response',
  'error_after_processing',
];

/**
 * A fault to inject. Without `count` it applies to every matching request until cleared;
 * `percent` (0-100) makes it apply to that share of matching requests at random.
 */
export interface FaultSpec {
  kind: FaultKind;
  count?: number;
  percent?: number;
  /** Only requests whose path starts with this. */
  pathPrefix?: string;
  /** Only requests matched to this route, as logged: `METHOD /pattern`, e.g. `POST /v1.0/me/messages/:id/send`. */
  route?: string;
  /** Only requests identified as this user (case-insensitive). */
  user?: string;
  retryAfterSeconds?: number;
  /** For `slow`: how long to wait before answering (default 2000 ms). */
  delayMs?: number;
}

/** A fault as stored by the server: its spec plus an id and how many times it fired. */
export interface ActiveFault extends FaultSpec {
  id: number;
  applied: number;
}

export interface QuotaWindow {
  /** Name reported in rejections and logs, e.g. `perUserPerSecond`. */
  name: string;
  /** Budget of quota units per moving window. */
  units: number;
  windowMs: number;
}

export interface QuotaRejection {
  user: string;
  /** The window name that overflowed, or `concurrency`. */
  limit: string;
  retryAfterSeconds: number;
}

/** Per-user budget enforced by the core when enabled (off by default). */
export interface QuotaPolicy {
  windows: QuotaWindow[];
  /** Maximum requests in flight per user (e.g. Graph allows 4 per mailbox). */
  maxConcurrent?: number;
  /** Whether enforcement starts enabled (default false). */
  enabled?: boolean;
  /** The provider-shaped answer to a request over budget. */
  reject(req: EmulatorRequest, rejection: QuotaRejection): EmulatorResponse;
}

export interface QuotaSettings {
  enabled: boolean;
  windows?: QuotaWindow[];
  maxConcurrent?: number;
}

export interface LogEntry {
  id: number;
  /** ISO time the request arrived. */
  time: string;
  method: string;
  path: string;
  query: string;
  route: string | null;
  user: string | null;
  /** HTTP status sent, or 0 when the socket was hung up. */
  status: number;
  fault: FaultKind | null;
  /** Set when the quota policy rejected the request. */
  quota: string | null;
  units: number;
  durationMs: number;
  /** Requests in flight for the same user when this one arrived, itself included. */
  inFlight: number;
}

export interface Counters {
  requests: number;
  byStatus: Record<string, number>;
  byFault: Record<string, number>;
  byRoute: Record<string, number>;
  byUser: Record<string, number>;
  maxInFlightByUser: Record<string, number>;
  quotaRejections: number;
  quotaUnitsByUser: Record<string, number>;
  /** Whatever the provider module reports (message counts and the like). */
  provider?: Record<string, unknown>;
}

/** Shared shape of `POST /__control/seed` for both providers. */
export interface SeedUser {
  address: string;
  name: string;
  /** Number of generated messages (default 0). */
  messages?: number;
  /** Generator seed (default derived from the address). */
  seed?: number;
  /** Extra addresses the user can send as. */
  aliases?: string[];
  startDate?: string;
  endDate?: string;
}

export interface SeedOptions {
  users: SeedUser[];
  /** Keep existing mailboxes (default: seeding replaces all state). */
  append?: boolean;
}

export interface SeedResult {
  users: Array<{ address: string; messages: number }>;
}

/** Shared shape of `POST /__control/deliver`: a new message arriving now. */
export interface DeliverOptions {
  to: string | string[];
  from?: string;
  cc?: string | string[];
  subject?: string;
  html?: string;
  text?: string;
  /** Internet Message-ID of the message this one replies to (joins its thread); the Google emulator also takes a Gmail message id. */
  inReplyTo?: string;
  attachments?: Array<{ filename: string; contentType?: string; content: string /* base64 */ }>;
  date?: string;
}

export interface DeliverResult {
  /** Per recipient mailbox: provider ids of the new message. */
  delivered: Array<{ mailbox: string; id: string; threadId: string }>;
  messageId: string;
}
