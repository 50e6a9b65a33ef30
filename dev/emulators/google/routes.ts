import type { EmulatorRequest, EmulatorResponse, Router } from '../core';
import { authorizeGmail, isResponse, type Access, type GmailContext } from './gmail-auth';
import type { GoogleState } from './state';

export type GmailHandler = (ctx: GmailContext, req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

/** Registers Gmail routes with their access level and quota-unit cost (Gmail's published per-method costs). */
export class GmailRoutes {
  readonly costs = new Map<string, number>();

  constructor(
    private readonly router: Router,
    private readonly state: GoogleState,
  ) {}

  add(method: string, pattern: string, cost: number, access: Access, handler: GmailHandler): void {
    this.costs.set(`${method.toUpperCase()} ${pattern}`, cost);
    this.router.add(method, pattern, (req) => {
      const ctx = authorizeGmail(this.state, req, access);
      return isResponse(ctx) ? ctx : handler(ctx, req);
    });
  }

  costOf(route: string | null): number {
    return route ? (this.costs.get(route) ?? 0) : 0;
  }
}

export const USER_PATH = '/gmail/v1/users/:userId';
export const UPLOAD_PATH = '/upload/gmail/v1/users/:userId';
