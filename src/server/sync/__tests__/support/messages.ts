/** Hand-made NormalizedMessages for store tests (provider-free). */
import type { NormalizedMessage } from '../../../providers/types';

let seq = 0;

export function message(overrides: Partial<NormalizedMessage> = {}): NormalizedMessage {
  seq += 1;
  const id = overrides.providerId ?? `m${seq}`;
  return {
    providerId: id,
    threadId: overrides.threadId ?? `t-${id}`,
    internetMessageId: `<${id}@example.com>`,
    inReplyTo: null,
    references: [],
    subject: `Subject ${id}`,
    from: { name: 'Alice Example', address: 'Alice@Example.COM' },
    to: [{ name: 'Bob', address: 'bob@acme.test' }],
    cc: [],
    bcc: [],
    replyTo: [],
    date: new Date(Date.UTC(2024, 0, 1) + seq * 60_000),
    snippet: `snippet ${id}`,
    text: `body ${id}`,
    html: `<p>body ${id}</p>`,
    folderIds: ['INBOX'],
    categories: [],
    read: false,
    starred: false,
    draft: false,
    attachments: [],
    ...overrides,
  };
}
