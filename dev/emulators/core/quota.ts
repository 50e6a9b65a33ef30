import type { QuotaPolicy, QuotaRejection, QuotaSettings, QuotaWindow } from './types';

interface Spend {
  at: number;
  units: number;
}

/** Moving-window quota units per user, plus an optional per-user concurrency cap. */
export class QuotaTracker {
  enabled: boolean;
  windows: QuotaWindow[];
  maxConcurrent: number | undefined;
  private readonly spends = new Map<string, Spend[]>();

  constructor(private readonly policy: QuotaPolicy | undefined) {
    this.enabled = policy?.enabled ?? false;
    this.windows = policy?.windows ?? [];
    this.maxConcurrent = policy?.maxConcurrent;
  }

  configure(settings: QuotaSettings): void {
    this.enabled = settings.enabled;
    if (settings.windows) this.windows = settings.windows;
    if (settings.maxConcurrent !== undefined) this.maxConcurrent = settings.maxConcurrent;
    this.spends.clear();
  }

  reset(): void {
    this.enabled = this.policy?.enabled ?? false;
    this.windows = this.policy?.windows ?? [];
    this.maxConcurrent = this.policy?.maxConcurrent;
    this.spends.clear();
  }

  settings(): QuotaSettings {
    return { enabled: this.enabled, windows: this.windows, maxConcurrent: this.maxConcurrent };
  }

  /**
   * Charges `units` to the user, or returns why it cannot: rejected requests are not charged,
   * and Retry-After is when enough of the window has slid past to fit this request.
   */
  charge(user: string, units: number, inFlight: number, now = Date.now()): QuotaRejection | null {
    if (!this.enabled || !this.policy) return null;
    if (this.maxConcurrent !== undefined && inFlight > this.maxConcurrent) {
      return { user, limit: 'concurrency', retryAfterSeconds: 1 };
    }
    const longest = Math.max(0, ...this.windows.map((w) => w.windowMs));
    const spends = (this.spends.get(user) ?? []).filter((s) => s.at > now - longest);
    for (const window of this.windows) {
      const inWindow = spends.filter((s) => s.at > now - window.windowMs);
      let used = inWindow.reduce((sum, s) => sum + s.units, 0);
      if (used + units <= window.units) continue;
      let freeAt = now;
      for (const spend of inWindow) {
        if (used + units <= window.units) break;
        used -= spend.units;
        freeAt = spend.at + window.windowMs;
      }
      return { user, limit: window.name, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)) };
    }
    spends.push({ at: now, units });
    this.spends.set(user, spends);
    return null;
  }
}
