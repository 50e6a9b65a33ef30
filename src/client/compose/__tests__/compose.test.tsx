import React from 'react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEventLib, { PointerEventsCheckLevel } from '@testing-library/user-event';
import type { MailAccountView } from '../../api';
import { account, FolderRow, MailHost, MessageRow } from '../../mailbox/__tests__/support/mail-host';
import { renderMailbox } from '../../mailbox/__tests__/support/render-mailbox';

// Checking pointer-events reads computed styles up the tree at every step, which is slow
// with the whole mailbox and antd's styles in jsdom; nothing here hides behind `pointer-events: none`.
const userEvent = userEventLib.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

const ALEX: MailAccountView = { ...account('1', 'alex@gmail.test'), displayName: 'Alex' };
const SAM = account('2', 'sam@gmail.test');
const CARLA = { name: 'Carla CFO', address: 'cfo@acme.example' };
const BOB = { name: 'Bob', address: 'bob@acme.example' };

const FOLDERS: FolderRow[] = [
  { id: '11', accountId: '1', providerId: 'INBOX', name: 'INBOX', role: 'inbox', kind: 'system' },
  { id: '12', accountId: '1', providerId: 'SENT', name: 'SENT', role: 'sent', kind: 'system' },
  { id: '21', accountId: '2', providerId: 'INBOX', name: 'INBOX', role: 'inbox', kind: 'system' },
];

const msg = (id: string, threadRowId: string, overrides: Partial<MessageRow> = {}): MessageRow => ({
  id,
  threadRowId,
  accountId: '1',
  date: `2026-03-0${id}T10:00:00.000Z`,
  read: true,
  starred: false,
  folderIds: ['INBOX'],
  from: CARLA,
  to: [{ name: 'Alex', address: 'alex@gmail.test' }],
  ...overrides,
});

/** Alex's inbox: Carla wrote to Alex alone ("Quarterly report"), to Alex and Bob ("Offsite"), and sent files ("Contracts"). */
function mailbox(accounts = [ALEX]) {
  return new MailHost(
    accounts,
    FOLDERS,
    [
      { id: '100', accountId: '1', subject: 'Quarterly report' },
      { id: '101', accountId: '1', subject: 'Offsite' },
      { id: '102', accountId: '1', subject: 'Contracts' },
      { id: '200', accountId: '2', subject: 'Sam planning' },
    ],
    [
      msg('1', '100'),
      msg('2', '100', { html: '<p>Numbers attached &amp; <b>final</b></p>' }),
      msg('3', '101', { to: [{ name: 'Alex', address: 'alex@gmail.test' }, BOB] }),
      msg('4', '102', {
        attachments: [
          { id: 'a1', filename: 'contract.pdf', contentType: 'application/pdf', size: 2 * 1024 * 1024 },
          { id: 'a2', filename: 'annex.docx', contentType: 'application/msword', size: 40 * 1024 },
        ],
      }),
      msg('5', '200', { accountId: '2', to: [{ address: 'sam@gmail.test' }] }),
    ],
  );
}


const row = (subject: string) => screen.getAllByTestId('mail-thread-row').find((r) => r.textContent?.includes(subject));
const drawer = () => screen.getByTestId('mail-compose-form');
/** Fields by their accessible label: role queries compute styles for every element of the drawer, which is slow in jsdom. */
// The Select labels its wrapper as well as its input; the input is what the writer types in.
const field = (label: string) => within(drawer()).getAllByLabelText(label).find((e) => e.matches('input, textarea')) as HTMLElement;
const recipients = (label: string) =>
  within(field(label).closest('.ant-select') as HTMLElement)
    .queryAllByTestId('mail-recipient')
    .map((tag) => `${tag.textContent}${tag.getAttribute('data-valid') === 'true' ? '' : ' (invalid)'}`);
const body = () => field('Message');
/** A button by its text; an icon's own label may come before it ("rollback Reply"). */
const named = (label: string) => new RegExp(`(^|\\s)${label}$`);
const sendButton = () => screen.getByTestId('mail-compose-send');
const send = () => userEvent.click(sendButton());

/** Opens a conversation and answers its newest message. */
async function answer(subject: string, button: 'Reply' | 'Reply all' | 'Forward') {
  await screen.findAllByTestId('mail-thread-row');
  await userEvent.click(row(subject)!);
  const cards = await screen.findAllByTestId('mail-message');
  const newest = cards[cards.length - 1];
  await userEvent.click(await within(newest).findByRole('button', { name: named(button) }));
  return screen.findByTestId('mail-compose-form');
}

const UUID = expect.stringMatching(/^[0-9a-f-]{36}$/);

describe('writing mail', () => {
  it('a reply starts from the server\'s draft and sends what the writer typed, escaped, with the quote', async () => {
    const host = mailbox();
    renderMailbox(host);
    await answer('Quarterly report', 'Reply');

    expect(host.urls).toContain('mailMessages:compose?filterByTk=2&mode=reply');
    expect(recipients('To')).toEqual(['Carla CFO']);
    expect(field('Subject')).toHaveValue('Re: Quarterly report');
    // A reply starts in the text, not in the addresses.
    expect(body()).toHaveFocus();
    await userEvent.type(body(), 'Looks <good> & "final"{enter}{enter}Thanks,{enter}Alex');
    await send();

    await waitFor(() => expect(host.sends).toHaveLength(1));
    expect(host.sends[0]).toEqual({
      accountId: '1',
      mode: 'reply',
      originalId: '2',
      from: 'alex@gmail.test',
      to: [{ name: 'Carla CFO', address: 'cfo@acme.example' }],
      cc: [],
      bcc: [],
      subject: 'Re: Quarterly report',
      html: '<p>Looks &lt;good&gt; &amp; &quot;final&quot;</p>\n<p>Thanks,<br>Alex</p>',
      includeQuote: true,
      attachments: [],
      clientRequestId: UUID,
    });
    expect(await screen.findByText('Message sent')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId('mail-compose-form')).toBeNull());
    // The sent copy shows in the open conversation.
    await waitFor(() => expect(screen.getAllByTestId('mail-message')).toHaveLength(3));
  });

  it('a failed send keeps everything typed, shows why, and the retry uses the same request id', async () => {
    const host = mailbox();
    renderMailbox(host);
    await answer('Quarterly report', 'Reply');
    await userEvent.type(body(), 'See you Monday');
    host.refuseSends({ status: 502, message: 'Gmail is not answering right now. Try again in a minute.', code: 'PROVIDER_UNAVAILABLE' });
    await send();

    expect(await within(drawer()).findByText('Gmail is not answering right now. Try again in a minute.')).toBeInTheDocument();
    expect(body()).toHaveValue('See you Monday');
    expect(recipients('To')).toEqual(['Carla CFO']);
    expect(sendButton()).toBeEnabled();

    await send();
    await waitFor(() => expect(host.sends).toHaveLength(2));
    expect(host.sends[1].clientRequestId).toBe(host.sends[0].clientRequestId);
    expect(host.sends[1].html).toBe('<p>See you Monday</p>');
    await waitFor(() => expect(screen.queryByTestId('mail-compose-form')).toBeNull());
    expect(host.messages.filter((m) => m.folderIds.includes('SENT'))).toHaveLength(1);
  });

  it('a send the provider did not confirm says it may have been sent, and trying again uses the same request id', async () => {
    const host = mailbox();
    renderMailbox(host);
    await answer('Quarterly report', 'Reply');
    await userEvent.type(body(), 'Maybe twice?');
    host.refuseSends({ status: 502, message: 'Gmail did not confirm this message, so it may have been sent.', code: 'MAY_HAVE_BEEN_SENT' });
    await send();

    expect(await within(drawer()).findByText(/may have been sent\. Look in Sent before writing it again: sending it again from here first looks in Sent and never sends it twice\./)).toBeInTheDocument();
    expect(body()).toHaveValue('Maybe twice?');
    await send();
    await waitFor(() => expect(host.sends).toHaveLength(2));
    expect(host.sends[1].clientRequestId).toBe(host.sends[0].clientRequestId);
  });

  it('a refusal that names a field shows on that field', async () => {
    const host = mailbox();
    renderMailbox(host);
    await answer('Quarterly report', 'Reply');
    host.refuseSends({ status: 400, message: 'Gmail does not accept this recipient.', code: 'INVALID_RECIPIENT', field: 'to' });
    await send();

    const toItem = field('To').closest('.ant-form-item') as HTMLElement;
    expect(await within(toItem).findByText('Gmail does not accept this recipient.')).toBeInTheDocument();
    expect(screen.queryByTestId('mail-compose-error')).toBeNull();
  });

  it('sending is disabled while a send is under way, so a double click sends once', async () => {
    const host = mailbox();
    renderMailbox(host);
    await answer('Quarterly report', 'Reply');
    const release = host.hold();
    await send();
    await waitFor(() => expect(sendButton()).toHaveClass('ant-btn-loading'));
    fireEvent.click(sendButton());
    fireEvent.keyDown(body(), { key: 'Enter', ctrlKey: true });
    release();
    await waitFor(() => expect(screen.queryByTestId('mail-compose-form')).toBeNull());
    expect(host.sends).toHaveLength(1);
  });

  it('an invalid address shows in red and blocks sending until it is fixed', async () => {
    const host = mailbox();
    renderMailbox(host);
    await userEvent.click(await screen.findByTestId('mail-compose-new'));
    await screen.findByTestId('mail-compose-form');
    const to = field('To');
    await userEvent.type(to, 'carla@acme{enter}');
    await userEvent.click(to);
    await userEvent.paste('Dana <dana@acme.example>, "Doe, Jo" <jo@d.example>');
    await userEvent.type(field('Subject'), 'Lunch');
    expect(recipients('To')).toEqual(['carla@acme (invalid)', 'Dana', 'Doe, Jo']);
    expect(await within(drawer()).findByText('Check the addresses marked in red: they are not valid email addresses.')).toBeInTheDocument();

    await send();
    expect(host.sends).toEqual([]);

    // Closing the bad one lets it go.
    const bad = within(drawer()).getAllByTestId('mail-recipient')[0];
    await userEvent.click(within(bad).getByRole('img', { name: 'close' }));
    await waitFor(() => expect(screen.queryByText('Check the addresses marked in red: they are not valid email addresses.')).toBeNull());
    await send();
    await waitFor(() => expect(host.sends).toHaveLength(1));
    expect(host.sends[0]).toMatchObject({
      mode: 'new',
      accountId: '1',
      to: [
        { name: 'Dana', address: 'dana@acme.example' },
        { name: 'Doe, Jo', address: 'jo@d.example' },
      ],
      subject: 'Lunch',
      html: '',
    });
    expect(host.sends[0]).not.toHaveProperty('originalId');
    expect(host.sends[0]).not.toHaveProperty('includeQuote');
  });

  it('without any recipient, Send says so and sends nothing', async () => {
    const host = mailbox();
    renderMailbox(host);
    await userEvent.click(await screen.findByTestId('mail-compose-new'));
    await screen.findByTestId('mail-compose-form');
    await send();
    expect(await within(drawer()).findByText('Add at least one recipient.')).toBeInTheDocument();
    expect(host.sends).toEqual([]);
  });

  it('a forward lists the original files, and a removed one is not sent', async () => {
    const host = mailbox();
    renderMailbox(host);
    await answer('Contracts', 'Forward');

    expect(host.urls).toContain('mailMessages:compose?filterByTk=4&mode=forward');
    const files = () => within(drawer()).queryAllByTestId('mail-compose-file');
    expect(files().map((f) => f.getAttribute('data-filename'))).toEqual(['contract.pdf', 'annex.docx']);
    expect(files()[0]).toHaveTextContent('2.0 MB');
    expect(files()[1]).toHaveTextContent('40 KB');
    expect(recipients('To')).toEqual([]);
    expect(field('To')).toHaveFocus();

    await userEvent.click(within(files()[0]).getByRole('button'));
    expect(files().map((f) => f.getAttribute('data-filename'))).toEqual(['annex.docx']);
    await userEvent.type(field('To'), 'legal@acme.example{enter}');
    await send();

    await waitFor(() => expect(host.sends).toHaveLength(1));
    expect(host.sends[0]).toMatchObject({ mode: 'forward', originalId: '4', subject: 'Fwd: Contracts', to: [{ address: 'legal@acme.example' }], forwardAttachmentIds: ['a2'] });
  });

  it('attaches files from the computer as base64, each removable', async () => {
    const host = mailbox();
    renderMailbox(host);
    await answer('Quarterly report', 'Reply');
    const input = screen.getByTestId('mail-compose-attachments').querySelector('input[type=file]') as HTMLInputElement;
    await userEvent.upload(input, [new File(['hello, world'], 'notes.txt', { type: 'text/plain' }), new File(['x'], 'x.bin')]);
    const files = () => within(drawer()).queryAllByTestId('mail-compose-file');
    await waitFor(() => expect(files().map((f) => f.getAttribute('data-filename'))).toEqual(['notes.txt', 'x.bin']));
    expect(files()[0]).toHaveTextContent('12 B');

    await userEvent.click(within(files()[1]).getByRole('button'));
    await send();
    await waitFor(() => expect(host.sends).toHaveLength(1));
    expect(host.sends[0].attachments).toEqual([{ filename: 'notes.txt', contentType: 'text/plain', contentBase64: btoa('hello, world') }]);
    expect(host.sends[0]).not.toHaveProperty('forwardAttachmentIds');
  });

  it('the quoted original is folded away, shown in a sandboxed frame, and can be left out', async () => {
    const host = mailbox();
    renderMailbox(host);
    await answer('Quarterly report', 'Reply');
    expect(screen.queryByTestId('mail-compose-quote-frame')).toBeNull();

    await userEvent.click(screen.getByTestId('mail-compose-quote-toggle'));
    const frame = within(drawer()).getByTestId('mail-compose-quote-frame') as HTMLIFrameElement;
    expect(frame.getAttribute('sandbox')).not.toMatch(/allow-scripts/);
    expect(frame.getAttribute('srcdoc')).toContain('<blockquote><p>Numbers attached &amp; <b>final</b></p></blockquote>');

    await userEvent.click(field('Include the original message'));
    await send();
    await waitFor(() => expect(host.sends).toHaveLength(1));
    expect(host.sends[0].includeQuote).toBe(false);
  });

  it('Reply all is offered when others were written to, and answers them in Cc', async () => {
    const host = mailbox();
    renderMailbox(host);
    await screen.findAllByTestId('mail-thread-row');
    await userEvent.click(row('Quarterly report')!);
    const [, alone] = await screen.findAllByTestId('mail-message');
    expect(within(alone).getByRole('button', { name: named('Reply') })).toBeInTheDocument();
    expect(within(alone).queryByRole('button', { name: named('Reply all') })).toBeNull();

    await answer('Offsite', 'Reply all');
    expect(host.urls).toContain('mailMessages:compose?filterByTk=3&mode=replyAll');
    expect(recipients('To')).toEqual(['Carla CFO']);
    expect(recipients('Cc')).toEqual(['Bob']);
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(host.sends).toHaveLength(1));
    expect(host.sends[0]).toMatchObject({ mode: 'replyAll', to: [CARLA], cc: [BOB], subject: 'Re: Offsite' });
  });

  it('Cc and Bcc stay behind links until used', async () => {
    const host = mailbox();
    renderMailbox(host);
    await userEvent.click(await screen.findByTestId('mail-compose-new'));
    await screen.findByTestId('mail-compose-form');
    expect(within(drawer()).queryAllByLabelText('Bcc')).toEqual([]);
    await userEvent.click(screen.getByTestId('mail-compose-show-bcc'));
    await userEvent.type(field('Bcc'), 'boss@acme.example,');
    expect(recipients('Bcc')).toEqual(['boss@acme.example']);
    await userEvent.type(field('Subject'), 'FYI');
    await send();
    await waitFor(() => expect(host.sends).toHaveLength(1));
    expect(host.sends[0]).toMatchObject({ to: [], cc: [], bcc: [{ address: 'boss@acme.example' }] });
  });

  it('composing a new message with two accounts starts from the account in the filter', async () => {
    const host = mailbox([ALEX, SAM]);
    renderMailbox(host);
    await screen.findAllByTestId('mail-thread-row');
    const filter = within(screen.getByTestId('mail-account-select')).getByRole('combobox');
    fireEvent.mouseDown(filter);
    await userEvent.click(await screen.findByTitle('sam@gmail.test'));
    await waitFor(() => expect(screen.getAllByTestId('mail-thread-row').map((r) => r.textContent)).toEqual([expect.stringContaining('Sam planning')]));

    await userEvent.click(screen.getByTestId('mail-compose-new'));
    await screen.findByTestId('mail-compose-form');
    expect(host.urls).toContain('mailMessages:compose?accountId=2&mode=new');
    expect(within(drawer()).getByTitle('sam@gmail.test')).toBeInTheDocument();

    await userEvent.type(field('To'), 'carla@acme.example{enter}');
    await userEvent.type(field('Subject'), 'Hello');
    await send();
    await waitFor(() => expect(host.sends).toHaveLength(1));
    expect(host.sends[0]).toMatchObject({ accountId: '2', mode: 'new', from: 'sam@gmail.test' });
  });

  it('with all accounts shown, a new message starts from the first account, and From can switch to another', async () => {
    const host = mailbox([ALEX, SAM]);
    renderMailbox(host);
    await userEvent.click(await screen.findByTestId('mail-compose-new'));
    await screen.findByTestId('mail-compose-form');
    expect(host.urls).toContain('mailMessages:compose?accountId=1&mode=new');
    await userEvent.type(field('Subject'), 'Hello from Sam');

    fireEvent.mouseDown(field('From'));
    const sams = await screen.findAllByTitle('sam@gmail.test');
    await userEvent.click(sams.find((o) => o.classList.contains('ant-select-item-option'))!);
    await waitFor(() => expect(host.urls).toContain('mailMessages:compose?accountId=2&mode=new'));
    await waitFor(() => expect(sendButton()).toBeEnabled());
    // What was typed stays.
    expect(field('Subject')).toHaveValue('Hello from Sam');

    await userEvent.type(field('To'), 'carla@acme.example{enter}');
    await send();
    await waitFor(() => expect(host.sends).toHaveLength(1));
    expect(host.sends[0]).toMatchObject({ accountId: '2', from: 'sam@gmail.test', subject: 'Hello from Sam' });
  });

  it('discarding what was written asks first; an untouched reply closes at once', async () => {
    const host = mailbox();
    renderMailbox(host);
    await answer('Quarterly report', 'Reply');
    await userEvent.click(screen.getByTestId('mail-compose-discard'));
    await waitFor(() => expect(screen.queryByTestId('mail-compose-form')).toBeNull());

    await answer('Quarterly report', 'Reply');
    await userEvent.type(body(), 'Half a thought');
    await userEvent.click(screen.getByTestId('mail-compose-discard'));
    const question = await screen.findByText('Discard this message?');
    const dialog = question.closest('.ant-modal-content') as HTMLElement;
    await userEvent.click(within(dialog).getByRole('button', { name: 'Keep editing' }));
    expect(body()).toHaveValue('Half a thought');

    // Closing the drawer another way asks the same.
    await userEvent.click(within(screen.getByTestId('mail-compose-form').closest('.ant-drawer-content') as HTMLElement).getByLabelText('Close'));
    const again = (await screen.findAllByText('Discard this message?')).at(-1)!.closest('.ant-modal-content') as HTMLElement;
    await userEvent.click(within(again).getByRole('button', { name: 'Discard' }));
    await waitFor(() => expect(screen.queryByTestId('mail-compose-form')).toBeNull());
    expect(host.sends).toEqual([]);
  });
});
