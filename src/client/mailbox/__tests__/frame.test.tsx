import { frameDocument, framePolicy } from '../frame-document';
import { folderEntries } from '../folders';
import { senderLine } from '../format';

describe('the message frame document', () => {
  it('blocks scripts, forms and remote images by its own policy until remote content is allowed', () => {
    const blocked = framePolicy({ origin: 'https://crm.example', allowRemoteContent: false });
    expect(blocked).toContain("script-src 'none'");
    expect(blocked).toContain("form-action 'none'");
    expect(blocked).toContain('img-src https://crm.example data:;');
    expect(blocked).not.toMatch(/https: http:/);
    expect(framePolicy({ origin: 'https://crm.example', allowRemoteContent: true })).toContain('img-src https://crm.example data: https: http:');
  });

  it('wraps the sanitized HTML without letting it end the policy early', () => {
    const doc = frameDocument('<p>hi</p>', { origin: 'https://a.example"><script>', allowRemoteContent: false });
    expect(doc).toContain('<div class="nm-frame-root"><p>hi</p></div>');
    expect(doc).not.toContain('"><script>');
    expect(doc.indexOf('Content-Security-Policy')).toBeLessThan(doc.indexOf('<p>hi</p>'));
  });
});

describe('folder pane entries', () => {
  it('merges a role across accounts and keeps Gmail categories out of the labels', () => {
    const { roles, labels } = folderEntries([
      { id: '1', accountId: 'a', providerId: 'INBOX', name: 'Inbox', role: 'inbox', kind: 'system', unreadCount: 2, totalCount: 5 },
      { id: '2', accountId: 'b', providerId: 'AAMk', name: 'Inbox', role: 'inbox', kind: 'folder', unreadCount: 3, totalCount: 5 },
      { id: '3', accountId: 'a', providerId: 'CATEGORY_SOCIAL', name: 'Social', role: 'custom', kind: 'system', unreadCount: 9, totalCount: 9 },
      { id: '4', accountId: 'b', providerId: 'x', name: 'Projects', role: 'custom', kind: 'folder', unreadCount: 0, totalCount: 1 },
    ]);
    expect(roles.map((r) => [r.key, r.unread])).toEqual([
      ['role:inbox', 5],
      ['all', 0],
    ]);
    expect(labels.map((l) => l.label)).toEqual(['Projects']);
  });
});

describe('sender line', () => {
  it('names one sender in full, several by first name, and the reader as "me"', () => {
    const own = new Set(['alex@gmail.test']);
    expect(senderLine([{ name: 'Carla Ruiz', address: 'c@x' }], own, 'me')).toBe('Carla Ruiz');
    expect(senderLine([{ name: 'Carla Ruiz', address: 'c@x' }, { address: 'ALEX@gmail.test' }, { address: 'bo@y' }], own, 'me')).toBe('Carla, me, bo');
  });
});
