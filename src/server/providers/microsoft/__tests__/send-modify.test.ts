import type { MailboxClient, NormalizedMessage, ProviderFolder } from '../../types';
import { link, startRig, VaultStandIn, type Rig } from './support';

const CAROL = 'carol@northwind.example';
const DAVE = 'dave@northwind.example';

let rig: Rig;
let carol: MailboxClient;
let dave: MailboxClient;
let carolFolders: ProviderFolder[];

async function connect(address: string): Promise<MailboxClient> {
  const provider = rig.provider();
  const { tokens } = await link(provider, address);
  return provider.forAccount(new VaultStandIn(provider, tokens).context(address));
}

async function one(client: MailboxClient, id: string): Promise<NormalizedMessage> {
  const page = await client.fetchMessages([id]);
  expect(page.failures).toEqual([]);
  return page.messages[0];
}

const roleId = (role: string) => carolFolders.find((f) => f.role === role)?.id;

beforeAll(async () => {
  rig = await startRig([
    { address: CAROL, name: 'Carol Nguyễn', messages: 0 },
    { address: DAVE, name: 'Dave Müller', messages: 0 },
  ]);
  carol = await connect(CAROL);
  dave = await connect(DAVE);
  carolFolders = await carol.listFolders();
});
afterAll(async () => rig?.close());

describe('sending from Outlook', () => {
  it('sends new mail with an attachment; the sent copy keeps its id in Sent Items', async () => {
    const pdf = Buffer.from('%PDF-1.4 fake report ✓ '.repeat(50));
    const sent = await carol.send({
      mode: 'new',
      from: { name: 'Carol Nguyễn', address: CAROL },
      to: [{ name: 'Dave Müller', address: DAVE }],
      cc: [{ address: 'boss@elsewhere.example' }],
      subject: 'Quarterly report — Q3 ✓',
      html: '<p>Hi Dave, the <b>report</b> is attached.</p>',
      attachments: [{ filename: 'report.pdf', contentType: 'application/pdf', content: pdf }],
    });
    expect(sent.internetMessageId).toMatch(/^<.+@.+>$/);
    const copy = await one(carol, sent.providerId);
    expect(copy.folderIds).toEqual([roleId('sent')]);
    expect(copy.threadId).toBe(sent.threadId);
    expect(copy.subject).toBe('Quarterly report — Q3 ✓');
    expect(copy.to).toEqual([{ name: 'Dave Müller', address: DAVE }]);
    expect(copy.cc.map((a) => a.address)).toEqual(['boss@elsewhere.example']);
    expect(copy.draft).toBe(false);
    expect(copy.attachments).toHaveLength(1);
    expect(await carol.getAttachment(copy.providerId, copy.attachments[0].id)).toEqual(pdf);

    const received = (await dave.listMessages({ since: new Date(Date.now() - 60_000) })).messages;
    expect(received.find((m) => m.internetMessageId === sent.internetMessageId)?.subject).toBe('Quarterly report — Q3 ✓');
  });

  it('replies in the same conversation; the recipient gets In-Reply-To and References set by Exchange', async () => {
    const question = await dave.send({
      mode: 'new',
      from: { address: DAVE },
      to: [{ address: CAROL }],
      subject: 'Lunch on Friday?',
      text: 'Are you in?',
    });
    const inbox = (await carol.listMessages({ since: new Date(Date.now() - 60_000) })).messages;
    const incoming = inbox.find((m) => m.internetMessageId === question.internetMessageId);
    expect(incoming?.folderIds).toEqual([roleId('inbox')]);
    if (!incoming) return;

    const sent = await carol.send({
      mode: 'reply',
      from: { address: CAROL },
      to: [{ name: 'Dave Müller', address: DAVE }],
      subject: 'Re: Lunch on Friday?',
      html: '<p>Count me in.</p>',
      original: incoming,
    });
    expect(sent.threadId).toBe(incoming.threadId);
    const copy = await one(carol, sent.providerId);
    expect(copy.threadId).toBe(incoming.threadId);
    expect(copy.folderIds).toEqual([roleId('sent')]);
    expect(copy.subject).toBe('Re: Lunch on Friday?');
    expect(copy.html).toContain('Count me in.');
    expect(copy.to.map((a) => a.address)).toEqual([DAVE]);

    // Exchange may not return transport headers on Sent Items copies; the recipient's copy has them.
    const answer = (await dave.listMessages({ since: new Date(Date.now() - 60_000) })).messages.find(
      (m) => m.internetMessageId === sent.internetMessageId,
    );
    expect(answer?.inReplyTo).toBe(question.internetMessageId);
    expect(answer?.references).toContain(question.internetMessageId);
    expect(answer?.threadId).toBe(question.threadId);
  });

  it('replies to all and forwards with our own recipients and text', async () => {
    const original = await rig.emulator.control.deliver({
      to: [CAROL, 'frank@contoso.example'],
      from: 'Erin <erin@contoso.example>',
      subject: 'Project kickoff',
      text: 'Agenda attached soon.',
    });
    const incoming = await one(carol, original.delivered[0].id);
    const replyAll = await carol.send({
      mode: 'replyAll',
      from: { address: CAROL },
      to: [{ address: 'erin@contoso.example' }],
      cc: [{ address: 'frank@contoso.example' }],
      subject: 'Re: Project kickoff',
      text: 'Thanks both.',
      original: incoming,
    });
    const replyCopy = await one(carol, replyAll.providerId);
    expect(replyCopy.threadId).toBe(incoming.threadId);
    expect(replyCopy.cc.map((a) => a.address)).toEqual(['frank@contoso.example']);

    const forward = await carol.send({
      mode: 'forward',
      from: { address: CAROL },
      to: [{ address: DAVE }],
      subject: 'Fw: Project kickoff',
      html: '<p>FYI</p>',
      original: incoming,
    });
    const forwardCopy = await one(carol, forward.providerId);
    expect(forwardCopy.subject).toBe('Fw: Project kickoff');
    expect(forwardCopy.to.map((a) => a.address)).toEqual([DAVE]);
    expect(forwardCopy.threadId).toBe(incoming.threadId);
  });
});

describe('changing messages in Outlook', () => {
  let target: NormalizedMessage;

  beforeAll(async () => {
    const delivered = await rig.emulator.control.deliver({ to: CAROL, from: 'news@contoso.example', subject: 'Newsletter', text: 'News.' });
    target = await one(carol, delivered.delivered[0].id);
    expect(target.read).toBe(false);
  });

  it('marks read and unread', async () => {
    await carol.modify(target.providerId, { read: true });
    expect((await one(carol, target.providerId)).read).toBe(true);
    await carol.modify(target.providerId, { read: false });
    expect((await one(carol, target.providerId)).read).toBe(false);
  });

  it('stars with a follow-up flag and clears it', async () => {
    await carol.modify(target.providerId, { starred: true });
    expect((await one(carol, target.providerId)).starred).toBe(true);
    await carol.modify(target.providerId, { starred: false });
    expect((await one(carol, target.providerId)).starred).toBe(false);
  });

  it('adds and removes categories as labels', async () => {
    await carol.modify(target.providerId, { addFolderIds: ['Customers', 'Urgent'] });
    expect((await one(carol, target.providerId)).categories).toEqual(['Customers', 'Urgent']);
    await carol.modify(target.providerId, { removeFolderIds: ['Urgent'], addFolderIds: ['Later'] });
    expect((await one(carol, target.providerId)).categories).toEqual(['Customers', 'Later']);
  });

  it('moves, trashes and restores without the message changing id', async () => {
    await carol.modify(target.providerId, { moveTo: roleId('archive') });
    expect((await one(carol, target.providerId)).folderIds).toEqual([roleId('archive')]);
    await carol.modify(target.providerId, { trash: true });
    expect((await one(carol, target.providerId)).folderIds).toEqual([roleId('trash')]);
    await carol.modify(target.providerId, { untrash: true, read: true });
    const restored = await one(carol, target.providerId);
    expect(restored.folderIds).toEqual([roleId('inbox')]);
    expect(restored.read).toBe(true);
  });
});
