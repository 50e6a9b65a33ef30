export const PACKAGE_NAME = '@nocomail/plugin-email-manager';
/** Settings key: the page lives at /admin/settings/mail and is gated by the `pm.mail` ACL snippet. */
export const SETTINGS_KEY = 'mail';
/** Where Google and Microsoft send the browser back after consent. */
export const OAUTH_CALLBACK_PATH = '/admin/settings/mail/oauth2';
/** The email center: accounts now, mailbox views as they land. */
export const MAIL_CENTER_PATH = '/admin/mail';
