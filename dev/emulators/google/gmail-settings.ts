import { invalidArgument, notFound } from './errors';
import { noContent, ok } from './gmail-messages';
import { USER_PATH, type GmailRoutes } from './routes';
import type { GoogleUser } from './state';

const WATCH_LIFETIME_MS = 7 * 86_400_000;

function sendAs(user: GoogleUser): object[] {
  return [
    { sendAsEmail: user.address, displayName: user.name, replyToAddress: '', signature: '', isPrimary: true, isDefault: true, treatAsAlias: false },
    ...user.mailbox.aliases.map((alias) => ({
      sendAsEmail: alias,
      displayName: user.name,
      replyToAddress: '',
      signature: '',
      isPrimary: false,
      isDefault: false,
      treatAsAlias: true,
      verificationStatus: 'accepted',
    })),
  ];
}

export function registerSettingsRoutes(routes: GmailRoutes): void {
  const P = USER_PATH;

  routes.add('GET', `${P}/profile`, 1, 'read', ({ user }) =>
    ok({
      emailAddress: user.address,
      messagesTotal: user.mailbox.messages.size,
      threadsTotal: user.mailbox.threadCount(),
      historyId: String(user.mailbox.historyId),
    }),
  );

  routes.add('GET', `${P}/settings/sendAs`, 1, 'settings', ({ user }) => ok({ sendAs: sendAs(user) }));
  routes.add('GET', `${P}/settings/sendAs/:email`, 1, 'settings', ({ user }, req) => {
    const match = sendAs(user).find((s) => (s as { sendAsEmail: string }).sendAsEmail === req.params.email.toLowerCase());
    return match ? ok(match) : notFound();
  });

  routes.add('POST', `${P}/watch`, 100, 'read', ({ user }, req) => {
    const body = req.json<{ topicName?: string }>();
    if (!body.topicName || !/^projects\/[^/]+\/topics\/[^/]+$/.test(body.topicName)) return invalidArgument('Invalid topicName');
    return ok({ historyId: String(user.mailbox.historyId), expiration: String(Date.now() + WATCH_LIFETIME_MS) });
  });
  routes.add('POST', `${P}/stop`, 50, 'read', () => noContent());
}
