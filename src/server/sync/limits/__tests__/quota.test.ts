import { ManualClock } from '../clock';
import { GMAIL_METHOD_COSTS, GMAIL_USER_QUOTA, GRAPH_MAILBOX_QUOTA, QuotaLimiter, gmailCost } from '../quota';

/** Starts acquisitions in order and records the clock time each one is granted at. */
function track(limiter: QuotaLimiter, clock: ManualClock, costs: number[], label = (i: number) => String(i)) {
  const granted: Array<{ label: string; at: number }> = [];
  const all = costs.map((cost, i) => limiter.acquire(cost).then(() => granted.push({ label: label(i), at: clock.now() })));
  return { granted, all: Promise.all(all) };
}

describe('Gmail method costs', () => {
  it('match the published per-method quota units', () => {
    expect(GMAIL_METHOD_COSTS).toMatchObject({
      'messages.get': 5,
      'messages.list': 5,
      'history.list': 2,
      'messages.send': 100,
      'messages.modify': 5,
      'messages.batchModify': 50,
      'messages.trash': 5,
      'messages.attachments.get': 5,
      'labels.list': 1,
      'labels.get': 1,
      getProfile: 1,
      'drafts.create': 10,
      'drafts.send': 100,
      watch: 100,
      'settings.sendAs.list': 1,
    });
    expect(gmailCost('users.messages.send')).toBe(100);
    expect(gmailCost('something.new')).toBe(5);
  });
});

describe('QuotaLimiter', () => {
  it('lets a burst through up to the budget and makes the rest wait for the window (Gmail: 50 gets per window)', async () => {
    const clock = new ManualClock(0);
    const limiter = new QuotaLimiter({ ...GMAIL_USER_QUOTA, clock });
    const window = GMAIL_USER_QUOTA.windowMs;
    const { granted, all } = track(limiter, clock, Array(52).fill(gmailCost('messages.get')));
    await clock.advance(0);
    expect(granted).toHaveLength(50);
    await clock.advance(window - 1);
    expect(granted).toHaveLength(50);
    await clock.advance(1);
    await all;
    expect(granted.slice(50).map((g) => g.at)).toEqual([window, window]);
  });

  it('uses a moving window: capacity frees as each earlier grant ages out, not all at once', async () => {
    const clock = new ManualClock(0);
    const limiter = new QuotaLimiter({ capacity: 250, windowMs: 1000, clock });
    await limiter.acquire(150); // t=0
    await clock.advance(600);
    await limiter.acquire(100); // t=600, window now full
    await clock.advance(100);
    const { granted, all } = track(limiter, clock, [100, 100]);
    await clock.advance(2000);
    await all;
    // The first 100 fits when the t=0 grant leaves (t=1000); the second when the t=600 one does (t=1600).
    expect(granted.map((g) => g.at)).toEqual([1000, 1600]);
  });

  it('serves callers in arrival order, so a 100-unit send is not starved by later cheap reads', async () => {
    const clock = new ManualClock(0);
    const limiter = new QuotaLimiter({ capacity: 250, windowMs: 1000, clock });
    await limiter.acquire(200);
    const { granted, all } = track(limiter, clock, [100, 5, 5], (i) => ['send', 'get1', 'get2'][i]);
    await clock.advance(0);
    expect(granted).toEqual([]); // 50 units are free, but the send is first in line
    await clock.advance(1000);
    await all;
    expect(granted).toEqual([
      { label: 'send', at: 1000 },
      { label: 'get1', at: 1000 },
      { label: 'get2', at: 1000 },
    ]);
  });

  it('pauses everyone, including callers already queued, until a provider Retry-After passes', async () => {
    const clock = new ManualClock(10_000);
    const limiter = new QuotaLimiter({ capacity: 10, windowMs: 1000, clock });
    await limiter.acquire(10);
    const queued = track(limiter, clock, [1], () => 'queued');
    await clock.advance(0);
    limiter.pauseUntil(15_000, 'rate-limited');
    expect(limiter.status()).toMatchObject({ waitingUntil: 15_000, reason: 'rate-limited', queued: 1 });
    const fresh = track(limiter, clock, [1], () => 'fresh');
    await clock.advance(4_999);
    expect([...queued.granted, ...fresh.granted]).toEqual([]);
    await clock.advance(1);
    await Promise.all([queued.all, fresh.all]);
    expect([...queued.granted, ...fresh.granted]).toEqual([
      { label: 'queued', at: 15_000 },
      { label: 'fresh', at: 15_000 },
    ]);
    expect(limiter.status().waitingUntil).toBeUndefined();
  });

  it('never shortens a pause that is already longer', () => {
    const clock = new ManualClock(0);
    const limiter = new QuotaLimiter({ capacity: 10, windowMs: 1000, clock });
    limiter.pauseUntil(5000, 'first');
    limiter.pauseUntil(3000, 'second');
    expect(limiter.status()).toMatchObject({ waitingUntil: 5000, reason: 'first' });
  });

  it('reports waiting on its own budget as "quota"', async () => {
    const clock = new ManualClock(0);
    const limiter = new QuotaLimiter({ ...GRAPH_MAILBOX_QUOTA, clock });
    await limiter.acquire(10_000);
    const { all } = track(limiter, clock, [1]);
    await clock.advance(0);
    expect(limiter.status()).toEqual({ waitingUntil: 600_000, reason: 'quota', queued: 1, used: 10_000 });
    await clock.advance(600_000);
    await all;
    expect(limiter.status()).toEqual({ queued: 0, used: 1 });
  });

  it('charges a cost larger than the whole budget as the budget instead of waiting forever', async () => {
    const clock = new ManualClock(0);
    const limiter = new QuotaLimiter({ capacity: 50, windowMs: 1000, clock });
    const { granted, all } = track(limiter, clock, [100, 1]);
    await clock.advance(1000);
    await all;
    expect(granted.map((g) => g.at)).toEqual([0, 1000]);
  });
});
