import { createEmulatorServer, EmulatorControl, Router, sleep, type EmulatorServer } from '../core';

describe('emulator core', () => {
  let server: EmulatorServer;
  let control: EmulatorControl;
  let resetCalls = 0;
  let created = 0;
  const get = (path: string, user = 'ann') => fetch(`${server.url}${path}`, { headers: { 'x-user': user } });

  beforeAll(async () => {
    const router = new Router()
      .get('/items/:id', (req) => ({ status: 200, body: { id: req.params.id, user: req.user } }))
      .get('/files/:path*', (req) => ({ status: 200, body: { path: req.params.path } }))
      .get('/cursor', () => ({ status: 200, body: { ok: true } }))
      .get('/wait', async () => {
        await sleep(150);
        return { status: 200, body: 'done' };
      })
      .post('/echo', (req) => ({ status: 201, headers: { 'X-Echo': 'yes' }, body: req.json<object>() }))
      .post('/things', () => {
        created += 1;
        return { status: 201, body: { created } };
      });
    server = createEmulatorServer({
      name: 'toy',
      router,
      identify: (req) => (typeof req.headers['x-user'] === 'string' ? req.headers['x-user'] : null),
      // A provider-specific kind only concerns one route: elsewhere the renderer declines it.
      renderFault: (fault, req) => (fault.kind === 'expire_cursor' && req.path !== '/cursor' ? null : { status: 599, body: { kind: fault.kind } }),
      cost: (req) => (req.path.startsWith('/items') ? 10 : 1),
      quota: { windows: [{ name: 'tenPerSecond', units: 30, windowMs: 1000 }], maxConcurrent: 2, reject: (_req, rejection) => ({ status: 429, body: rejection }) },
    });
    server.controls.post('/__control/reset', () => {
      resetCalls++;
      return { status: 200, body: { provider: true } };
    });
    await server.listen(0);
    control = new EmulatorControl(server.url);
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    await control.reset();
  });

  it('routes with decoded params and a trailing splat, and answers 404 for unknown paths', async () => {
    expect(await (await get('/items/a%20b%2Fc')).json()).toEqual({ id: 'a b/c', user: 'ann' });
    expect(await (await get('/files/x/y%20z/w.txt')).json()).toEqual({ path: 'x/y z/w.txt' });
    expect((await get('/nope')).status).toBe(404);
    const echo = await fetch(`${server.url}/echo`, { method: 'POST', body: JSON.stringify({ a: 1 }) });
    expect(echo.status).toBe(201);
    expect(echo.headers.get('x-echo')).toBe('yes');
    expect(await echo.json()).toEqual({ a: 1 });
  });

  it('applies a counted fault to matching requests only and logs its kind', async () => {
    await control.fault({ kind: 'server_error', count: 2, pathPrefix: '/items', user: 'ann' });
    expect((await get('/files/a')).status).toBe(200);
    expect((await get('/items/1', 'bob')).status).toBe(200);
    expect((await get('/items/1')).status).toBe(599);
    expect((await get('/items/2')).status).toBe(599);
    expect((await get('/items/3')).status).toBe(200);
    expect(await control.faults()).toEqual([]);
    const log = await control.log();
    expect(log.map((e) => [e.path, e.user, e.status, e.fault])).toEqual([
      ['/files/a', 'ann', 200, null],
      ['/items/1', 'bob', 200, null],
      ['/items/1', 'ann', 599, 'server_error'],
      ['/items/2', 'ann', 599, 'server_error'],
      ['/items/3', 'ann', 200, null],
    ]);
    expect(log[2].route).toBe('GET /items/:id');
    expect((await control.counters()).byFault).toEqual({ server_error: 2 });
  });

  it('leaves a fault unused where the provider renderer declines it', async () => {
    await control.fault({ kind: 'expire_cursor', count: 1 });
    expect((await get('/items/1')).status).toBe(200);
    expect((await get('/cursor')).status).toBe(599);
    expect((await get('/cursor')).status).toBe(200);
  });

  it('hangs up without an answer, delays slow requests, adds latency, and adds Retry-After to rate limits', async () => {
    await control.fault({ kind: 'hangup', count: 1 });
    await expect(get('/items/1')).rejects.toThrow();
    expect((await control.log()).at(-1)).toMatchObject({ status: 0, fault: 'hangup' });

    await control.fault({ kind: 'slow', count: 1, delayMs: 200 });
    let started = Date.now();
    expect((await get('/items/1')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);

    await control.latency(120);
    started = Date.now();
    await get('/files/a');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    await control.latency(0);

    await control.fault({ kind: 'rate_limit', count: 1, retryAfterSeconds: 4 });
    const limited = await get('/items/1');
    expect(limited.headers.get('retry-after')).toBe('4');
  });

  it('processes a request and then drops the connection or answers 500, for one route only', async () => {
    const before = created;
    await control.fault({ kind: 'drop_response', count: 1, route: 'POST /things' });
    expect((await get('/items/1')).status).toBe(200);
    await expect(fetch(`${server.url}/things`, { method: 'POST', headers: { 'x-user': 'ann' } })).rejects.toThrow();
    // The handler ran: its state change stays although no answer came back.
    expect(created).toBe(before + 1);
    expect((await control.log()).at(-1)).toMatchObject({ route: 'POST /things', status: 0, fault: 'drop_response' });

    await control.fault({ kind: 'error_after_processing', count: 1, route: 'POST /things' });
    const failed = await fetch(`${server.url}/things`, { method: 'POST', headers: { 'x-user': 'ann' } });
    expect(failed.status).toBe(599);
    expect(await failed.json()).toEqual({ kind: 'server_error' });
    expect(created).toBe(before + 2);
  });

  it('never applies faults or latency to control routes', async () => {
    await control.fault({ kind: 'hangup' });
    await control.latency(2000);
    const started = Date.now();
    expect(await control.counters()).toMatchObject({ requests: 0 });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('enforces a moving-window unit budget and a concurrency cap per user when switched on', async () => {
    for (let i = 0; i < 4; i++) expect((await get('/items/1')).status).toBe(200);
    await control.quota(true);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get('/items/1')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const rejected = await get('/items/1');
    expect(await rejected.json()).toMatchObject({ user: 'ann', limit: 'tenPerSecond' });
    expect(Number(rejected.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await get('/items/1', 'bob')).status).toBe(200);

    const parallel = await Promise.all([get('/wait', 'cy'), get('/wait', 'cy'), get('/wait', 'cy')]);
    expect(parallel.map((r) => r.status).sort()).toEqual([200, 200, 429]);
    const counters = await control.counters();
    expect(counters.maxInFlightByUser.cy).toBe(3);
    expect(counters.quotaRejections).toBe(3);
    expect(counters.quotaUnitsByUser).toMatchObject({ ann: 30 + 40, bob: 10, cy: 2 });
    await expect(control.quota('yes' as unknown as boolean)).rejects.toThrow(/400/);
  });

  it('resets faults, latency, quota and log, then runs the provider reset', async () => {
    const before = resetCalls;
    await control.fault({ kind: 'unavailable' });
    await control.quota(true);
    await get('/items/1');
    expect(await control.reset()).toEqual({ provider: true });
    expect(resetCalls).toBe(before + 1);
    expect(await control.faults()).toEqual([]);
    expect(await control.log()).toEqual([]);
    expect((await control.call<{ enabled: boolean }>('GET', '/__control/quota')).enabled).toBe(false);
    await expect(control.fault({ kind: 'teapot' as never })).rejects.toThrow(/unknown fault kind/);
  });
});
