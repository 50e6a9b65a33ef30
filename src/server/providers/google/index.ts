export { createGoogleProvider, type GoogleProviderOptions } from './provider';
export type { GoogleAccountContext, GmailMethod, ScheduleFn } from './session';
export { GMAIL_SCOPES } from './oauth';
export { API_NOT_ENABLED_MESSAGE } from './errors';
