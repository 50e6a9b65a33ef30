import { summarizeThread, type ThreadMessageFacts } from '../thread-summary';

function fact(overrides: Partial<ThreadMessageFacts>): ThreadMessageFacts {
  return {
    date: new Date('2025-01-01T00:00:00Z'),
    subject: 'Hello',
    snippet: '',
    read: true,
    starred: false,
    hasAttachments: false,
    folderIds: [],
    from: null,
    to: [],
    cc: [],
    ...overrides,
  };
}

describe('thread row summary', () => {
  it('names the thread by its first message and previews its latest', () => {
    const s = summarizeThread([
      fact({ date: new Date('2025-01-03T00:00:00Z'), subject: 'Re: Plan', snippet: 'latest' }),
      fact({ date: new Date('2025-01-01T00:00:00Z'), subject: 'Plan', snippet: 'first' }),
    ]);
    expect(s).toMatchObject({ subject: 'Plan', snippet: 'latest', messageCount: 2 });
    expect(s.lastMessageAt?.toISOString()).toBe('2025-01-03T00:00:00.000Z');
  });

  it('counts unread messages and carries star, attachment and folder flags of any message', () => {
    const s = summarizeThread([
      fact({ read: false, folderIds: ['INBOX'] }),
      fact({ read: false, starred: true, folderIds: ['SENT', 'INBOX'] }),
      fact({ hasAttachments: true }),
    ]);
    expect(s).toMatchObject({ unreadCount: 2, starred: true, hasAttachments: true, folderIds: ['INBOX', 'SENT'] });
  });

  it('shows a conversation whose messages are all trashed only in the trash, as Gmail does though they keep INBOX', () => {
    const trashed = summarizeThread([fact({ folderIds: ['INBOX', 'TRASH', 'Label_1'] }), fact({ folderIds: ['SENT', 'TRASH'] })]);
    expect(trashed.folderIds).toEqual(['TRASH']);
    const partly = summarizeThread([fact({ folderIds: ['INBOX', 'TRASH'] }), fact({ folderIds: ['INBOX'] }), fact({ folderIds: ['SPAM', 'INBOX'] })]);
    expect(partly.folderIds).toEqual(['INBOX', 'SPAM', 'TRASH']);
  });

  it('lists each person once, case-insensitively, senders first', () => {
    const s = summarizeThread([
      fact({ date: new Date(1), from: { address: 'Ann@X.test' }, to: [{ address: 'bob@y.test', name: 'Bob' }] }),
      fact({ date: new Date(2), from: { address: 'bob@Y.test' }, to: [{ address: 'ann@x.test', name: 'Ann' }] }),
    ]);
    expect(s.participants).toEqual([
      { address: 'ann@x.test', name: 'Ann' },
      { address: 'bob@y.test', name: 'Bob' },
    ]);
  });
});
