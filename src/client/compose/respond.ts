/** Which answers a message offers. Pure. */
import type { MailMessageView } from '../mailbox-api';

/**
 * Reply all is worth offering when answering everyone reaches more than one
 * person besides the writer: the sender and the other To / Cc recipients,
 * leaving out the writer's own addresses (a message they sent answers its recipients).
 */
export function canReplyAll(message: Pick<MailMessageView, 'fromAddress' | 'to' | 'cc'>, ownAddresses: ReadonlySet<string>): boolean {
  const people = new Set(
    [message.fromAddress, ...message.to.map((a) => a.address), ...message.cc.map((a) => a.address)]
      .filter((a): a is string => Boolean(a))
      .map((a) => a.toLowerCase())
      .filter((a) => !ownAddresses.has(a)),
  );
  return people.size > 1;
}
