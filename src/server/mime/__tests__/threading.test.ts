import {
  buildReferences,
  forwardSubject,
  normalizeSubject,
  quoteForForward,
  quoteForReply,
  replyRecipients,
  replySubject,
  threadKeyFor,
} from '../threading';
import { extractMessageIds, normalizeMessageId } from '../message-id';

describe('subjects', () => {
  it.each([
    ['Re: Re: Lunch', 'Lunch'],
    ['RE: AW: Re: Lunch', 'Lunch'],
    ['Fwd: FW: Lunch', 'Lunch'],
    ['SV: VS: Lunch', 'Lunch'],
    ['Réf. : Lunch', 'Lunch'],
    ['RE : Réunion', 'Réunion'],
    ['Réf: Lunch', 'Lunch'],
    ['TR: RE: Réunion', 'Réunion'],
    ['Re[2]: Lunch', 'Lunch'],
    ['Re(3):Lunch', 'Lunch'],
    ['回复：转发: 会议', '会议'],
    ['R: I: Riunione', 'Riunione'],
    ['Antw: Doorst: vergadering', 'vergadering'],
    ['[dev-list] Re: Re: build broken', '[dev-list] build broken'],
    ['  Re:   spaced    out  ', 'spaced out'],
    ['Recipe: cake', 'Recipe: cake'],
    ['Regarding the offer', 'Regarding the offer'],
    ['', ''],
  ])('normalizeSubject(%j) → %j', (input, expected) => {
    expect(normalizeSubject(input)).toBe(expected);
  });

  it('never stacks reply or forward prefixes', () => {
    expect(replySubject('Re: RE: AW: Angebot')).toBe('Re: Angebot');
    expect(replySubject('Angebot')).toBe('Re: Angebot');
    expect(forwardSubject('Fwd: Re: Angebot')).toBe('Fwd: Angebot');
    expect(replySubject(null)).toBe('Re:');
  });
});

describe('message ids', () => {
  it('normalizes brackets, folding and bare ids', () => {
    expect(normalizeMessageId(' abc@x ')).toBe('<abc@x>');
    expect(normalizeMessageId('<abc@x>')).toBe('<abc@x>');
    expect(extractMessageIds('<a@x>\r\n <b@\r\n x> c@y')).toEqual(['<a@x>', '<b@x>']);
    expect(extractMessageIds('a@x b@y')).toEqual(['<a@x>', '<b@y>']);
    expect(extractMessageIds(['<a@x>', '<b@y> <c@z>'])).toEqual(['<a@x>', '<b@y>', '<c@z>']);
    expect(normalizeMessageId('   ')).toBeNull();
  });
});

describe('buildReferences', () => {
  it("appends the original's Message-ID to its References, without duplicates", () => {
    expect(buildReferences({ internetMessageId: '<c@x>', references: ['<a@x>', '<b@x>', '<a@x>'] })).toEqual(['<a@x>', '<b@x>', '<c@x>']);
    expect(buildReferences({ internetMessageId: '<b@x>', references: ['<a@x>', '<b@x>'] })).toEqual(['<a@x>', '<b@x>']);
  });

  it('falls back to In-Reply-To when the original has no References (RFC 5322 §3.6.4)', () => {
    expect(buildReferences({ internetMessageId: 'c@x', references: [], inReplyTo: '<b@x>' })).toEqual(['<b@x>', '<c@x>']);
  });

  it('keeps the root and the newest ids when bounding', () => {
    const refs = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    const out = buildReferences({ internetMessageId: '<last@x>', references: refs }, 5);
    expect(out).toEqual(['<m0@x>', '<m27@x>', '<m28@x>', '<m29@x>', '<last@x>']);
  });
});

describe('replyRecipients', () => {
  const me = { address: 'Zoe@Fabrikam.com', aliases: ['zoe.unal@fabrikam.com', { address: 'sales@fabrikam.com', name: 'Sales' }] };
  const original = {
    from: { name: 'Jürgen', address: 'juergen@contoso.de' },
    to: [{ address: 'zoe@fabrikam.com' }, { name: 'Ana', address: 'ana@fabrikam.com.br' }, { address: 'SALES@fabrikam.com' }],
    cc: [{ name: 'Team', address: 'team@contoso.de' }, { address: 'Ana@Fabrikam.com.br' }, { address: 'zoe.unal@FABRIKAM.com' }],
    replyTo: [],
  };

  it('reply goes to the sender only', () => {
    expect(replyRecipients(original, me, 'reply')).toEqual({ to: [{ name: 'Jürgen', address: 'juergen@contoso.de' }], cc: [] });
  });

  it('reply honours Reply-To', () => {
    const r = replyRecipients({ ...original, replyTo: [{ name: 'Sales desk', address: 'desk@contoso.de' }] }, me, 'reply');
    expect(r.to).toEqual([{ name: 'Sales desk', address: 'desk@contoso.de' }]);
  });

  it('reply all adds To and Cc, minus my address and aliases, deduplicated case-insensitively', () => {
    expect(replyRecipients(original, me, 'replyAll')).toEqual({
      to: [
        { name: 'Jürgen', address: 'juergen@contoso.de' },
        { name: 'Ana', address: 'ana@fabrikam.com.br' },
      ],
      cc: [{ name: 'Team', address: 'team@contoso.de' }],
    });
  });

  it('answering my own sent message goes to its recipients, not to me', () => {
    const sent = { from: { address: 'zoe@fabrikam.com' }, to: [{ address: 'ana@fabrikam.com.br' }], cc: [{ address: 'team@contoso.de' }], replyTo: [] };
    expect(replyRecipients(sent, me, 'reply')).toEqual({ to: [{ address: 'ana@fabrikam.com.br' }], cc: [] });
    expect(replyRecipients(sent, me, 'replyAll')).toEqual({ to: [{ address: 'ana@fabrikam.com.br' }], cc: [{ address: 'team@contoso.de' }] });
  });

  it('a note to myself is answered to myself', () => {
    const note = { from: { address: 'zoe@fabrikam.com' }, to: [{ address: 'zoe@fabrikam.com' }], cc: [], replyTo: [] };
    expect(replyRecipients(note, me, 'replyAll')).toEqual({ to: [{ address: 'zoe@fabrikam.com' }], cc: [] });
  });
});

describe('quoting', () => {
  const when = new Date('2024-03-04T17:12:31Z');

  it('quotes text with "> " and an attribution line', () => {
    const q = quoteForReply({ from: { name: 'Jürgen Müller', address: 'juergen@contoso.de' }, date: when, text: 'Hallo\n> earlier\n\nGruß' });
    expect(q.text).toBe('On Mon, Mar 4, 2024, 5:12 PM UTC, Jürgen Müller <juergen@contoso.de> wrote:\n> Hallo\n>> earlier\n>\n> Gruß');
  });

  it('quotes HTML in a blockquote with the original made safe', () => {
    const q = quoteForReply({
      from: { name: '<script>x</script>', address: 'evil@example.com' },
      date: when,
      html: '<html><head><style>body{display:none}</style></head><body><p onclick="x()">Hi <img src="https://t.example/p.gif"></p><script>alert(1)</script></body></html>',
    });
    expect(q.html).toContain('<blockquote');
    expect(q.html).toContain('&lt;script&gt;x&lt;/script&gt; &lt;evil@example.com&gt; wrote:');
    expect(q.html).not.toMatch(/<script|onclick|<style/i);
    expect(q.html).toContain('<p>Hi <img src="https://t.example/p.gif" /></p>');
    expect(q.text).toContain('> Hi');
  });

  it('localizes the attribution when asked', () => {
    const q = quoteForReply(
      { from: { address: 'a@b.de' }, date: when, text: 'x' },
      { locale: 'de-DE', timeZone: 'Europe/Berlin', attribution: (d, who) => `Am ${d} schrieb ${who}:` },
    );
    expect(q.text.split('\n')[0]).toMatch(/^Am Mo\., 4\. März 2024, 18:12 MEZ schrieb a@b\.de:$/);
  });

  it('forwards with a header block', () => {
    const f = quoteForForward({
      from: { name: 'Ana', address: 'ana@x.br' },
      to: [{ address: 'zoe@fabrikam.com' }],
      cc: [{ name: 'T', address: 't@x.br' }],
      date: when,
      subject: 'Orçamento',
      text: 'Segue.',
    });
    expect(f.text).toBe(
      '---------- Forwarded message ---------\nFrom: Ana <ana@x.br>\nDate: Mon, Mar 4, 2024, 5:12 PM UTC\nSubject: Orçamento\nTo: zoe@fabrikam.com\nCc: T <t@x.br>\n\nSegue.',
    );
    expect(f.html).toContain('Subject: Orçamento<br>');
  });
});

describe('threadKeyFor', () => {
  it('gives a root message and every reply the same key, however much of the chain they carry', () => {
    const root = { internetMessageId: '<root@x>', references: [], subject: 'Plan', to: [], cc: [] };
    const reply = { internetMessageId: '<r1@y>', inReplyTo: '<root@x>', references: ['<root@x>'], subject: 'Re: Plan', to: [], cc: [] };
    const deep = { internetMessageId: '<r3@y>', inReplyTo: '<r2@x>', references: ['<root@x>', '<r1@y>', '<r2@x>'], subject: 'RE: Plan', to: [], cc: [] };
    const onlyInReplyTo = { internetMessageId: '<r1b@z>', inReplyTo: '<root@x>', references: [], subject: 'Re: Plan', to: [], cc: [] };
    const key = threadKeyFor(root);
    expect(key).toBe('msgid:<root@x>');
    expect(threadKeyFor(reply)).toBe(key);
    expect(threadKeyFor(deep)).toBe(key);
    expect(threadKeyFor(onlyInReplyTo)).toBe(key);
  });

  it('without any ids, groups by normalized subject and the same people', () => {
    const a = { internetMessageId: null, references: [], subject: 'Plan', from: { address: 'A@x.com' }, to: [{ address: 'b@y.com' }], cc: [] };
    const b = { internetMessageId: null, references: [], subject: 'Re: Plan', from: { address: 'b@y.com' }, to: [{ address: 'a@x.com' }], cc: [] };
    const other = { ...b, to: [{ address: 'c@z.com' }] };
    expect(threadKeyFor(a)).toMatch(/^subject:[0-9a-f]{32}$/);
    expect(threadKeyFor(b)).toBe(threadKeyFor(a));
    expect(threadKeyFor(other)).not.toBe(threadKeyFor(a));
  });
});
