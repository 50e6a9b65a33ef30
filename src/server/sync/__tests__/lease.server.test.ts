import { createTestApp, type TestApp } from '../../__tests__/support/test-app';
import { AccountLease, LeaseLost } from '../lease';

describe('account sync lease', () => {
  let app: TestApp;
  let accountId: number;
  let clock = Date.UTC(2025, 0, 1);
  const now = () => new Date(clock);

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app?.destroy();
  });
  beforeEach(async () => {
    const account = await app.db.getRepository('mailAccounts').create({
      values: { provider: 'google', address: `lease${Math.random()}@example.com`, status: 'active' },
    });
    accountId = account.get('id') as number;
  });

  const lease = (owner: string) => new AccountLease({ db: app.db, owner, ttlMs: 60_000, now });

  it('lets exactly one of many concurrent runners take a free account', async () => {
    const runners = Array.from({ length: 6 }, (_, i) => lease(`runner-${i}`));
    const won = await Promise.all(runners.map((r) => r.acquire(accountId)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it("lets another runner take over only after the holder's lease expired, and the old holder then knows", async () => {
    const a = lease('a');
    const b = lease('b');
    expect(await a.acquire(accountId)).toBe(true);
    expect(await b.acquire(accountId)).toBe(false);
    clock += 30_000;
    expect(await a.renew(accountId)).toBe(true);
    clock += 61_000;
    expect(await b.acquire(accountId)).toBe(true);
    expect(await a.renew(accountId)).toBe(false);
    await expect(a.assertHeld(accountId)).rejects.toBeInstanceOf(LeaseLost);
    // Releasing a lease one no longer holds must not free the new holder's.
    await a.release(accountId);
    expect(await lease('c').acquire(accountId)).toBe(false);
    await b.release(accountId);
    expect(await lease('c').acquire(accountId)).toBe(true);
  });
});
