/** `/me` (and `/users/{id|upn}`): the signed-in user's profile, with proxyAddresses on `$select`. */
import type { Router } from '../../core';
import { json } from '../http-util';
import type { Mailbox } from '../mailbox';
import type { MicrosoftState } from '../state';
import { mailboxRoute, option } from './context';
import { parseSelect } from './message-json';

const DEFAULT_USER_PROPERTIES = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];
const USER_PROPERTIES = new Set([...DEFAULT_USER_PROPERTIES, 'proxyAddresses', 'otherMails', 'accountEnabled', 'mailNickname']);

export function userJson(mailbox: Mailbox): Record<string, unknown> {
  const { user } = mailbox;
  const [givenName, ...rest] = user.displayName.split(' ');
  return {
    businessPhones: [],
    displayName: user.displayName,
    givenName: givenName ?? null,
    jobTitle: null,
    mail: user.address,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: rest.join(' ') || null,
    userPrincipalName: user.address,
    id: user.id,
    // Primary SMTP address in upper case, aliases in lower case, as Exchange reports them.
    proxyAddresses: [`SMTP:${user.address}`, ...user.aliases.map((alias) => `smtp:${alias}`)],
    otherMails: [],
    accountEnabled: true,
    mailNickname: user.address.split('@')[0],
  };
}

export function registerMeRoutes(router: Router, state: MicrosoftState): void {
  mailboxRoute(router, state, 'GET', '', 'user', (ctx) => {
    const select = parseSelect(option(ctx.req, 'select'), USER_PROPERTIES, 'microsoft.graph.user');
    const full = userJson(ctx.mailbox);
    const names = select ?? DEFAULT_USER_PROPERTIES;
    const body: Record<string, unknown> = { '@odata.context': `${ctx.base}/v1.0/$metadata#users/$entity` };
    for (const name of names) body[name] = full[name];
    return json(200, body);
  });
}
