import { domainOf, normalizeAddress, participantsOf } from '../participants';

describe('normalizeAddress', () => {
  it.each([
    ['Alice@Example.COM', 'alice@example.com'],
    ['  bob@example.com  ', 'bob@example.com'],
    ['"Müller, Jürgen" <Juergen.Mueller@Contoso.DE>', 'juergen.mueller@contoso.de'],
    ['Jürgen <juergen@contoso.de>', 'juergen@contoso.de'],
    ['<x@y.org>', 'x@y.org'],
    ['mailto:Sales@Example.com?subject=Hi', 'sales@example.com'],
    ["'quoted@example.com'", 'quoted@example.com'],
    ['first.last+tag@sub.example.co.uk', 'first.last+tag@sub.example.co.uk'],
    ['user@xn--mnchen-3ya.de', 'user@münchen.de'],
    ['user@MÜNCHEN.de', 'user@münchen.de'],
    ['用户@例子.中国', '用户@例子.中国'],
    ['copy@paste.com;', 'copy@paste.com'],
    ['"john doe"@example.com', '"john doe"@example.com'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });

  it.each([
    [''],
    ['not an address'],
    ['@example.com'],
    ['user@'],
    ['two@at@example.com'],
    ['spaces in@example.com'],
    ['dots..twice@example.com'],
    ['.lead@example.com'],
    ['user@-bad-.com'],
    ['user@exa mple.com'],
    [`${'a'.repeat(250)}@example.com`],
    [null],
    [undefined],
  ])('%j is rejected', (input) => {
    expect(normalizeAddress(input as string | null | undefined)).toBeNull();
  });

  it('accepts MailAddress objects', () => {
    expect(normalizeAddress({ name: 'Ana', address: 'Ana@Fabrikam.com.br' })).toBe('ana@fabrikam.com.br');
  });
});

describe('domainOf', () => {
  it('gives the normalized domain, or null', () => {
    expect(domainOf('Ana Lima <ana@Mail.Fabrikam.com.br>')).toBe('mail.fabrikam.com.br');
    expect(domainOf('nobody')).toBeNull();
  });
});

describe('participantsOf', () => {
  it('lists everyone by role, normalized, deduplicated within a role but not across roles', () => {
    const people = participantsOf({
      from: { name: 'Jürgen Müller', address: 'Juergen@Contoso.de' },
      to: [{ address: 'ana@fabrikam.com.br' }, { name: 'Ana Lima', address: 'ANA@fabrikam.com.br' }, { name: 'Broken', address: 'not-an-address' }],
      cc: [{ name: 'Jürgen', address: 'juergen@contoso.de' }],
      bcc: [],
      replyTo: [{ address: 'sales@contoso.de' }],
    });
    expect(people).toEqual([
      { role: 'from', address: 'juergen@contoso.de', domain: 'contoso.de', name: 'Jürgen Müller' },
      { role: 'to', address: 'ana@fabrikam.com.br', domain: 'fabrikam.com.br', name: 'Ana Lima' },
      { role: 'cc', address: 'juergen@contoso.de', domain: 'contoso.de', name: 'Jürgen' },
      { role: 'replyTo', address: 'sales@contoso.de', domain: 'contoso.de' },
    ]);
  });

  it('copes with a message without a sender', () => {
    expect(participantsOf({ from: null, to: [], cc: [], bcc: [{ address: 'x@y.z' }], replyTo: [] })).toEqual([{ role: 'bcc', address: 'x@y.z', domain: 'y.z' }]);
  });
});
