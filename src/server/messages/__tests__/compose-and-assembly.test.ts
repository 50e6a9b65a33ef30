import type { UserFacingError } from '../../http/errors';
import { composeDraft, fromChoices, linkQuoteImages, originalFromRow, preferredFrom, resolveFrom, type OriginalMessage, type WriterIdentity } from '../compose-draft';
import type { NormalizedMessage } from '../../providers/types';
import { assembleBody, assembleOutgoing, imagesOfQuote, referencedContentIds, withAnswerHeaders } from '../outgoing-assembly';

const alex: WriterIdentity = {
  address: 'alex@example.com',
  displayName: 'Alex Example',
  aliases: [{ address: 'alex@example.com' }, { name: 'Alex (Sales)', address: 'sales@example.com' }],
};

function original(overrides: Partial<OriginalMessage> = {}): OriginalMessage {
  return {
    id: '41',
    accountId: '7',
    threadRowId: '9',
    providerId: 'p-41',
    providerThreadId: 't-9',
    internetMessageId: '<m41@example.net>',
    inReplyTo: '<m40@example.net>',
    references: ['<m39@example.net>', '<m40@example.net>'],
    subject: 'RE: Budget 2025',
    from: { name: 'Robin', address: 'robin@example.net' },
    to: [{ address: 'alex@example.com' }, { name: 'Casey', address: 'casey@example.net' }],
    cc: [{ name: 'Sales', address: 'SALES@example.com' }, { address: 'dana@example.net' }],
    bcc: [],
    replyTo: [],
    date: new Date('2025-03-04T10:00:00Z'),
    text: 'Numbers attached.\nSee the chart.',
    html: '<p onclick="x()">Numbers attached.</p><img src="cid:chart@local"><script>alert(1)</script>',
    draft: false,
    ...overrides,
  };
}

describe('the compose form', () => {
  it('offers the account address first, then its aliases, once each', () => {
    expect(fromChoices(alex)).toEqual([
      { name: 'Alex Example', address: 'alex@example.com' },
      { name: 'Alex (Sales)', address: 'sales@example.com' },
    ]);
  });

  it('starts a new message empty, from the account address', () => {
    const draft = composeDraft({ accountId: '7', mode: 'new', identity: alex, original: null });
    expect(draft).toEqual({
      accountId: '7',
      mode: 'new',
      originalId: null,
      fromChoices: fromChoices(alex),
      from: { name: 'Alex Example', address: 'alex@example.com' },
      to: [],
      cc: [],
      subject: '',
      quotedHtml: '',
      quotedRemoteImagesBlocked: 0,
      forwardAttachments: [],
    });
  });

  it('replies to the sender with one "Re:" and the original quoted, without its script', () => {
    const draft = composeDraft({ accountId: '7', mode: 'reply', identity: alex, original: original() });
    expect(draft.to).toEqual([{ name: 'Robin', address: 'robin@example.net' }]);
    expect(draft.cc).toEqual([]);
    expect(draft.subject).toBe('Re: Budget 2025');
    expect(draft.originalId).toBe('41');
    expect(draft.quotedHtml).toContain('Robin &lt;robin@example.net&gt; wrote:');
    expect(draft.quotedHtml).toContain('Numbers attached.');
    expect(draft.quotedHtml).not.toMatch(/script|onclick/);
  });

  it.each(['reply', 'forward'] as const)('%s: the quote the form shows holds back remote images and backgrounds (as the reader does) until asked for them', (mode) => {
    const html =
      '<p style="background:url(//cdn.example/bg.png)">Sale</p><img src="https://cdn.example/hero.png"><img srcset="http:\\\\cdn.example/a.png 2x"><table background="/\\cdn.example/t.png"><tr><td>x</td></tr></table>';
    const shown = composeDraft({ accountId: '7', mode, identity: alex, original: original({ html }) });
    expect(shown.quotedHtml).not.toMatch(/\ssrc="https?:|\ssrcset=|\sbackground=|url\(/);
    expect(shown.quotedHtml).toContain('data-remote-src="https://cdn.example/hero.png"');
    expect(shown.quotedRemoteImagesBlocked).toBe(4);
    const withImages = composeDraft({ accountId: '7', mode, identity: alex, original: original({ html }), allowRemoteImages: true });
    expect(withImages.quotedHtml).toContain('src="https://cdn.example/hero.png"');
    expect(withImages.quotedHtml).toContain('srcset="http://cdn.example/a.png 2x"');
    expect(withImages.quotedRemoteImagesBlocked).toBe(0);
  });

  it('quotes an original too large to sanitize quickly from its text instead', () => {
    const huge = `<p>${'word '.repeat(150_000)}</p>`;
    const draft = composeDraft({ accountId: '7', mode: 'reply', identity: alex, original: original({ html: huge, text: 'The short text part.' }) });
    expect(draft.quotedHtml).toContain('The short text part.');
    expect(draft.quotedHtml.length).toBeLessThan(2000);
  });

  it('replies to Reply-To when the original has one', () => {
    const draft = composeDraft({ accountId: '7', mode: 'reply', identity: alex, original: original({ replyTo: [{ address: 'list@example.net' }] }) });
    expect(draft.to).toEqual([{ name: null, address: 'list@example.net' }]);
  });

  it('replies to all without the account address or its aliases, in any letter case', () => {
    const draft = composeDraft({ accountId: '7', mode: 'replyAll', identity: alex, original: original() });
    expect(draft.to.map((a) => a.address)).toEqual(['robin@example.net', 'casey@example.net']);
    expect(draft.cc.map((a) => a.address)).toEqual(['dana@example.net']);
  });

  it('answers from the alias the original was addressed to', () => {
    const onlyToSales = original({ to: [{ address: 'Sales@Example.com' }], cc: [] });
    expect(preferredFrom(fromChoices(alex), onlyToSales).address).toBe('sales@example.com');
    expect(composeDraft({ accountId: '7', mode: 'reply', identity: alex, original: original() }).from.address).toBe('alex@example.com');
  });

  it('forwards with "Fwd:", nobody filled in, and the original files except the images its quote shows', () => {
    const draft = composeDraft({
      accountId: '7',
      mode: 'forward',
      identity: alex,
      original: original(),
      attachments: [
        { id: '1', filename: 'budget.xlsx', contentType: 'application/vnd.ms-excel', size: 1200, contentId: null },
        { id: '2', filename: 'chart.png', contentType: 'image/png', size: 300, contentId: '<chart@local>' },
        { id: '3', filename: 'logo.png', contentType: 'image/png', size: 100, contentId: 'logo@local' },
      ],
    });
    expect(draft.to).toEqual([]);
    expect(draft.subject).toBe('Fwd: Budget 2025');
    expect(draft.quotedHtml).toContain('---------- Forwarded message ---------');
    expect(draft.forwardAttachments.map((a) => a.id)).toEqual(['1', '3']);
  });

  it('shows the raster images of the quote through links, and leaves other cid references alone', () => {
    const html = '<img src="cid:Chart@Local" alt="c"><img src="cid:doc@local"><img src="cid:missing@local">';
    const shown = linkQuoteImages(
      html,
      [
        { id: '2', contentId: '<chart@local>', contentType: 'image/png' },
        { id: '3', contentId: 'doc@local', contentType: 'image/svg+xml' },
      ],
      (id) => `/api/mailAttachments:inline?filterByTk=${id}&signature=s`,
    );
    expect(shown).toBe('<img src="/api/mailAttachments:inline?filterByTk=2&amp;signature=s" alt="c"><img src="cid:doc@local"><img src="cid:missing@local">');
    expect(linkQuoteImages(html, [], () => 'x')).toBe(html);
  });

  it('sends only as the account or one of its aliases', () => {
    const choices = fromChoices(alex);
    expect(resolveFrom(null, choices).address).toBe('alex@example.com');
    expect(resolveFrom('SALES@example.com', choices)).toEqual({ name: 'Alex (Sales)', address: 'sales@example.com' });
    let refused: UserFacingError | null = null;
    try {
      resolveFrom('boss@example.com', choices);
    } catch (e) {
      refused = e as UserFacingError;
    }
    expect(refused).toMatchObject({ status: 400, code: 'FROM_NOT_ALLOWED', field: 'from' });
    expect(refused?.message).toBe('This account cannot send as boss@example.com. Send from alex@example.com or sales@example.com.');
  });

  it('reads the original from its row on every dialect (JSON as text, booleans as numbers)', () => {
    const parsed = originalFromRow({
      id: 41,
      accountId: 7,
      threadRowId: 9,
      providerId: 'p-41',
      providerThreadId: 't-9',
      internetMessageId: '<m41@example.net>',
      inReplyTo: null,
      references: '["<m39@example.net>"]',
      subject: 'Hi',
      fromAddress: 'robin@example.net',
      fromName: 'Robin',
      to: '[{"address":"alex@example.com"}]',
      cc: null,
      bcc: [],
      replyTo: '[]',
      date: '2025-03-04T10:00:00.000Z',
      text: 'x',
      html: null,
      draft: 0,
    });
    expect(parsed).toMatchObject({ id: '41', accountId: '7', threadRowId: '9', references: ['<m39@example.net>'], from: { name: 'Robin', address: 'robin@example.net' }, to: [{ address: 'alex@example.com' }], cc: [], draft: false });
    expect(parsed.date.toISOString()).toBe('2025-03-04T10:00:00.000Z');
  });
});

describe('assembling the outgoing message', () => {
  it('sanitizes what the writer typed but keeps its formatting, then appends the quote', () => {
    const body = assembleBody(
      '<p style="color:red" onmouseover="steal()"><b>Hello</b> <a href="javascript:alert(1)">x</a> <a href="https://example.com">site</a></p><script>alert(1)</script><img src="https://example.com/a.png">',
      { html: '<div class="nm-quote">quoted</div>', text: 'On …, Robin wrote:\n> quoted' },
    );
    expect(body.html).toContain('<b>Hello</b>');
    expect(body.html).toContain('style="color: red"');
    expect(body.html).toContain('href="https://example.com"');
    expect(body.html).toContain('src="https://example.com/a.png"');
    expect(body.html).not.toMatch(/script|onmouseover|javascript:/);
    expect(body.html.endsWith('<br><div class="nm-quote">quoted</div>')).toBe(true);
    expect(body.text).toBe('Hello x site\n\nOn …, Robin wrote:\n> quoted');
  });

  it('sends the writer\'s text alone when there is no quote', () => {
    expect(assembleBody('<p>Only this</p>', null)).toEqual({ html: '<p>Only this</p>', text: 'Only this' });
  });

  it('finds the cid images a quote shows, whatever their letter case or brackets', () => {
    expect([...referencedContentIds('<img src="cid:Chart@Local"><img src=\'cid:%3Clogo%40x%3E\'><img src="https://x/y.png">')]).toEqual(['chart@local', 'logo@x']);
    const files = [
      { id: 'a', contentId: '<chart@local>' },
      { id: 'b', contentId: null },
      { id: 'c', contentId: 'other@local' },
    ];
    expect(imagesOfQuote(files, '<img src="cid:chart@local">').map((f) => f.id)).toEqual(['a']);
    expect(imagesOfQuote(files, '<p>no images</p>')).toEqual([]);
  });

  it('carries the original\'s ids for threading in an answer, and none in a new message', () => {
    const parts = {
      from: { name: 'Alex Example', address: 'alex@example.com' },
      to: [{ name: 'Robin', address: 'robin@example.net' }],
      cc: [],
      bcc: [{ address: 'hidden@example.net' }],
      subject: 'Re: Budget 2025',
      body: { html: '<p>Yes</p>', text: 'Yes' },
      attachments: [],
      original: original(),
    };
    const reply = assembleOutgoing({ ...parts, mode: 'reply' });
    expect(reply).toMatchObject({
      mode: 'reply',
      from: { name: 'Alex Example', address: 'alex@example.com' },
      bcc: [{ address: 'hidden@example.net' }],
      html: '<p>Yes</p>',
      text: 'Yes',
      original: { providerId: 'p-41', threadId: 't-9', internetMessageId: '<m41@example.net>', references: ['<m39@example.net>', '<m40@example.net>'], subject: 'RE: Budget 2025' },
    });
    expect(assembleOutgoing({ ...parts, mode: 'new' }).original).toBeUndefined();
  });

  it("fills In-Reply-To and References into a sent answer's copy when the provider reports none (Outlook sent items)", () => {
    const parts = { from: { address: 'alex@example.com' }, to: [{ address: 'robin@example.net' }], cc: [], bcc: [], subject: 'Re: x', body: { html: '', text: '' }, attachments: [], original: original() };
    const copy = { providerId: 's1', threadId: 't-9', references: [], inReplyTo: null } as unknown as NormalizedMessage;
    expect(withAnswerHeaders(copy, assembleOutgoing({ ...parts, mode: 'reply' }))).toMatchObject({
      inReplyTo: '<m41@example.net>',
      references: ['<m39@example.net>', '<m40@example.net>', '<m41@example.net>'],
    });
    // What the provider reported stays; a new message or a forward answers nothing.
    const reported = { ...copy, inReplyTo: '<other@x>', references: ['<other@x>'] } as NormalizedMessage;
    expect(withAnswerHeaders(reported, assembleOutgoing({ ...parts, mode: 'replyAll' }))).toBe(reported);
    expect(withAnswerHeaders(copy, assembleOutgoing({ ...parts, mode: 'forward' }))).toBe(copy);
    expect(withAnswerHeaders(copy, assembleOutgoing({ ...parts, mode: 'new' }))).toBe(copy);
  });
});
