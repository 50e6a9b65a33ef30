/**
 * The HTTP client msal-node uses for the identity platform (metadata, token endpoint).
 *
 * msal's default client has no timeout on token requests and turns every socket
 * failure into a bare `network_error`, and it hides the HTTP status and Retry-After of
 * a throttled token request. This one uses fetch with a timeout and, on failures that
 * msal would flatten, throws an msal AuthError carrying a `transport` record that
 * errors.ts maps to RATE_LIMITED / TRANSIENT / UNREACHABLE with the right retry delay.
 */
import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { parseRetryAfter, readNetworkCode, type TransportFailure } from './errors';

function transportError(transport: TransportFailure): AuthError {
  // AuthError (msal's own class) passes through msal's token clients untouched.
  const error = new AuthError('network_error', describe(transport));
  return Object.assign(error, { transport });
}

function describe(t: TransportFailure): string {
  if (t.status) return `HTTP ${t.status}`;
  return t.networkCode ? `connection failed (${t.networkCode})` : 'connection failed';
}

export class FetchNetworkModule implements INetworkModule {
  constructor(private readonly timeoutMs: number) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions = {}, timeout?: number): Promise<NetworkResponse<T>> {
    let status: number;
    let headers: Record<string, string>;
    let text: string;
    try {
      const res = await fetch(url, {
        method,
        headers: options.headers,
        body: method === 'POST' ? options.body : undefined,
        signal: AbortSignal.timeout(timeout ?? this.timeoutMs),
      });
      status = res.status;
      headers = Object.fromEntries(res.headers.entries());
      text = await res.text();
    } catch (e) {
      throw transportError({ networkCode: readNetworkCode(e) });
    }
    // Throttling and outages: msal would only see an error body; keep status and delay.
    if (status === 429 || status >= 500) {
      throw transportError({ status, retryAfterMs: parseRetryAfter(headers['retry-after']) });
    }
    return { status, headers, body: parseBody<T>(text, status) };
  }
}

function parseBody<T>(text: string, status: number): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    // msal reads `error` from the body; give it one instead of a parse failure.
    return { error: status >= 400 ? 'client_error' : 'invalid_response', error_description: `HTTP ${status}, body is not JSON` } as T;
  }
}
