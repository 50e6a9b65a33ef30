/** Helpers for the mail-reading tests, from the shared server-test support. */
export { withEnv } from '../../../__tests__/support/env';
export { mailPluginOf } from '../../../__tests__/support/test-app';
