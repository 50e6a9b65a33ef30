export { createMicrosoftProvider, aliasesFrom, type MicrosoftProviderOptions, type MicrosoftAccountContext } from './provider';
export type { ScheduleFn } from './graph-client';
export { GRAPH_SCOPES } from './constants';
export { MAILBOX_NOT_ENABLED_MESSAGE, toProviderError as toMicrosoftProviderError } from './errors';
export { authorizationCallbackError } from './callback';
