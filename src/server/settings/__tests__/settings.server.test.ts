import { createTestApp, type TestApp } from '../../__tests__/support/test-app';

type Agent = ReturnType<TestApp['agent']>;

describe('Email settings (admin)', () => {
  let app: TestApp;
  let admin: Agent;
  let member: Agent;

  beforeAll(async () => {
    app = await createTestApp();
    const root = await app.db.getRepository('users').findOne({ filter: { 'roles.name': 'root' } });
    admin = await app.agent().login(root);
    const user = await app.db.getRepository('users').create({ values: { nickname: 'Member', email: 'member@example.com', roles: ['member'] } });
    member = await app.agent().login(user);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  it('stores the client secret encrypted and never returns it', async () => {
    const res = await admin.post('/mailSettings:set').send({ provider: 'google', enabled: true, clientId: 'abc.apps.googleusercontent.com', clientSecret: 'very-secret-value' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ provider: 'google', clientId: 'abc.apps.googleusercontent.com', clientSecretSet: true, configured: true });
    expect(JSON.stringify(res.body)).not.toContain('very-secret-value');

    const raw = await app.db.sequelize.query('SELECT * FROM ' + app.db.getCollection('mailSettings').getTableNameWithSchema(), { type: 'SELECT' });
    expect(raw).toHaveLength(1);
    expect(JSON.stringify(raw)).not.toContain('very-secret-value');

    const got = await admin.get('/mailSettings:get');
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.body)).not.toContain('very-secret-value');
    const google = got.body.data.providers.find((p: { provider: string }) => p.provider === 'google');
    expect(google).toMatchObject({ clientSecretSet: true, configured: true });
    expect(got.body.data.redirectUri).toMatch(/\/admin\/settings\/mail\/oauth2$/);
  });

  it('keeps the stored secret when the admin changes only the client id', async () => {
    const res = await admin.post('/mailSettings:set').send({ provider: 'google', enabled: true, clientId: 'other.apps.googleusercontent.com' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ clientId: 'other.apps.googleusercontent.com', clientSecretSet: true });
  });

  it('explains invalid Microsoft settings field by field', async () => {
    const badId = await admin.post('/mailSettings:set').send({ provider: 'microsoft', enabled: true, clientId: 'not-a-guid', clientSecret: 's' });
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0]).toMatchObject({ field: 'clientId', code: 'INVALID_SETTINGS' });
    expect(badId.body.errors[0].message).toMatch(/GUID/);

    const badTenant = await admin
      .post('/mailSettings:set')
      .send({ provider: 'microsoft', enabled: true, clientId: '1b2c3d4e-0000-1111-2222-333344445555', clientSecret: 's', tenant: 'not a tenant!' });
    expect(badTenant.status).toBe(400);
    expect(badTenant.body.errors[0].field).toBe('tenant');

    const noSecret = await admin.post('/mailSettings:set').send({ provider: 'microsoft', enabled: true, clientId: '1b2c3d4e-0000-1111-2222-333344445555' });
    expect(noSecret.status).toBe(400);
    expect(noSecret.body.errors[0].field).toBe('clientSecret');
  });

  it('validates and persists the general sync settings', async () => {
    const bad = await admin.post('/mailSettings:setGeneral').send({ syncIntervalMinutes: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toMatch(/1 to 1440/);

    const ok = await admin.post('/mailSettings:setGeneral').send({ syncIntervalMinutes: 15, defaultSyncWindowDays: 90, attachmentSizeLimitMb: 10 });
    expect(ok.status).toBe(200);
    const got = await admin.get('/mailSettings:get');
    expect(got.body.data.general).toEqual({ syncIntervalMinutes: 15, defaultSyncWindowDays: 90, attachmentSizeLimitMb: 10, supervisorRoles: [] });
  });

  it('keeps provider settings away from users without the pm.mail snippet', async () => {
    expect((await member.get('/mailSettings:get')).status).toBe(403);
    expect((await member.post('/mailSettings:set').send({ provider: 'google', clientId: 'x', clientSecret: 'y' })).status).toBe(403);
    expect((await member.get('/mailSettings:list')).status).toBe(403);
  });

  it('tells any signed-in user which providers can be linked, without credentials', async () => {
    const res = await member.get('/mailSettings:providers');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { provider: 'google', configured: true },
      { provider: 'microsoft', configured: false },
    ]);
  });

  it('closes the generic CRUD actions that would bypass encryption', async () => {
    const res = await admin.post('/mailSettings:create').send({ provider: 'google', clientSecret: 'plain' });
    expect(res.status).toBe(405);
  });
});
