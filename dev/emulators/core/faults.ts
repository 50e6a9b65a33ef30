import type { ActiveFault, EmulatorRequest, EmulatorResponse, FaultKind, FaultSpec } from './types';
import { FAULT_KINDS } from './types';

/** What the server should do with a request a fault matched. */
export type FaultAction =
  | { type: 'hangup'; fault: ActiveFault }
  | { type: 'delay'; fault: ActiveFault; ms: number }
  /** Run the handler (its state changes stay), then drop the connection or answer `response` instead of its answer. */
  | { type: 'after'; fault: ActiveFault; response: EmulatorResponse | null }
  | { type: 'respond'; fault: ActiveFault; response: EmulatorResponse };

/**
 * Renders a provider-shaped error for a fault, or returns null when the fault does not
 * concern this request (e.g. `invalid_grant` only hits refresh-token grants); such a
 * request passes through and does not use up the fault's count.
 */
export type FaultRenderer = (fault: ActiveFault, req: EmulatorRequest) => EmulatorResponse | null;

export function validateFault(spec: FaultSpec): string | null {
  if (!FAULT_KINDS.includes(spec.kind)) return `unknown fault kind ${String(spec.kind)}`;
  if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 1)) return 'count must be a positive integer';
  if (spec.percent !== undefined && !(spec.percent > 0 && spec.percent <= 100)) return 'percent must be in (0, 100]';
  return null;
}

export class FaultRegistry {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, id: this.nextId++, applied: 0 };
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Finds the first fault that applies to the request, consuming one of its uses. */
  take(req: EmulatorRequest, render: FaultRenderer): FaultAction | null {
    for (const fault of this.faults) {
      if (!this.matches(fault, req)) continue;
      const action = this.actionFor(fault, req, render);
      if (!action) continue;
      if (fault.percent !== undefined && Math.random() * 100 >= fault.percent) continue;
      this.consume(fault);
      return action;
    }
    return null;
  }

  /** Whether an active fault of this kind applies to the request (consumes it); for provider-internal checks. */
  takeKind(kind: FaultKind, req: EmulatorRequest): ActiveFault | null {
    for (const fault of this.faults) {
      if (fault.kind !== kind || !this.matches(fault, req)) continue;
      if (fault.percent !== undefined && Math.random() * 100 >= fault.percent) continue;
      this.consume(fault);
      return fault;
    }
    return null;
  }

  private matches(fault: ActiveFault, req: EmulatorRequest): boolean {
    if (fault.pathPrefix && !req.path.startsWith(fault.pathPrefix)) return false;
    if (fault.route && req.route !== fault.route) return false;
    if (fault.user && (req.user ?? '').toLowerCase() !== fault.user.toLowerCase()) return false;
    return true;
  }

  private actionFor(fault: ActiveFault, req: EmulatorRequest, render: FaultRenderer): FaultAction | null {
    if (fault.kind === 'hangup') return { type: 'hangup', fault };
    if (fault.kind === 'slow') return { type: 'delay', fault, ms: fault.delayMs ?? 2000 };
    if (fault.kind === 'drop_response') return { type: 'after', fault, response: null };
    if (fault.kind === 'error_after_processing') {
      const response = render({ ...fault, kind: 'server_error' }, req) ?? { status: 500, body: { error: 'internal error after processing' } };
      return { type: 'after', fault, response };
    }
    const response = render(fault, req);
    return response ? { type: 'respond', fault, response } : null;
  }

  private consume(fault: ActiveFault): void {
    fault.applied += 1;
    if (fault.count !== undefined && fault.applied >= fault.count) {
      this.faults = this.faults.filter((f) => f !== fault);
    }
  }
}
