import { safeReturnPath } from '../return-path';

const APP = 'https://app.example';

/** Where a browser on a page of the app would end up if it followed the value. */
function landsOn(value: string): string {
  return new URL(value, `${APP}/admin/settings/mail/oauth2`).origin;
}

describe('the OAuth return path only leads back into the app', () => {
  it.each([
    '/admin/mail',
    '/admin/mail?tab=accounts',
    '/admin/crm/customers/42?view=emails#thread-9',
    '/admin/search?q=hello%20world',
    '/apps/sub/admin/mail',
    '/admin/%E4%B8%AD%E6%96%87',
  ])('keeps the same-app path %s', (value) => {
    expect(safeReturnPath(value)).toBe(value);
    expect(landsOn(value)).toBe(APP);
  });

  it.each([
    // Another host written as a path.
    '//evil.test/x',
    '///evil.test/x',
    '/\\evil.test/x',
    '\\\\evil.test/x',
    '\\/evil.test/x',
    // Control characters and whitespace the browser drops or folds.
    '/\t/evil.test/x',
    '/\n/evil.test/x',
    '/\r/evil.test/x',
    '/\u0000/evil.test',
    '/ /evil.test',
    '/\u00a0/evil.test',
    '/\u2028/evil.test',
    // The same, percent-encoded (once or twice).
    '/%2F/evil.test/x',
    '/%2f%2fevil.test',
    '/%5Cevil.test',
    '/%5cevil.test',
    '/%09/evil.test/x',
    '/%0A/evil.test',
    '/%0d/evil.test',
    '/%00/evil.test',
    '/%252F/evil.test',
    '/%25252f%25252fevil.test',
    '/%E2%80%A8/evil.test',
    // Broken encodings and queries with control characters.
    '/admin/%E0%A4%A',
    '/admin/%',
    '/admin?next=%0D%0ALocation:%20//evil.test',
    '/admin?x=\\y',
    // Not a path at all.
    'javascript:alert(1)',
    ' javascript:alert(1)',
    'JavaScript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'https://evil.test/',
    'http:/evil.test',
    'http:\\\\evil.test',
    'evil.test',
    'admin/mail',
    '',
    `/${'a'.repeat(2001)}`,
  ])('refuses %j', (value) => {
    expect(safeReturnPath(value)).toBeNull();
  });

  it.each([null, undefined, 42, ['/admin'], { path: '/admin' }, true])('refuses a non-string %j', (value) => {
    expect(safeReturnPath(value)).toBeNull();
  });
});
