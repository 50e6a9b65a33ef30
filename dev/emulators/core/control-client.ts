import http from 'node:http';
import https from 'node:https';
import type {
  ActiveFault,
  Counters,
  DeliverOptions,
  DeliverResult,
  FaultSpec,
  LogEntry,
  QuotaSettings,
  SeedOptions,
  SeedResult,
} from './types';

export interface EmulatorControlOptions {
  /** Extra CA to trust for an https emulator (otherwise NODE_EXTRA_CA_CERTS / system CAs). */
  ca?: string | Buffer;
}

/** Typed client of an emulator's `/__control/*` API, for tests, benchmarks and the demo launcher. */
export class EmulatorControl {
  readonly baseUrl: string;

  constructor(baseUrl: string, private readonly options: EmulatorControlOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  reset(): Promise<unknown> {
    return this.call('POST', '/__control/reset', {});
  }

  seed(options: SeedOptions): Promise<SeedResult> {
    return this.call<SeedResult>('POST', '/__control/seed', options);
  }

  deliver(options: DeliverOptions): Promise<DeliverResult> {
    return this.call<DeliverResult>('POST', '/__control/deliver', options);
  }

  async fault(spec: FaultSpec | FaultSpec[]): Promise<ActiveFault[]> {
    const result = await this.call<{ added: ActiveFault[] }>('POST', '/__control/faults', spec);
    return result.added;
  }

  async faults(): Promise<ActiveFault[]> {
    return (await this.call<{ faults: ActiveFault[] }>('GET', '/__control/faults')).faults;
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/__control/faults');
  }

  async latency(ms: number): Promise<void> {
    await this.call('POST', '/__control/latency', { ms });
  }

  quota(enabled: boolean, settings: Omit<QuotaSettings, 'enabled'> = {}): Promise<QuotaSettings> {
    return this.call<QuotaSettings>('POST', '/__control/quota', { ...settings, enabled });
  }

  async log(): Promise<LogEntry[]> {
    return (await this.call<{ entries: LogEntry[] }>('GET', '/__control/log')).entries;
  }

  async clearLog(): Promise<void> {
    await this.call('DELETE', '/__control/log');
  }

  counters(): Promise<Counters> {
    return this.call<Counters>('GET', '/__control/counters');
  }

  /** Any control route, including provider-specific ones; throws on a non-2xx answer. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const target = new URL(this.baseUrl + path);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise<T>((resolve, reject) => {
      const request = transport.request(
        target,
        {
          method,
          headers: payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {},
          ...(this.options.ca ? { ca: this.options.ca } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = response.statusCode ?? 0;
            if (status < 200 || status >= 300) {
              reject(new Error(`${method} ${path} → ${status}: ${text}`));
              return;
            }
            try {
              resolve((text ? JSON.parse(text) : undefined) as T);
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }
}
