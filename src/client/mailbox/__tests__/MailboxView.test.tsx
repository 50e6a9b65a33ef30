import React from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AccountsApi, AccountsApiContext, MailAccountView, MailApiError } from '../../api';
import { MailCenter } from '../../center/EmailCenterPage';
import type { MailboxApi, MailFolderView, MailMessageView, MessageBody, ThreadQuery, ThreadSummaryView } from '../../mailbox-api';
import { MailboxApiContext } from '../../mailbox-api';
import { MailboxView } from '../MailboxView';
import { account as hostAccount } from './support/mail-host';

const account = (overrides: Partial<MailAccountView> = {}): MailAccountView => ({ ...hostAccount('1', 'alex@gmail.test'), displayName: 'Alex', ...overrides });

const folder = (id: string, role: MailFolderView['role'], name: string, unreadCount = 0, kind: MailFolderView['kind'] = 'system'): MailFolderView => ({
  id,
  accountId: '1',
  providerId: name.toUpperCase(),
  name,
  role,
  kind,
  unreadCount,
  totalCount: 10,
});

const FOLDERS = [folder('13', 'custom', 'Clients', 1, 'user'), folder('12', 'sent', 'Sent'), folder('11', 'inbox', 'Inbox', 2), folder('14', 'trash', 'Trash', 3)];

const thread = (id: string, overrides: Partial<ThreadSummaryView> = {}): ThreadSummaryView => ({
  id,
  accountId: '1',
  subject: `Subject ${id}`,
  snippet: `Snippet ${id}`,
  lastMessageAt: '2026-03-01T10:00:00.000Z',
  messageCount: 1,
  unreadCount: 0,
  starred: false,
  hasAttachments: false,
  senders: [{ name: 'Carla CFO', address: 'cfo@acme.example' }],
  ...overrides,
});

const message = (id: string, overrides: Partial<MailMessageView> = {}): MailMessageView => ({
  id,
  accountId: '1',
  threadRowId: '100',
  subject: 'Quarterly report',
  fromAddress: 'cfo@acme.example',
  fromName: 'Carla CFO',
  to: [{ name: 'Alex', address: 'alex@gmail.test' }],
  cc: [],
  bcc: [],
  date: '2026-03-01T10:00:00.000Z',
  snippet: `snippet of ${id}`,
  read: true,
  starred: false,
  draft: false,
  hasAttachments: false,
  folderIds: ['INBOX'],
  attachments: [],
  ...overrides,
});

interface Fakes {
  accounts: AccountsApi;
  mailbox: MailboxApi;
  threadQueries: ThreadQuery[];
  bodyRequests: Array<{ id: string; allowRemoteImages: boolean }>;
}

function fakes(opts: {
  accounts?: () => MailAccountView[];
  threads?: (q: ThreadQuery) => ThreadSummaryView[];
  messages?: MailMessageView[];
  body?: (id: string, allow: boolean) => MessageBody;
  download?: (id: string) => Promise<Blob>;
  downloadBody?: (id: string) => Promise<{ blob: Blob; filename: string }>;
}): Fakes {
  const threadQueries: ThreadQuery[] = [];
  const bodyRequests: Fakes['bodyRequests'] = [];
  const unused = async (): Promise<never> => {
    throw new Error('not used in this test');
  };
  const accounts: AccountsApi = {
    providers: async () => [{ provider: 'google', configured: true }],
    listAccounts: async () => (opts.accounts ?? (() => [account()]))(),
    authorize: unused,
    callback: unused,
    setSyncFrom: unused,
    pause: unused,
    resume: unused,
    syncNow: unused,
    remove: unused,
  };
  const mailbox: MailboxApi = {
    folders: async () => FOLDERS,
    threads: async (q) => {
      threadQueries.push(q);
      const rows = (opts.threads ?? (() => [thread('100')]))(q);
      return { rows, page: q.page, pageSize: q.pageSize, hasMore: false };
    },
    threadMessages: async () => opts.messages ?? [message('1')],
    messageBody: async (id, allowRemoteImages) => {
      bodyRequests.push({ id, allowRemoteImages });
      return (opts.body ?? (() => ({ html: `<p>Body of ${id}</p>`, text: '', remoteImagesBlocked: 0, hasRemoteContent: false })))(id, allowRemoteImages);
    },
    downloadAttachment: opts.download ?? unused,
    downloadMessageBody: opts.downloadBody ?? unused,
    act: unused,
    composeDraft: unused,
    send: unused,
  };
  return { accounts, mailbox, threadQueries, bodyRequests };
}

function renderWith(f: Fakes, ui: React.ReactElement = <MailboxView onManageAccounts={() => undefined} />) {
  return render(
    <AccountsApiContext.Provider value={f.accounts}>
      <MailboxApiContext.Provider value={f.mailbox}>{ui}</MailboxApiContext.Provider>
    </AccountsApiContext.Provider>,
  );
}

const frame = () => screen.getByTestId('mail-message-body-frame') as HTMLIFrameElement;

describe('mailbox view', () => {
  it("lists the inbox's conversations with who wrote, subject, snippet, unread, attachment and star", async () => {
    const f = fakes({
      threads: () => [
        thread('101', { unreadCount: 1, hasAttachments: true, starred: true, messageCount: 3, senders: [{ name: 'Carla CFO', address: 'cfo@acme.example' }, { name: null, address: 'alex@gmail.test' }] }),
        thread('100'),
      ],
    });
    renderWith(f);
    const rows = await screen.findAllByTestId('mail-thread-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('Carla, me (3)');
    expect(rows[0]).toHaveTextContent('Subject 101');
    expect(rows[0]).toHaveTextContent('Snippet 101');
    expect(rows[0]).toHaveAttribute('data-unread', 'true');
    expect(rows[0]).toHaveStyle({ fontWeight: '600' });
    expect(within(rows[0]).getByTestId('mail-thread-attachment-icon')).toBeInTheDocument();
    expect(within(rows[0]).getByTestId('mail-thread-star')).toBeInTheDocument();
    expect(rows[1]).toHaveAttribute('data-unread', 'false');
    expect(within(rows[1]).queryByTestId('mail-thread-star')).toBeNull();
    expect(f.threadQueries[0]).toMatchObject({ accountIds: ['1'], folder: { role: 'inbox' }, search: '', page: 1 });
  });

  it('loads the next page of older conversations below the first', async () => {
    const all = Array.from({ length: 60 }, (_, i) => thread(String(1000 - i)));
    const f = fakes({});
    f.mailbox.threads = async (q) => {
      f.threadQueries.push(q);
      const rows = all.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
      return { rows, page: q.page, pageSize: q.pageSize, hasMore: q.page * q.pageSize < all.length };
    };
    renderWith(f);
    await waitFor(() => expect(screen.getAllByTestId('mail-thread-row')).toHaveLength(50));
    await userEvent.click(screen.getByTestId('mail-load-more'));
    await waitFor(() => expect(screen.getAllByTestId('mail-thread-row')).toHaveLength(60));
    expect(screen.getAllByTestId('mail-thread-row').at(-1)).toHaveAttribute('data-thread-id', '941');
    expect(f.threadQueries.map((q) => [q.page, q.pageSize])).toEqual([[1, 50], [2, 50]]);
    expect(screen.queryByTestId('mail-load-more')).toBeNull();
  });

  it('shows mailbox roles first in the usual order with unread counts, then labels, and opens a label', async () => {
    const f = fakes({});
    renderWith(f);
    const inbox = await screen.findByTestId('mail-folder-inbox');
    const order = [...document.querySelectorAll('nav button')].map((b) => b.getAttribute('data-testid'));
    expect(order).toEqual(['mail-folder-inbox', 'mail-folder-sent', 'mail-folder-trash', 'mail-folder-all', 'mail-folder-label-13']);
    expect(inbox).toHaveTextContent('Inbox2');
    // Unread counts in Trash are noise.
    expect(screen.queryByTestId('mail-folder-trash-unread')).toBeNull();
    await userEvent.click(screen.getByTestId('mail-folder-label-13'));
    await waitFor(() => expect(f.threadQueries.at(-1)).toMatchObject({ folder: { folderId: '13' } }));
  });

  it('searches on the server as the reader types', async () => {
    const f = fakes({ threads: (q) => (q.search === 'acme' ? [thread('7', { subject: 'From Acme' })] : [thread('100')]) });
    renderWith(f);
    await screen.findAllByTestId('mail-thread-row');
    await userEvent.type(screen.getByTestId('mail-search'), 'acme');
    await waitFor(() => expect(screen.getByTestId('mail-thread-row')).toHaveTextContent('From Acme'));
    expect(f.threadQueries.at(-1)).toMatchObject({ search: 'acme', folder: { role: 'inbox' } });
  });

  it('opens a conversation oldest first with only the newest message expanded, its body in a script-free sandboxed frame', async () => {
    const f = fakes({
      messages: [message('1', { snippet: 'first one' }), message('2', { snippet: 'second one' })],
      body: (id) => ({ html: `<p>Body of ${id}</p>`, text: '', remoteImagesBlocked: 0, hasRemoteContent: false }),
    });
    renderWith(f);
    await userEvent.click(await screen.findByTestId('mail-thread-row'));
    const cards = await screen.findAllByTestId('mail-message');
    expect(cards.map((c) => c.getAttribute('data-message-id'))).toEqual(['1', '2']);
    expect(cards.map((c) => c.getAttribute('data-expanded'))).toEqual(['false', 'true']);
    expect(cards[0]).toHaveTextContent('first one');
    expect(cards[1]).toHaveTextContent('To: Alex <alex@gmail.test>');

    await waitFor(() => expect(frame()).toBeInTheDocument());
    // No scripts, ever; same-origin only so the page can read the frame's height (no copy of the message is laid out elsewhere).
    expect(frame().getAttribute('sandbox')).toBe('allow-same-origin allow-popups allow-popups-to-escape-sandbox');
    const srcdoc = frame().getAttribute('srcdoc') ?? '';
    expect(srcdoc).toContain('<p>Body of 2</p>');
    expect(srcdoc).toMatch(/<meta http-equiv="Content-Security-Policy" content="[^"]*script-src 'none'/);
    expect(srcdoc).not.toMatch(/<script/i);
    expect(f.bodyRequests).toEqual([{ id: '2', allowRemoteImages: false }]);

    // The older message opens on demand.
    await userEvent.click(within(cards[0]).getByRole('button', { expanded: false }));
    await waitFor(() => expect(screen.getAllByTestId('mail-message-body-frame')).toHaveLength(2));
  });

  it('hides remote images behind a bar and reloads the body with them when the reader asks', async () => {
    const f = fakes({
      body: (_id, allow) =>
        allow
          ? { html: '<img src="https://news.example/banner.png">', text: '', remoteImagesBlocked: 0, hasRemoteContent: true }
          : { html: '<img data-remote-src="https://news.example/banner.png">', text: '', remoteImagesBlocked: 1, hasRemoteContent: true },
    });
    renderWith(f);
    await userEvent.click(await screen.findByTestId('mail-thread-row'));
    expect(await screen.findByTestId('mail-remote-images-bar')).toBeInTheDocument();
    expect(frame().getAttribute('srcdoc')).toMatch(/img-src [^;]*data:;/);
    await userEvent.click(screen.getByTestId('mail-show-remote-images'));
    await waitFor(() => expect(frame().getAttribute('srcdoc')).toContain('src="https://news.example/banner.png"'));
    expect(frame().getAttribute('srcdoc')).toMatch(/img-src [^;]* https: http:/);
    expect(screen.queryByTestId('mail-remote-images-bar')).toBeNull();
    expect(f.bodyRequests.map((r) => r.allowRemoteImages)).toEqual([false, true]);
  });

  it('lays the message out only inside its sandboxed frame: no copy of it is parsed or rendered in the app page', async () => {
    const attachShadow = vi.spyOn(Element.prototype, 'attachShadow');
    const parse = vi.spyOn(DOMParser.prototype, 'parseFromString');
    const remote = '<img data-remote-src="https://tracker.example/open.gif"><div style="background: none">x</div><img src="https://tracker.example/after.png">';
    const f = fakes({ body: () => ({ html: remote, text: '', remoteImagesBlocked: 1, hasRemoteContent: true }) });
    renderWith(f);
    await userEvent.click(await screen.findByTestId('mail-thread-row', {}, { timeout: 5000 }));
    await waitFor(() => expect(frame().getAttribute('srcdoc')).toContain('tracker.example/after.png'));
    expect(attachShadow).not.toHaveBeenCalled();
    expect(parse.mock.calls.filter(([html]) => String(html).includes('tracker.example'))).toEqual([]);
    // Nothing of the message exists in the page outside the frame's srcdoc attribute.
    expect(document.body.innerHTML.replace(/srcdoc="[^"]*"/g, '')).not.toContain('tracker.example');
    attachShadow.mockRestore();
    parse.mockRestore();
  });

  it('offers a body too large to display as a download instead of rendering it', async () => {
    const saved: string[] = [];
    Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:x'), revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    const downloadBody = vi.fn(async () => ({ blob: new Blob(['<p>big</p>']), filename: 'Quarterly report.html' }));
    const f = fakes({
      body: () => ({ html: '', text: '', remoteImagesBlocked: 0, hasRemoteContent: false, tooLarge: { chars: 10 * 1024 * 1024, limitChars: 5 * 1024 * 1024 } }),
      downloadBody,
    });
    renderWith(f);
    await userEvent.click(await screen.findByTestId('mail-thread-row', {}, { timeout: 5000 }));
    const notice = await screen.findByTestId('mail-message-too-large', {}, { timeout: 5000 });
    expect(notice).toHaveTextContent(/too large to display/);
    expect(screen.queryByTestId('mail-message-body-frame')).toBeNull();
    await userEvent.click(within(notice).getByTestId('mail-message-download-body'));
    await waitFor(() => expect(saved).toEqual(['Quarterly report.html']));
    expect(downloadBody).toHaveBeenCalledWith('1');
    click.mockRestore();
  });

  it('downloads an attachment through the API and explains a refusal', async () => {
    const saved: string[] = [];
    const createObjectURL = vi.fn(() => 'blob:x');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    const f = fakes({
      messages: [
        message('1', {
          hasAttachments: true,
          attachments: [
            { id: '5', filename: 'report.pdf', contentType: 'application/pdf', size: 2048, contentId: null, inline: false },
            { id: '6', filename: 'huge.mov', contentType: 'video/quicktime', size: 40e6, contentId: null, inline: false },
            { id: '7', filename: 'logo.png', contentType: 'image/png', size: 10, contentId: 'logo', inline: true },
          ],
        }),
      ],
      download: async (id) => {
        if (id === '6') throw new MailApiError('This attachment is 38 MB, larger than the 25 MB download limit set in Email settings.', 'ATTACHMENT_TOO_LARGE', undefined, 413);
        return new Blob(['%PDF']);
      },
    });
    renderWith(f);
    await userEvent.click(await screen.findByTestId('mail-thread-row'));
    await userEvent.click(await screen.findByTestId('mail-attachment-5'));
    await waitFor(() => expect(saved).toEqual(['report.pdf']));
    // Inline images belong to the body, not to the file list.
    expect(screen.queryByTestId('mail-attachment-7')).toBeNull();
    await userEvent.click(screen.getByTestId('mail-attachment-6'));
    expect(await screen.findByText(/larger than the 25 MB download limit/)).toBeInTheDocument();
    click.mockRestore();
  });

  it('asks a user without a mailbox to link one', async () => {
    renderWith(fakes({ accounts: () => [] }));
    expect(await screen.findByTestId('mail-no-accounts')).toHaveTextContent('Link your Gmail or Outlook mailbox to read your mail here.');
    expect(screen.getByTestId('mail-link-account')).toBeInTheDocument();
  });

  it('says mail is arriving while the first sync runs, and shows it as soon as it is there', async () => {
    let synced = false;
    const f = fakes({
      accounts: () => [account({ status: synced ? 'active' : 'syncing' })],
      threads: () => (synced ? [thread('100', { subject: 'First synced mail' })] : []),
    });
    renderWith(f, <MailboxView onManageAccounts={() => undefined} pollMs={{ arriving: 50, idle: 60_000 }} />);
    expect(await screen.findByTestId('mail-syncing-empty')).toHaveTextContent('Your mail is arriving');
    synced = true;
    expect(await screen.findByText('First synced mail', {}, { timeout: 3000 })).toBeInTheDocument();
  });

  it('says a folder is empty and points at accounts that need attention', async () => {
    const onManageAccounts = vi.fn();
    renderWith(
      fakes({ accounts: () => [account({ status: 'reauth_required', statusMessage: 'Access to alex@gmail.test has to be renewed.' })], threads: () => [] }),
      <MailboxView onManageAccounts={onManageAccounts} />,
    );
    expect(await screen.findByTestId('mail-folder-empty')).toHaveTextContent('No conversations in this folder.');
    const problem = screen.getByTestId('mail-account-problem');
    expect(problem).toHaveTextContent('Access to alex@gmail.test has to be renewed.');
    await userEvent.click(within(problem).getByRole('button'));
    expect(onManageAccounts).toHaveBeenCalled();
  });

  it('keeps the accounts panel one tab away', async () => {
    const f = fakes({});
    renderWith(f, <MailCenter />);
    await screen.findAllByTestId('mail-thread-row');
    await act(async () => {
      fireEvent.click(screen.getByTestId('mail-tab-accounts'));
    });
    expect(await screen.findByTestId('mail-accounts-panel')).toBeInTheDocument();
  });
});
