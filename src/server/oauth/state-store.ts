/**
 * Pending OAuth authorizations. A state is random, bound to the user who
 * started linking, single-use and valid for 10 minutes; the PKCE verifier is
 * kept sealed server-side and never reaches the browser.
 */
import type { Database } from '@nocobase/database';
import { UserFacingError } from '../http/errors';
import type { ProviderName } from '../providers/types';
import { createPkcePair, hashState, randomState } from './pkce';
import type { SecretBox } from './secret-box';

export const STATE_TTL_MS = 10 * 60 * 1000;

export interface IssueStateInput {
  userId: number | string;
  provider: ProviderName;
  redirectUri: string;
  accountId?: number | string | null;
  returnTo?: string | null;
}

export interface IssuedState {
  state: string;
  codeChallenge: string;
}

export interface PendingAuthorization {
  provider: ProviderName;
  verifier: string;
  redirectUri: string;
  accountId: string | null;
  returnTo: string | null;
}

type Row = { get(key: string): unknown };

export class OAuthStateStore {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private repo() {
    return this.db.getRepository('mailOAuthStates');
  }

  async issue(input: IssueStateInput): Promise<IssuedState> {
    const { verifier, challenge } = createPkcePair();
    const state = randomState();
    const now = this.now();
    // Housekeeping: states are useless an hour after they expired.
    await this.repo().destroy({ filter: { expiresAt: { $lt: new Date(now.getTime() - 60 * 60 * 1000) } } });
    await this.repo().create({
      values: {
        stateHash: hashState(state),
        userId: input.userId,
        provider: input.provider,
        verifier: await this.box.seal(verifier),
        redirectUri: input.redirectUri,
        accountId: input.accountId ?? null,
        returnTo: input.returnTo ?? null,
        expiresAt: new Date(now.getTime() + STATE_TTL_MS),
      },
    });
    return { state, codeChallenge: challenge };
  }

  /** Checks and burns a state. Every failure tells the user to start linking again. */
  async consume(state: string, userId: number | string): Promise<PendingAuthorization> {
    if (!state) throw invalid();
    const stateHash = hashState(state);
    const row = (await this.repo().findOne({ filter: { stateHash } })) as Row | null;
    if (!row || String(row.get('userId')) !== String(userId)) throw invalid();
    if (row.get('usedAt')) {
      throw new UserFacingError(400, 'STATE_REPLAYED', 'This sign-in response was already used. Start linking the account again.');
    }
    const expiresAt = new Date(row.get('expiresAt') as string | Date);
    if (expiresAt.getTime() < this.now().getTime()) {
      throw new UserFacingError(400, 'STATE_EXPIRED', 'The sign-in took longer than 10 minutes and expired. Start linking the account again.');
    }
    // Burn it atomically: of two concurrent callbacks with the same state, only one wins.
    const model = this.db.getModel('mailOAuthStates');
    const [affected] = await model.update({ usedAt: this.now() }, { where: { stateHash, usedAt: null } });
    if (affected !== 1) {
      throw new UserFacingError(400, 'STATE_REPLAYED', 'This sign-in response was already used. Start linking the account again.');
    }
    const verifier = await this.box.open(row.get('verifier') as string);
    if (!verifier) throw invalid();
    const accountId = row.get('accountId');
    return {
      provider: row.get('provider') as ProviderName,
      verifier,
      redirectUri: String(row.get('redirectUri')),
      accountId: accountId === null || accountId === undefined ? null : String(accountId),
      returnTo: (row.get('returnTo') as string | null) ?? null,
    };
  }
}

function invalid(): UserFacingError {
  return new UserFacingError(400, 'STATE_INVALID', 'This sign-in response does not match a linking request you started. Start linking the account again.');
}
