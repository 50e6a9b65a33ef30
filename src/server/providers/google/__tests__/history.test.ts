import type { gmail_v1 } from '@googleapis/gmail';
import { digestHistory } from '../history';

const msg = (id: string) => ({ message: { id } });

describe('Gmail history digest', () => {
  it('reports each message once with its final fate', () => {
    const records: gmail_v1.Schema$History[] = [
      { id: '1', messagesAdded: [msg('a')] },
      { id: '2', labelsAdded: [{ ...msg('a'), labelIds: ['STARRED'] }] },
      { id: '3', labelsRemoved: [{ ...msg('b'), labelIds: ['UNREAD'] }] },
      { id: '4', labelsAdded: [{ ...msg('b'), labelIds: ['IMPORTANT'] }] },
      { id: '5', messagesDeleted: [msg('c')] },
    ];
    expect(digestHistory(records)).toEqual({ added: ['a'], changed: ['b'], deleted: ['c'] });
  });

  it('reports a message added then deleted inside the window only as deleted', () => {
    const records: gmail_v1.Schema$History[] = [
      { id: '1', messagesAdded: [msg('x')] },
      { id: '2', labelsAdded: [{ ...msg('x'), labelIds: ['STARRED'] }] },
      { id: '3', messagesDeleted: [msg('x')] },
    ];
    expect(digestHistory(records)).toEqual({ added: [], changed: [], deleted: ['x'] });
  });

  it('reports a label change followed by deletion as a deletion', () => {
    const records: gmail_v1.Schema$History[] = [
      { id: '1', labelsRemoved: [{ ...msg('y'), labelIds: ['INBOX'] }] },
      { id: '2', messagesDeleted: [msg('y')] },
    ];
    expect(digestHistory(records)).toEqual({ added: [], changed: [], deleted: ['y'] });
  });
});
