import { formatRecipient, isEmailAddress, mergeEntries, parseRecipient, parseRecipients, splitList, toWireAddresses } from '../addresses';
import { escapeHtml, textToHtml } from '../compose-html';
import { newRequestId } from '../request-id';
import { canReplyAll } from '../respond';
import { formFieldOf } from '../send-request';

describe("the writer's text as HTML", () => {
  it('escapes everything the writer typed, so markup in the text stays text', () => {
    expect(textToHtml(`<script>alert("x")</script> & 'quotes'`)).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>');
    expect(escapeHtml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('makes blank lines paragraphs and single line breaks <br>, whatever the line endings', () => {
    expect(textToHtml('Hi Carla,\r\n\r\nThe numbers:\r\nQ1 up\nQ2 flat\n\n\n\nAlex')).toBe('<p>Hi Carla,</p>\n<p>The numbers:<br>Q1 up<br>Q2 flat</p>\n<p>Alex</p>');
  });

  it('keeps indentation and runs of spaces visible, and drops blank lines at either end', () => {
    expect(textToHtml('\n\n  - one\nA  B\tC\n\n')).toBe('<p>&nbsp;&nbsp;- one<br>A &nbsp;B &nbsp;&nbsp;&nbsp;C</p>');
  });

  it('is empty for an empty or blank text', () => {
    expect(textToHtml('')).toBe('');
    expect(textToHtml(' \n \n')).toBe('');
  });
});

describe('recipients as typed or pasted', () => {
  it('splits on commas, semicolons and line breaks, but not inside quoted names or angle brackets', () => {
    expect(splitList('"Doe, Jo" <jo@d.example>; Bob <bob@x.io>\nx@y.z, partial@')).toEqual({
      complete: ['"Doe, Jo" <jo@d.example>', 'Bob <bob@x.io>', 'x@y.z'],
      rest: ' partial@',
    });
  });

  it('reads names and addresses in the forms mail clients copy them', () => {
    expect(parseRecipients('Carla CFO <cfo@acme.example>, "Doe, Jo" <jo@d.example>, <raw@x.io>, mailto:m@x.io, plain@x.io')).toEqual([
      { name: 'Carla CFO', address: 'cfo@acme.example', valid: true },
      { name: 'Doe, Jo', address: 'jo@d.example', valid: true },
      { name: null, address: 'raw@x.io', valid: true },
      { name: null, address: 'm@x.io', valid: true },
      { name: null, address: 'plain@x.io', valid: true },
    ]);
  });

  it('tells valid addresses from typos', () => {
    for (const ok of ['a@b.co', 'first.last+tag@sub.example.org', 'jörg@müller.de', "o'brien@x.ie"]) expect(isEmailAddress(ok), ok).toBe(true);
    for (const bad of ['bob', 'bob@', '@x.io', 'bob@x', 'bob@x.c', 'bob@@x.io', 'bob x@y.io', '.bob@x.io', 'bo..b@x.io', 'bob@-x.io', 'bob@x.123', 'a,b@x.io']) {
      expect(isEmailAddress(bad), bad).toBe(false);
    }
    expect(parseRecipient('Bob <bob@>').valid).toBe(false);
  });

  it('quotes names that would not parse back, and round-trips them', () => {
    const a = { name: 'Doe, "Jo"', address: 'jo@d.example' };
    expect(formatRecipient(a)).toBe('"Doe, \\"Jo\\"" <jo@d.example>');
    expect(parseRecipient(formatRecipient(a))).toEqual({ ...a, valid: true });
    expect(formatRecipient({ name: 'Carla CFO', address: 'cfo@acme.example' })).toBe('Carla CFO <cfo@acme.example>');
    expect(formatRecipient({ name: null, address: 'x@y.io' })).toBe('x@y.io');
  });

  it('does not add an address twice, whatever its case', () => {
    expect(mergeEntries(['Carla <cfo@acme.example>'], ['CFO@ACME.example', 'bob@x.io', 'Bob <bob@x.io>'])).toEqual(['Carla <cfo@acme.example>', 'bob@x.io']);
    expect(toWireAddresses(['Carla <cfo@acme.example>', 'bob@x.io'])).toEqual([{ name: 'Carla', address: 'cfo@acme.example' }, { address: 'bob@x.io' }]);
  });
});

describe('answering', () => {
  const own = new Set(['alex@gmail.test']);
  const carla = { name: 'Carla', address: 'cfo@acme.example' };
  it('offers Reply all only when it reaches someone besides the sender', () => {
    expect(canReplyAll({ fromAddress: carla.address, to: [{ address: 'alex@gmail.test' }], cc: [] }, own)).toBe(false);
    expect(canReplyAll({ fromAddress: carla.address, to: [{ address: 'ALEX@gmail.test' }], cc: [{ address: 'bob@x.io' }] }, own)).toBe(true);
    // A message the writer sent to one person: Reply reaches them already.
    expect(canReplyAll({ fromAddress: 'alex@gmail.test', to: [carla], cc: [] }, own)).toBe(false);
    expect(canReplyAll({ fromAddress: 'alex@gmail.test', to: [carla, { address: 'bob@x.io' }], cc: [] }, own)).toBe(true);
  });

  it("puts a server refusal on the field it names (the writer's text is the body)", () => {
    expect(formFieldOf('to')).toBe('to');
    expect(formFieldOf('cc[1]')).toBe('cc');
    expect(formFieldOf('html')).toBe('body');
    expect(formFieldOf('attachments')).toBeNull();
    expect(formFieldOf('body')).toBeNull();
    expect(formFieldOf(undefined)).toBeNull();
  });
});

describe('the compose request id', () => {
  const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('is a fresh v4 UUID each time', () => {
    const a = newRequestId();
    expect(a).toMatch(UUID_V4);
    expect(newRequestId()).not.toBe(a);
  });

  it('is still a v4 UUID where randomUUID is missing (plain http is not a secure context)', () => {
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (b: Uint8Array) => real.getRandomValues(b) });
    expect(newRequestId()).toMatch(UUID_V4);
  });
});
