/**
 * What every owner-initiated provider call shares (acting on mail, sending):
 * who may make it, the account's limiter with a bounded wait, and provider
 * failures told in words the mailbox owner can act on.
 */
import type { Database } from '@nocobase/database';
import type { Viewer } from '../accounts/access';
import type { ScheduleFn } from '../providers/types';
import { UserFacingError } from '../http/errors';
import { FinalProviderError, isProviderError, ProviderError } from '../providers/errors';
import type { MailAddress, ProviderName } from '../providers/types';
import { providerLabel } from '../sync/failure-status';
import type { AccountLimiter } from '../sync/limits/account-limiter';
import { asDate, asJson } from '../sync/values';
import type { MailVisibility, Raw } from './visibility';

/** A user waits this long at most for the provider's rate limit; longer waits are answered with 429 and a time. */
export const MAX_WAIT_MS = 10_000;
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/** The mailbox an owner acts on, as provider calls need it. */
export interface OwnedAccount {
  id: string;
  userId: string;
  provider: ProviderName;
  address: string;
  displayName: string | null;
  aliases: MailAddress[];
  status: string;
  rateLimitedUntil: Date | null;
}

export function ownedAccountOf(row: Raw): OwnedAccount {
  const aliases = asJson<unknown>(row.aliases, []);
  return {
    id: String(row.id),
    userId: String(row.userId),
    provider: row.provider as ProviderName,
    address: String(row.address),
    displayName: row.displayName ? String(row.displayName) : null,
    aliases: Array.isArray(aliases)
      ? aliases
          .filter((a): a is MailAddress => Boolean(a) && typeof (a as MailAddress).address === 'string')
          .map((a) => (a.name ? { name: String(a.name), address: a.address } : { address: a.address }))
      : [],
    status: String(row.status ?? ''),
    rateLimitedUntil: asDate(row.rateLimitedUntil),
  };
}

/**
 * The account, if the viewer owns it. Whoever cannot read it gets the same 404
 * as when reading. Supervisors read everyone's mail but act only on their own:
 * they get a 403 that says so (a 404 would deny what they can see).
 */
export async function ownAccount(
  db: Database,
  visibility: MailVisibility,
  viewer: Viewer,
  accountId: unknown,
  notFound: () => UserFacingError,
  supervisorMessage: string,
): Promise<OwnedAccount> {
  const id = typeof accountId === 'number' ? String(accountId) : accountId;
  if (typeof id !== 'string' || !/^\d{1,20}$/.test(id)) throw notFound();
  const row = (await db.getModel('mailAccounts').findOne({ where: { id }, raw: true })) as unknown as Raw | null;
  if (!row) throw notFound();
  if (String(row.userId) === String(viewer.userId)) return ownedAccountOf(row);
  if (await visibility.canRead(viewer, row.id)) throw new UserFacingError(403, 'NOT_MAILBOX_OWNER', supervisorMessage);
  throw notFound();
}

export function reconnectError(address: string): UserFacingError {
  return new UserFacingError(409, 'REAUTH_REQUIRED', `Reconnect ${address} in Email → Accounts, then try again.`);
}

function isReauth(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'REAUTH_REQUIRED';
}

export function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * A rate limit too long to hold the user's request for. Not retryable, so the
 * limiter gives up at once (and, seeing RATE_LIMITED with a Retry-After, pauses
 * every caller of the account, the sync included).
 */
export class RateLimitTooLong extends FinalProviderError {
  constructor(cause: ProviderError) {
    super('RATE_LIMITED', cause, 'RateLimitTooLong');
  }
}

/** The account's limiter, giving up at once on a Retry-After longer than a person should wait. */
export function userSchedule(limiter: AccountLimiter): ScheduleFn {
  return (method, fn, opts) =>
    limiter.schedule(
      method,
      async () => {
        try {
          return await fn();
        } catch (e) {
          if (isProviderError(e) && e.code === 'RATE_LIMITED' && (e.retryAfterMs ?? 0) > MAX_WAIT_MS) throw new RateLimitTooLong(e);
          throw e;
        }
      },
      opts,
    );
}

/**
 * Why calling the provider now is pointless, before any call: the mailbox needs
 * reconnecting, or the account waits for the provider's rate limit longer than
 * a person should. The result goes through `providerFailure`.
 */
export function blockedNow(account: OwnedAccount, limiter: AccountLimiter, now: number): ProviderError | UserFacingError | null {
  if (account.status === 'reauth_required') return reconnectError(account.address);
  const waitingUntil = Math.max(limiter.status().waitingUntil ?? 0, account.rateLimitedUntil?.getTime() ?? 0);
  if (waitingUntil - now > MAX_WAIT_MS) return new ProviderError('RATE_LIMITED', 'rate limited', { retryAfterMs: waitingUntil - now });
  return null;
}

/** How a failure is worded for one kind of call. */
export interface FailureWording {
  /** What happened anyway, with a leading space: " Nothing was changed." */
  outcome: string;
  /** Verb phrase for a refusal: "refused the change". */
  refused: string;
  /** The answer when the provider no longer has what the call named. */
  notFound: (label: string) => UserFacingError;
}

/** Provider failures in words the mailbox owner can act on. */
export function providerFailure(e: unknown, account: OwnedAccount, limiter: AccountLimiter, now: number, wording: FailureWording): unknown {
  if (e instanceof UserFacingError) return e;
  if (isReauth(e)) return reconnectError(account.address);
  if (!isProviderError(e)) return e;
  const label = providerLabel(account.provider);
  const { outcome } = wording;
  switch (e.code) {
    case 'RATE_LIMITED': {
      const until = Math.max(now + (e.retryAfterMs ?? 0), limiter.status().waitingUntil ?? 0);
      const wait = until > now ? until - now : DEFAULT_RATE_LIMIT_WAIT_MS;
      return new UserFacingError(429, 'RATE_LIMITED', `${label} is limiting requests for ${account.address}.${outcome} Try again in ${waitText(wait)}.`);
    }
    case 'TRANSIENT':
    case 'UNREACHABLE':
      return new UserFacingError(502, 'PROVIDER_UNAVAILABLE', `${label} could not be reached, even after retrying.${outcome} Try again in a moment.`);
    case 'NOT_FOUND':
      return wording.notFound(label);
    case 'INVALID_CLIENT':
      // Same rule as the sync's account status: the admin fixes the secret, nobody reconnects.
      return new UserFacingError(
        502,
        e.code,
        `${label} rejected the app's OAuth client.${outcome} An administrator must fix the client secret (and client id) in Settings → Email settings; no reconnect is needed.`,
      );
    case 'API_NOT_ENABLED':
    case 'MAILBOX_NOT_ENABLED':
      // The adapters' messages already say who must do what.
      return new UserFacingError(502, e.code, e.message);
    default:
      return new UserFacingError(502, 'PROVIDER_ERROR', `${label} ${wording.refused}: ${e.message}${outcome}`);
  }
}
