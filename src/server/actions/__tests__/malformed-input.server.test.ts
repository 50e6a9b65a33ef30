/**
 * Every action of the plugin, sent malformed input: a NUL byte, lists and objects
 * where one value belongs, huge strings, wrong types, negative numbers, missing
 * required values and bodies that are not JSON objects. Generated from one table
 * of actions and their parameters: nothing may answer 500, and what is refused is
 * a 400 that names the field.
 */
import { createTestApp, type TestApp } from '../../__tests__/support/test-app';

type Agent = ReturnType<TestApp['agent']>;
type Kind = 'id' | 'ids' | 'text' | 'enum' | 'flag' | 'number' | 'date' | 'list' | 'roles';
type Where = 'query' | 'body';

interface ParamSpec {
  kind: Kind;
  where: Where;
  /** A valid value (ids are resolved from the fixtures by name). */
  valid: unknown;
  required?: boolean;
  /** Long text is fine here (a message body): the huge variant only has to avoid a 500. */
  long?: boolean;
}

interface ActionSpec {
  action: string;
  method: 'get' | 'post';
  as: 'admin' | 'member';
  params: Record<string, ParamSpec>;
}

/** Huge values: a 70 kB body field; in a query string as much as a URL carries (the HTTP layer refuses more). */
const HUGE_BODY = 'x'.repeat(70_000);
const HUGE_QUERY = 'x'.repeat(6_000);

/** Malformed values per kind of parameter; `refused` ones must get a 400 naming the field. */
function variants(p: ParamSpec): Array<{ label: string; value: unknown; refused: boolean }> {
  const HUGE = p.where === 'query' ? HUGE_QUERY : HUGE_BODY;
  const kind = p.kind;
  const common = [
    { label: 'NUL byte', value: 'a\u0000b', refused: true },
    { label: 'object', value: { $gt: '' }, refused: true },
    { label: 'nested list', value: [['1']], refused: true },
  ];
  switch (kind) {
    case 'id':
      return [
        ...common,
        { label: 'NUL in digits', value: '1\u0000', refused: true },
        { label: 'empty list', value: [], refused: false },
        { label: 'two ids', value: ['1', '2'], refused: true },
        { label: 'negative', value: -5, refused: true },
        { label: 'fraction', value: 1.5, refused: true },
        { label: 'letters', value: 'abc', refused: true },
        { label: 'huge', value: HUGE, refused: true },
        { label: 'boolean', value: true, refused: true },
        { label: 'too many digits', value: '9'.repeat(40), refused: true },
      ];
    case 'ids':
      return [...common, { label: 'negative', value: -5, refused: true }, { label: 'letters', value: 'abc,def', refused: true }, { label: 'huge', value: HUGE, refused: true }];
    case 'text':
    case 'date':
      return [
        ...common,
        // A query string carries every value as text: 42 is then the text "42".
        ...(p.where === 'body' ? [{ label: 'number', value: 42, refused: true }] : []),
        { label: 'list', value: ['a', 'b'], refused: true },
        { label: 'huge', value: HUGE, refused: !p.long },
      ];
    case 'enum':
      return [...common, { label: 'unknown word', value: 'nope', refused: true }, { label: 'number', value: 7, refused: true }, { label: 'list', value: ['sync'], refused: true }];
    case 'flag':
      return [...common, { label: 'word', value: 'maybe', refused: true }, { label: 'number', value: 7, refused: true }];
    case 'number':
      return [
        ...common,
        { label: 'zero', value: 0, refused: true },
        { label: 'negative', value: -5, refused: true },
        { label: 'words', value: 'ten', refused: true },
        { label: 'exponent', value: '1e2', refused: true },
        { label: 'list', value: [5], refused: true },
        { label: 'huge', value: HUGE, refused: true },
      ];
    case 'list':
      return [...common, ...(p.where === 'body' ? [{ label: 'number', value: 42, refused: true }] : []), { label: 'huge', value: HUGE, refused: true }];
    case 'roles':
      return [...common, { label: 'text', value: 'admin', refused: true }, { label: 'numbers', value: [1, 2], refused: true }];
  }
}

/** A query string as a browser library writes lists and objects (`a[0]=1`, `a[$gt]=`), which the host parses back. */
function queryString(query: Record<string, unknown>): string {
  const parts: string[] = [];
  const add = (key: string, value: unknown): void => {
    if (value === undefined) return;
    if (Array.isArray(value)) return value.forEach((v, i) => add(`${key}[${i}]`, v));
    if (value !== null && typeof value === 'object') return Object.entries(value).forEach(([k, v]) => add(`${key}[${k}]`, v));
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value ?? ''))}`);
  };
  for (const [key, value] of Object.entries(query)) add(key, value);
  return parts.length ? `?${parts.join('&')}` : '';
}

const q = (kind: Kind, valid: unknown, required = false): ParamSpec => ({ kind, where: 'query', valid, required });
const b = (kind: Kind, valid: unknown, required = false): ParamSpec => ({ kind, where: 'body', valid, required });

/** Every action the plugin defines, with the parameters it reads. Ids name fixtures below. */
const ACTIONS: ActionSpec[] = [
  {
    action: 'mailSettings:set',
    method: 'post',
    as: 'admin',
    params: {
      provider: b('enum', 'microsoft', true),
      enabled: b('flag', false),
      clientId: b('text', '1b2c3d4e-0000-1111-2222-333344445555'),
      clientSecret: b('text', 'secret'),
      tenant: b('text', 'common'),
      cloud: b('enum', 'global'),
    },
  },
  {
    action: 'mailSettings:setGeneral',
    method: 'post',
    as: 'admin',
    params: { syncIntervalMinutes: b('number', 5), defaultSyncWindowDays: b('number', 30), attachmentSizeLimitMb: b('number', 25), supervisorRoles: b('roles', []) },
  },
  { action: 'mailAccounts:list', method: 'get', as: 'member', params: { scope: q('enum', 'mine') } },
  { action: 'mailAccounts:get', method: 'get', as: 'member', params: { filterByTk: q('id', 'account', true) } },
  {
    action: 'mailAccounts:authorize',
    method: 'post',
    as: 'member',
    params: { provider: b('enum', 'google', true), accountId: b('id', 'account'), returnTo: b('text', '/admin/mail') },
  },
  {
    action: 'mailAccounts:callback',
    method: 'post',
    as: 'member',
    params: { state: b('text', 'no-such-state', true), code: b('text', 'code'), error: b('text', 'access_denied'), error_description: b('text', 'declined') },
  },
  { action: 'mailAccounts:setSyncFrom', method: 'post', as: 'member', params: { filterByTk: q('id', 'account', true), syncFrom: b('date', '2026-01-01T00:00:00.000Z', true) } },
  { action: 'mailAccounts:pause', method: 'post', as: 'member', params: { filterByTk: q('id', 'pausedAccount', true) } },
  { action: 'mailAccounts:resume', method: 'post', as: 'member', params: { filterByTk: q('id', 'pausedAccount', true) } },
  { action: 'mailAccounts:syncNow', method: 'post', as: 'member', params: { filterByTk: q('id', 'pausedAccount', true), kind: q('enum', 'sync') } },
  { action: 'mailAccounts:destroy', method: 'post', as: 'member', params: { filterByTk: q('id', 'missing', true) } },
  {
    action: 'mailThreads:browse',
    method: 'get',
    as: 'member',
    params: {
      accountId: q('ids', 'account'),
      folderRole: q('text', 'inbox'),
      folderId: q('id', 'folder'),
      q: q('text', 'report'),
      // One or several people of a CRM record.
      address: q('list', ['cfo@acme.example']),
      domain: q('list', ['acme.example']),
      page: q('number', 1),
      pageSize: q('number', 20),
    },
  },
  { action: 'mailThreads:act', method: 'post', as: 'member', params: { filterByTk: q('id', 'thread', true), action: b('enum', 'moveTo', true), folderId: b('id', 'missing') } },
  { action: 'mailMessages:act', method: 'post', as: 'member', params: { filterByTk: q('id', 'message', true), action: b('enum', 'moveTo', true), folderId: b('id', 'missing') } },
  { action: 'mailMessages:body', method: 'get', as: 'member', params: { filterByTk: q('id', 'message', true), allowRemoteImages: q('flag', false) } },
  { action: 'mailMessages:downloadBody', method: 'get', as: 'member', params: { filterByTk: q('id', 'message', true) } },
  { action: 'mailMessages:compose', method: 'get', as: 'member', params: { accountId: q('id', 'account'), mode: q('enum', 'new') } },
  {
    action: 'mailMessages:send',
    method: 'post',
    as: 'member',
    params: {
      // A paused account without tokens: a request that passes every check still never reaches a provider.
      accountId: b('id', 'pausedAccount', true),
      mode: b('enum', 'new'),
      clientRequestId: b('text', 'fuzz-1', true),
      to: b('list', ['someone@example.com'], true),
      subject: b('text', 'Hello'),
      html: { ...b('text', '<p>Hi</p>'), long: true },
      attachments: b('list', []),
    },
  },
  { action: 'mailAttachments:download', method: 'get', as: 'member', params: { filterByTk: q('id', 'attachment', true), inline: q('flag', false) } },
  { action: 'mailAttachments:inline', method: 'get', as: 'member', params: { filterByTk: q('id', 'attachment', true), expires: q('text', '1'), signature: q('text', 'sig') } },
];

/** The host's own list / get on the mail collections, with a garbage filterByTk. */
const HOST_READS = ['mailMessages', 'mailThreads', 'mailFolders', 'mailAttachments', 'mailParticipants', 'mailSyncRuns', 'mailOutbox'];

describe('malformed input is answered with a 400 naming the field, never a 500', () => {
  let app: TestApp;
  let admin: Agent;
  let member: Agent;
  const ids: Record<string, string> = { missing: '987654321' };
  const failures: string[] = [];

  async function create(collection: string, values: Record<string, unknown>): Promise<string> {
    return String((await app.db.getRepository(collection).create({ values })).get('id'));
  }

  beforeAll(async () => {
    app = await createTestApp();
    const root = await app.db.getRepository('users').findOne({ filter: { 'roles.name': 'root' } });
    admin = await app.agent().login(root);
    const user = await app.db.getRepository('users').create({ values: { nickname: 'M', email: 'm@example.com', roles: ['member'] } });
    member = await app.agent().login(user);
    const userId = user.get('id');
    ids.account = await create('mailAccounts', { userId, provider: 'google', address: 'm@gmail.test', status: 'active' });
    ids.pausedAccount = await create('mailAccounts', { userId, provider: 'google', address: 'm2@gmail.test', status: 'paused' });
    ids.folder = await create('mailFolders', { accountId: ids.account, providerId: 'INBOX', name: 'Inbox', role: 'inbox' });
    ids.thread = await create('mailThreads', { accountId: ids.account, providerThreadId: 't1', subject: 'Report', lastMessageAt: new Date(), messageCount: 1, folderIds: ['INBOX'] });
    ids.message = await create('mailMessages', { accountId: ids.account, threadRowId: ids.thread, providerId: 'm1', subject: 'Report', date: new Date(), folderIds: ['INBOX'] });
    ids.attachment = await create('mailAttachments', { accountId: ids.account, messageRowId: ids.message, providerAttachmentId: 'a1', filename: 'a.txt', contentType: 'text/plain', size: 3 });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const resolve = (spec: ParamSpec) => (spec.kind === 'id' || spec.kind === 'ids' ? ids[spec.valid as string] : spec.valid);

  async function call(spec: ActionSpec, query: Record<string, unknown>, body: unknown, raw?: string) {
    const agent = spec.as === 'admin' ? admin : member;
    const url = `/${spec.action}${queryString(query)}`;
    const req = spec.method === 'get' ? agent.get(url) : agent.post(url);
    if (spec.method === 'post') {
      if (raw !== undefined) return req.set('content-type', 'application/json').send(raw);
      return req.send(body as object);
    }
    return req;
  }

  /** No 500 ever; when the value is malformed, a 400 naming the field. */
  function record(label: string, res: { status: number; body?: { errors?: Array<{ field?: string; message?: string }> } }, expectField?: string) {
    const error = res.body?.errors?.[0];
    if (res.status >= 500) failures.push(`${label} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    else if (expectField !== undefined && (res.status !== 400 || error?.field !== expectField)) {
      failures.push(`${label} → ${res.status} field=${String(error?.field)} (expected 400 naming ${expectField}): ${String(error?.message).slice(0, 120)}`);
    }
  }

  beforeEach(() => {
    failures.length = 0;
  });

  it.each(ACTIONS.map((a) => [a.action, a] as const))('%s', async (_name, spec) => {
    const valid = () => {
      const query: Record<string, unknown> = {};
      const body: Record<string, unknown> = {};
      for (const [name, p] of Object.entries(spec.params)) (p.where === 'query' ? query : body)[name] = resolve(p);
      return { query, body };
    };
    for (const [name, p] of Object.entries(spec.params)) {
      for (const v of variants(p)) {
        const { query, body } = valid();
        (p.where === 'query' ? query : body)[name] = v.value;
        // An empty list means "absent" to a query string, so a required field is then missing.
        const refused = v.refused || (v.label === 'empty list' && !!p.required);
        const res = await call(spec, query, body);
        record(`${spec.action} ${name}=${v.label}`, res, refused ? name : undefined);
      }
      if (p.required) {
        const { query, body } = valid();
        delete (p.where === 'query' ? query : body)[name];
        record(`${spec.action} without ${name}`, await call(spec, query, body), name);
      }
    }
    if (spec.method === 'post') {
      const { query } = valid();
      for (const [label, raw] of [
        ['a body that is not JSON', '{"provider": "goo'],
        ['a JSON list as body', '[1, 2, 3]'],
        ['a JSON string as body', '"hello"'],
      ]) {
        record(`${spec.action} with ${label}`, await call(spec, query, undefined, raw));
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it.each(HOST_READS)("the host's list and get on %s refuse a garbage filterByTk without a server error", async (collection) => {
    for (const [label, value] of [
      ['NUL byte', 'a\u0000b'],
      ['empty list', []],
      ['object', { $gt: '' }],
      ['huge', HUGE_QUERY],
      ['letters', 'abc'],
    ] as const) {
      for (const action of ['get', 'list']) {
        const res = await member.get(`/${collection}:${action}${queryString({ filterByTk: value })}`);
        if (res.status >= 500) failures.push(`${collection}:${action} filterByTk=${label} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    // The association routes start from a record id too.
    for (const [label, value] of [
      ['NUL byte', 'a%00b'],
      ['letters', 'abc'],
    ] as const) {
      const res = await member.get(`/mailThreads/${value}/messages:list`);
      if (res.status >= 500) failures.push(`mailThreads/${label}/messages:list → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('generic writes on every mail resource, with or without a record id, never end in a server error', async () => {
    for (const resource of ['mailSettings', 'mailAccounts', ...HOST_READS]) {
      for (const action of ['create', 'update', 'destroy']) {
        for (const query of [{}, { filterByTk: [] }, { filterByTk: 'a\u0000' }, { filterByTk: '1' }]) {
          const res = await admin.post(`/${resource}:${action}${queryString(query)}`).send({ id: 1 });
          if (res.status >= 500) failures.push(`${resource}:${action} ${JSON.stringify(query)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        }
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
