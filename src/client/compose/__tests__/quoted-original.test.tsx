import { screen, waitFor, within } from '@testing-library/react';
import userEventLib, { PointerEventsCheckLevel } from '@testing-library/user-event';
import type { MailAccountView } from '../../api';
import { account, FolderRow, MailHost } from '../../mailbox/__tests__/support/mail-host';
import { renderMailbox } from '../../mailbox/__tests__/support/render-mailbox';

const userEvent = userEventLib.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

const ALEX: MailAccountView = { ...account('1', 'alex@gmail.test'), displayName: 'Alex' };
const FOLDERS: FolderRow[] = [{ id: '11', accountId: '1', providerId: 'INBOX', name: 'INBOX', role: 'inbox', kind: 'system' }];
// What the server sends for a newsletter: its remote image held back in data-remote-src.
const NEWSLETTER = '<p>Spring sale</p><img data-remote-src="https://news.example/banner.png" alt="banner">';

function mailbox() {
  return new MailHost(
    [ALEX],
    FOLDERS,
    [{ id: '100', accountId: '1', subject: 'Spring sale' }],
    [
      {
        id: '1',
        threadRowId: '100',
        accountId: '1',
        date: '2026-03-01T10:00:00.000Z',
        read: true,
        starred: false,
        folderIds: ['INBOX'],
        to: [{ name: 'Alex', address: 'alex@gmail.test' }],
        html: NEWSLETTER,
      },
    ],
  );
}

const drawer = () => screen.getByTestId('mail-compose-form');

async function openQuote(button: 'Reply' | 'Forward') {
  await userEvent.click(await screen.findByTestId('mail-thread-row', {}, { timeout: 5000 }));
  const [card] = await screen.findAllByTestId('mail-message', {}, { timeout: 5000 });
  await userEvent.click(await within(card).findByRole('button', { name: new RegExp(`(^|\\s)${button}$`) }));
  await screen.findByTestId('mail-compose-form');
  await userEvent.click(within(drawer()).getByTestId('mail-compose-quote-toggle'));
  return within(drawer()).getByTestId('mail-compose-quote-frame') as HTMLIFrameElement;
}

describe('the quoted original under a reply or forward', () => {
  it.each(['Reply', 'Forward'] as const)('%s: holds back remote images like the reader, behind the same "Show images" choice', async (button) => {
    const host = mailbox();
    renderMailbox(host);
    const frame = await openQuote(button);
    expect(frame.getAttribute('sandbox')).not.toMatch(/allow-scripts/);
    const blocked = frame.getAttribute('srcdoc') ?? '';
    expect(blocked).toContain('data-remote-src="https://news.example/banner.png"');
    expect(blocked).not.toContain(' src="https://news.example');
    // The frame's own policy allows no remote image either.
    expect(blocked).toMatch(/img-src [^;]*data:;/);
    expect(host.urls.filter((u) => u.startsWith('mailMessages:compose')).every((u) => !u.includes('allowRemoteImages'))).toBe(true);

    await userEvent.click(within(drawer()).getByTestId('mail-compose-quote-show-remote-images'));
    await waitFor(() => expect((within(drawer()).getByTestId('mail-compose-quote-frame') as HTMLIFrameElement).getAttribute('srcdoc')).toContain('src="https://news.example/banner.png"'));
    expect((within(drawer()).getByTestId('mail-compose-quote-frame') as HTMLIFrameElement).getAttribute('srcdoc')).toMatch(/img-src [^;]* https: http:/);
    expect(within(drawer()).queryByTestId('mail-compose-quote-remote-images-bar')).toBeNull();
    expect(host.urls.filter((u) => u.startsWith('mailMessages:compose') && u.includes('allowRemoteImages=1'))).toHaveLength(1);
  });
});
