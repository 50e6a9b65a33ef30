import { CursorExpired, ProviderError } from '../../providers/errors';
import { DEFAULT_RATE_LIMIT_PAUSE_MS, failureStatus } from '../failure-status';

const now = new Date('2025-03-01T10:00:00Z');

describe('what a failed run tells the account owner', () => {
  it('asks the user to reconnect when the refresh token is rejected', () => {
    const s = failureStatus(new ProviderError('REAUTH_REQUIRED', 'invalid_grant'), 'google', now);
    expect(s.status).toBe('reauth_required');
    expect(s.statusMessage).toMatch(/Reconnect the account/);
    expect(s.statusMessage).toMatch(/Gmail/);
  });

  it("treats the token vault's own reconnect error like the provider's", () => {
    const vaultError = Object.assign(new Error('Access to this mailbox was revoked.'), { code: 'REAUTH_REQUIRED' });
    expect(failureStatus(vaultError, 'microsoft', now).status).toBe('reauth_required');
  });

  it('pauses a rate-limited account for the Retry-After the provider sent', () => {
    const s = failureStatus(new ProviderError('RATE_LIMITED', '429', { retryAfterMs: 120_000 }), 'microsoft', now);
    expect(s.status).toBe('rate_limited');
    expect(s.rateLimitedUntil?.toISOString()).toBe('2025-03-01T10:02:00.000Z');
    expect(s.statusMessage).toMatch(/Outlook is limiting/);
  });

  it('pauses a rate-limited account for a default minute without Retry-After, or longer if the limiter waits longer', () => {
    expect(failureStatus(new ProviderError('RATE_LIMITED', '429'), 'google', now).rateLimitedUntil?.getTime()).toBe(
      now.getTime() + DEFAULT_RATE_LIMIT_PAUSE_MS,
    );
    const later = now.getTime() + 10 * 60_000;
    expect(failureStatus(new ProviderError('RATE_LIMITED', '429'), 'google', now, later).rateLimitedUntil?.getTime()).toBe(later);
  });

  it('reports an unreachable provider as an error that the next sync retries', () => {
    const s = failureStatus(new ProviderError('TRANSIENT', 'Google answered HTTP 503.'), 'google', now);
    expect(s).toMatchObject({ status: 'error', statusCode: 'TRANSIENT', rateLimitedUntil: null });
    expect(s.statusMessage).toMatch(/HTTP 503.*next sync/);
  });

  it("passes the adapters' explanation through when the API or mailbox is not enabled", () => {
    const msg = 'The Gmail API is not enabled for this OAuth client. An administrator must enable it.';
    expect(failureStatus(new ProviderError('API_NOT_ENABLED', msg), 'google', now)).toMatchObject({ status: 'error', statusMessage: msg });
    const mbx = 'This mailbox has no Exchange Online licence.';
    expect(failureStatus(new ProviderError('MAILBOX_NOT_ENABLED', mbx), 'microsoft', now)).toMatchObject({ status: 'error', statusMessage: mbx });
  });

  it('keeps a broken app credential an admin problem, not a reconnect', () => {
    expect(failureStatus(new ProviderError('INVALID_CLIENT', 'bad secret'), 'google', now).status).toBe('error');
  });

  it('describes unexpected errors without hiding them', () => {
    const s = failureStatus(new Error('disk full'), 'google', now);
    expect(s).toMatchObject({ status: 'error', statusCode: 'INTERNAL' });
    expect(s.statusMessage).toMatch(/disk full/);
    expect(failureStatus(new CursorExpired(), 'google', now).status).toBe('error');
  });
});
