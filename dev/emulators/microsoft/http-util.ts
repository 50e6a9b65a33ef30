import type { EmulatorRequest, EmulatorResponse } from '../core';

/** The emulator's public origin as the client reached it (`https://localhost:PORT`). */
export function publicBase(req: EmulatorRequest): string {
  const host = typeof req.headers.host === 'string' && req.headers.host ? req.headers.host : 'localhost';
  return `https://${host}`;
}

export function json(status: number, body: object, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers: { 'Content-Type': 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8', ...headers }, body };
}

export function html(status: number, page: string): EmulatorResponse {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, body: page };
}

export function redirect(location: string): EmulatorResponse {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' }, body: '' };
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function header(req: EmulatorRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}
