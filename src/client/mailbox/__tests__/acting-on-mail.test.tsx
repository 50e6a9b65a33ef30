import React from 'react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { account, FolderRow, MailHost, MessageRow } from './support/mail-host';
import { renderMailbox } from './support/render-mailbox';

const ALEX = account('1', 'alex@gmail.test');
const SAM = account('2', 'sam@gmail.test');

const folder = (id: string, accountId: string, providerId: string, name: string, role: string, kind: FolderRow['kind'] = 'system'): FolderRow => ({ id, accountId, providerId, name, role, kind });

const FOLDERS: FolderRow[] = [
  folder('11', '1', 'INBOX', 'INBOX', 'inbox'),
  folder('12', '1', 'SENT', 'SENT', 'sent'),
  folder('13', '1', 'Label_1', 'Clients', 'custom', 'user'),
  folder('14', '1', 'TRASH', 'TRASH', 'trash'),
  folder('15', '1', 'STARRED', 'STARRED', 'starred'),
  folder('16', '1', 'CATEGORY_SOCIAL', 'Social', 'custom'),
  folder('21', '2', 'INBOX', 'INBOX', 'inbox'),
  folder('23', '2', 'Label_9', 'Sam projects', 'custom', 'user'),
];

const msg = (id: string, threadRowId: string, overrides: Partial<MessageRow> = {}): MessageRow => ({
  id,
  threadRowId,
  accountId: '1',
  date: `2026-03-0${id.length}T10:00:00.000Z`,
  read: true,
  starred: false,
  folderIds: ['INBOX'],
  ...overrides,
});

/** Alex's inbox: "Quarterly report" (read) and "Offsite" (unread); one conversation in the trash. */
function mailbox(extra: { accounts?: typeof ALEX[]; messages?: MessageRow[] } = {}) {
  return new MailHost(
    extra.accounts ?? [ALEX],
    FOLDERS,
    [
      { id: '100', accountId: '1', subject: 'Quarterly report' },
      { id: '101', accountId: '1', subject: 'Offsite' },
      { id: '102', accountId: '1', subject: 'Old newsletter' },
      { id: '200', accountId: '2', subject: 'Sam planning' },
    ],
    extra.messages ?? [
      msg('1', '100'),
      msg('2', '100'),
      msg('3', '101', { read: false }),
      msg('4', '101', { read: false }),
      msg('5', '102', { folderIds: ['TRASH'] }),
      msg('6', '200', { accountId: '2' }),
    ],
  );
}


const row = (subject: string) => screen.getAllByTestId('mail-thread-row').find((r) => r.textContent?.includes(subject));
const subjects = () => screen.queryAllByTestId('mail-thread-row').map((r) => within(r).getByText(/^(Quarterly report|Offsite|Old newsletter|Sam planning)$/).textContent);

async function open(subject: string) {
  await screen.findAllByTestId('mail-thread-row');
  await userEvent.click(row(subject)!);
  return screen.findByTestId('mail-thread-actions');
}

describe('acting on mail', () => {
  it('archiving takes the conversation out of the inbox at once and goes back to the list', async () => {
    const host = mailbox();
    renderMailbox(host);
    const toolbar = await open('Quarterly report');
    const release = host.hold();
    await userEvent.click(within(toolbar).getByRole('button', { name: 'Archive' }));

    // Before the server has answered.
    expect(subjects()).toEqual(['Offsite']);
    expect(screen.queryByTestId('mail-thread-view')).toBeNull();
    expect(screen.getByText('Select a conversation to read it.')).toBeInTheDocument();
    expect(host.acts).toEqual([{ url: 'mailThreads:act?filterByTk=100', resource: 'mailThreads', id: '100', body: { action: 'archive' } }]);

    release();
    await waitFor(() => expect(host.messages.filter((m) => m.threadRowId === '100').every((m) => !m.folderIds.includes('INBOX'))).toBe(true));
    expect(subjects()).toEqual(['Offsite']);
  });

  it('a refused archive puts the conversation back, reopens it and shows the reason', async () => {
    const host = mailbox();
    renderMailbox(host);
    const toolbar = await open('Quarterly report');
    host.refuseNext('Gmail could not be reached, even after retrying. Try again in a moment.');
    await userEvent.click(within(toolbar).getByRole('button', { name: 'Archive' }));

    expect(await screen.findByText('Gmail could not be reached, even after retrying. Try again in a moment.')).toBeInTheDocument();
    await waitFor(() => expect(subjects()).toEqual(['Quarterly report', 'Offsite']));
    expect(await screen.findByTestId('mail-thread-view')).toBeInTheDocument();
    expect(row('Quarterly report')).toHaveAttribute('aria-selected', 'true');
  });

  it("starring a row shows at once, and is undone with the server's explanation when it refuses", async () => {
    const host = mailbox();
    renderMailbox(host);
    await screen.findAllByTestId('mail-thread-row');
    const star = within(row('Offsite')!).getByRole('button', { name: 'Star' });
    expect(star).toHaveAttribute('aria-pressed', 'false');

    const release = host.hold();
    host.refuseNext('Gmail refused the change: Label not found.');
    await userEvent.click(star);
    expect(within(row('Offsite')!).getByTestId('mail-thread-star-toggle')).toHaveAttribute('aria-pressed', 'true');
    expect(within(row('Offsite')!).getByTestId('mail-thread-star-toggle')).toHaveAccessibleName('Unstar');
    // The star does not open the conversation.
    expect(screen.queryByTestId('mail-thread-view')).toBeNull();
    expect(host.acts.map((a) => [a.id, a.body])).toEqual([['101', { action: 'star' }]]);

    release();
    expect(await screen.findByText('Gmail refused the change: Label not found.')).toBeInTheDocument();
    await waitFor(() => expect(within(row('Offsite')!).getByTestId('mail-thread-star-toggle')).toHaveAttribute('aria-pressed', 'false'));
  });

  it('stars from the toolbar, and the row shows it too', async () => {
    const host = mailbox();
    renderMailbox(host);
    const toolbar = await open('Quarterly report');
    await userEvent.click(within(toolbar).getByRole('button', { name: 'Star' }));
    expect(within(toolbar).getByRole('button', { name: 'Unstar' })).toBeInTheDocument();
    expect(within(row('Quarterly report')!).getByTestId('mail-thread-star')).toBeInTheDocument();
    await waitFor(() => expect(host.messages.find((m) => m.id === '2')?.starred).toBe(true));
    expect(host.acts.map((a) => a.body)).toEqual([{ action: 'star' }]);
  });

  it('opening an unread conversation marks it read once, and "Mark as unread" sticks', async () => {
    const host = mailbox();
    renderMailbox(host);
    expect(await screen.findByTestId('mail-folder-inbox-unread')).toHaveTextContent('2');
    expect(row('Offsite')).toHaveAttribute('data-unread', 'true');

    const toolbar = await open('Offsite');
    await waitFor(() => expect(row('Offsite')).toHaveAttribute('data-unread', 'false'));
    expect(host.acts.map((a) => [a.url, a.body])).toEqual([['mailThreads:act?filterByTk=101', { action: 'markRead' }]]);
    // The folder's unread count catches up.
    await waitFor(() => expect(screen.queryByTestId('mail-folder-inbox-unread')).toBeNull());

    await userEvent.click(within(toolbar).getByRole('button', { name: 'Mark as unread' }));
    expect(row('Offsite')).toHaveAttribute('data-unread', 'true');
    expect(within(toolbar).getByRole('button', { name: 'Mark as read' })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('mail-folder-inbox-unread')).toHaveTextContent('1'));
    expect(host.acts.map((a) => a.body.action)).toEqual(['markRead', 'markUnread']);
  });

  it('does not mark a conversation that is already read', async () => {
    const host = mailbox();
    renderMailbox(host);
    await open('Quarterly report');
    await screen.findAllByTestId('mail-message');
    expect(host.acts).toEqual([]);
  });

  it("Move to lists only the folders of the conversation's account and moves it there", async () => {
    const host = mailbox({ accounts: [ALEX, SAM] });
    renderMailbox(host);
    await waitFor(() => expect(subjects()).toEqual(expect.arrayContaining(['Sam planning', 'Quarterly report'])));
    const toolbar = await open('Quarterly report');
    await userEvent.click(within(toolbar).getByRole('button', { name: 'Move to…' }));
    const menu = await screen.findByRole('menu');
    // Alex's places to file mail; not Sent / Starred (views), not Gmail's categories, not Sam's labels.
    expect(within(menu).getAllByRole('menuitem').map((i) => i.textContent)).toEqual(['Inbox', 'Trash', 'Clients']);

    await userEvent.click(within(menu).getByRole('menuitem', { name: 'Clients' }));
    expect(host.acts.map((a) => [a.id, a.body])).toEqual([['100', { action: 'moveTo', folderId: '13' }]]);
    await waitFor(() => expect(subjects()).not.toContain('Quarterly report'));
    expect(screen.queryByTestId('mail-thread-view')).toBeNull();
    await waitFor(() => expect(host.messages.find((m) => m.id === '1')?.folderIds).toEqual(['Label_1']));
  });

  it('in the trash, Delete becomes Restore, and restoring takes the conversation out of the trash', async () => {
    const host = mailbox();
    renderMailbox(host);
    await userEvent.click(await screen.findByTestId('mail-folder-trash'));
    await waitFor(() => expect(subjects()).toEqual(['Old newsletter']));
    const toolbar = await open('Old newsletter');
    expect(within(toolbar).queryByRole('button', { name: 'Delete' })).toBeNull();
    expect(within(toolbar).queryByRole('button', { name: 'Archive' })).toBeNull();

    await userEvent.click(within(toolbar).getByRole('button', { name: 'Restore' }));
    expect(host.acts.map((a) => [a.id, a.body])).toEqual([['102', { action: 'restore' }]]);
    expect(screen.queryAllByTestId('mail-thread-row')).toHaveLength(0);
    await waitFor(() => expect(host.messages.find((m) => m.id === '5')?.folderIds).toEqual([]));
  });

  it('deleting from the inbox moves the conversation to the trash and out of the inbox for good', async () => {
    const host = mailbox();
    renderMailbox(host);
    const toolbar = await open('Quarterly report');
    await userEvent.click(within(toolbar).getByRole('button', { name: 'Delete' }));
    expect(host.acts.map((a) => a.body)).toEqual([{ action: 'trash' }]);
    // Gmail keeps INBOX on a trashed message; it still does not belong in the inbox.
    await waitFor(() => expect(host.messages.find((m) => m.id === '1')?.folderIds).toEqual(['INBOX', 'TRASH']));
    await new Promise((r) => setTimeout(r, 50));
    expect(subjects()).toEqual(['Offsite']);
  });

  it('keys act on the open conversation, but not while typing a search', async () => {
    const host = mailbox();
    renderMailbox(host);
    await open('Quarterly report');
    await userEvent.type(screen.getByTestId('mail-search'), 'es');
    expect(host.acts).toEqual([]);

    // The search runs (and the list reloads) once the reader pauses.
    await waitFor(() => expect(host.calls.filter((c) => c === 'mailThreads:browse')).toHaveLength(2));
    await userEvent.click(await screen.findByText('Quarterly report', { selector: 'div' }));
    await userEvent.keyboard('s');
    await waitFor(() => expect(host.acts.map((a) => a.body)).toEqual([{ action: 'star' }]));
    await userEvent.keyboard('e');
    await waitFor(() => expect(host.acts.map((a) => a.body)).toEqual([{ action: 'star' }, { action: 'archive' }]));
  });
});
