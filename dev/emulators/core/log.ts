import type { Counters, LogEntry } from './types';

const MAX_ENTRIES = 20_000;

/** Request log and aggregate counters of one emulator server. */
export class RequestLog {
  private entries: LogEntry[] = [];
  private nextId = 1;
  private counters: Counters = emptyCounters();

  record(entry: Omit<LogEntry, 'id'>): LogEntry {
    const full: LogEntry = { id: this.nextId++, ...entry };
    this.entries.push(full);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    const c = this.counters;
    c.requests += 1;
    bump(c.byStatus, String(full.status));
    if (full.fault) bump(c.byFault, full.fault);
    if (full.route) bump(c.byRoute, full.route);
    if (full.user) {
      bump(c.byUser, full.user);
      c.maxInFlightByUser[full.user] = Math.max(c.maxInFlightByUser[full.user] ?? 0, full.inFlight);
      if (!full.quota) bump(c.quotaUnitsByUser, full.user, full.units);
    }
    if (full.quota) c.quotaRejections += 1;
    return full;
  }

  list(): LogEntry[] {
    return [...this.entries];
  }

  snapshot(): Counters {
    return structuredClone(this.counters);
  }

  clear(): void {
    this.entries = [];
    this.counters = emptyCounters();
  }
}

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

function emptyCounters(): Counters {
  return {
    requests: 0,
    byStatus: {},
    byFault: {},
    byRoute: {},
    byUser: {},
    maxInFlightByUser: {},
    quotaRejections: 0,
    quotaUnitsByUser: {},
  };
}
