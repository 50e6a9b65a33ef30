/** Helpers for the mail-reading tests, from the shared server-test support. */
export { withEnv } from '../../../__tests__/support/env';
export { mailPluginOf } from '../../../__tests__/support/test-app';
import type { TestApp } from '../../../__tests__/support/test-app';

export type Agent = ReturnType<TestApp['agent']>;
type Request = ReturnType<Agent['get']>;

/** The response body as bytes, whatever its content type (downloads, inline images). */
export function binary(req: Request): Request {
  return req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  }) as Request;
}
