import { UserFacingError } from '../../http/errors';
import { checkAttachmentTotal, checkProviderFileSizes, decodeUploads, encodeUploads, isSendableAddress, parseSendRequest, safeFilename } from '../send-request';

const base = { accountId: '7', mode: 'new', to: [{ address: 'robin@example.com' }], subject: 'Hello', html: '<p>Hi</p>', clientRequestId: 'c-1' };

function refusal(fn: () => unknown): UserFacingError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserFacingError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('checking a send request', () => {
  it('accepts a plain new message and fills the defaults', () => {
    expect(parseSendRequest(base)).toEqual({
      accountId: '7',
      mode: 'new',
      originalId: null,
      from: null,
      to: [{ address: 'robin@example.com' }],
      cc: [],
      bcc: [],
      subject: 'Hello',
      html: '<p>Hi</p>',
      includeQuote: true,
      uploads: [],
      forwardAttachmentIds: [],
      clientRequestId: 'c-1',
    });
  });

  it('keeps recipient names, drops names that only repeat the address, and strips line breaks from names and subject', () => {
    const parsed = parseSendRequest({
      ...base,
      to: [{ name: 'Robin\r\nBcc: evil@example.com', address: ' robin@example.com ' }],
      cc: [{ name: 'casey@example.com', address: 'casey@example.com' }],
      subject: 'Line\r\nBcc: x@example.com',
    });
    expect(parsed.to).toEqual([{ name: 'Robin Bcc: evil@example.com', address: 'robin@example.com' }]);
    expect(parsed.cc).toEqual([{ address: 'casey@example.com' }]);
    expect(parsed.subject).toBe('Line Bcc: x@example.com');
  });

  it('allows an empty subject and an empty body', () => {
    const parsed = parseSendRequest({ ...base, subject: '', html: undefined });
    expect(parsed.subject).toBe('');
    expect(parsed.html).toBe('');
  });

  it('needs at least one recipient in To, Cc or Bcc', () => {
    const e = refusal(() => parseSendRequest({ ...base, to: [] }));
    expect(e).toMatchObject({ status: 400, code: 'NO_RECIPIENTS', field: 'to', message: 'Add at least one recipient in To, Cc or Bcc.' });
    expect(parseSendRequest({ ...base, to: [], bcc: [{ address: 'hidden@example.com' }] }).bcc).toHaveLength(1);
  });

  it('names the field and the addresses that are not valid', () => {
    const cc = refusal(() => parseSendRequest({ ...base, cc: [{ address: 'casey@' }] }));
    expect(cc).toMatchObject({ status: 400, code: 'INVALID_ADDRESS', field: 'cc', message: '"casey@" in Cc is not a valid email address. Correct or remove it.' });
    const bcc = refusal(() => parseSendRequest({ ...base, bcc: [{ address: 'a b@example.com' }, { address: 'Robin <r@example.com>' }, { address: '' }, { address: 'x@localhost' }] }));
    expect(bcc.field).toBe('bcc');
    expect(bcc.message).toBe('"a b@example.com", "Robin <r@example.com>", "" and 1 more in Bcc are not valid email addresses. Correct or remove them.');
  });

  it('tells which address syntax is sendable', () => {
    for (const ok of ['a@example.com', 'first.last+tag@sub.example.co.uk', 'ünïcode@bücher.example', 'x@xn--bcher-kva.example']) expect(isSendableAddress(ok), ok).toBe(true);
    for (const bad of ['', 'a', 'a@', '@example.com', 'a@b', 'a@@example.com', 'a@example..com', '"a"@example.com', 'a@[127.0.0.1]', '.a@example.com', `${'a'.repeat(250)}@example.com`]) {
      expect(isSendableAddress(bad), bad).toBe(false);
    }
  });

  it('needs the message answered for a reply, reply all or forward', () => {
    expect(refusal(() => parseSendRequest({ ...base, mode: 'reply' }))).toMatchObject({ code: 'ORIGINAL_REQUIRED', field: 'originalId' });
    expect(parseSendRequest({ ...base, mode: 'forward', originalId: 12 }).originalId).toBe('12');
    // A new message answers nothing, whatever the form sent along.
    expect(parseSendRequest({ ...base, originalId: '12' }).originalId).toBeNull();
  });

  it('refuses unknown modes, missing accounts and client request ids', () => {
    expect(refusal(() => parseSendRequest({ ...base, mode: 'bounce' }))).toMatchObject({ code: 'INVALID_MODE', field: 'mode' });
    expect(refusal(() => parseSendRequest({ ...base, accountId: 'abc' }))).toMatchObject({ code: 'ACCOUNT_REQUIRED', field: 'accountId' });
    expect(refusal(() => parseSendRequest({ ...base, clientRequestId: '' }))).toMatchObject({ code: 'CLIENT_REQUEST_ID_REQUIRED' });
    expect(refusal(() => parseSendRequest({ ...base, clientRequestId: 'a/b' }))).toMatchObject({ code: 'CLIENT_REQUEST_ID_REQUIRED' });
    expect(refusal(() => parseSendRequest(null))).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('checks the From address syntax (whether the account may use it is checked with the account)', () => {
    expect(parseSendRequest({ ...base, from: 'alias@example.com' }).from).toBe('alias@example.com');
    expect(refusal(() => parseSendRequest({ ...base, from: 'not an address' }))).toMatchObject({ code: 'INVALID_FROM', field: 'from' });
  });

  it('decodes uploaded files, also from data URLs, and makes their names harmless', () => {
    const parsed = parseSendRequest({
      ...base,
      attachments: [
        { filename: '../../etc/passwd', contentType: 'text/plain', contentBase64: Buffer.from('one').toString('base64') },
        { filename: 'pic.png', contentType: 'image/png; evil', contentBase64: `data:image/png;base64,${Buffer.from('two').toString('base64')}` },
      ],
    });
    expect(parsed.uploads.map((u) => [u.filename, u.contentType, u.content.toString()])).toEqual([
      ['passwd', 'text/plain', 'one'],
      ['pic.png', 'application/octet-stream', 'two'],
    ]);
    expect(refusal(() => parseSendRequest({ ...base, attachments: [{ filename: 'x.txt', contentBase64: 'not base64!' }] }))).toMatchObject({
      code: 'INVALID_ATTACHMENT',
      message: '"x.txt" did not arrive intact (its content is not base64). Attach it again.',
    });
    expect(safeFilename('\u0000..\\hidden')).toBe('hidden');
    expect(safeFilename('')).toBe('attachment');
  });

  it('forwards original files only in a forward', () => {
    expect(parseSendRequest({ ...base, mode: 'forward', originalId: '3', forwardAttachmentIds: ['5', 5, '6'] }).forwardAttachmentIds).toEqual(['5', '6']);
    expect(refusal(() => parseSendRequest({ ...base, mode: 'reply', originalId: '3', forwardAttachmentIds: ['5'] }))).toMatchObject({ field: 'forwardAttachmentIds' });
    expect(refusal(() => parseSendRequest({ ...base, mode: 'forward', originalId: '3', forwardAttachmentIds: ['x'] }))).toMatchObject({ field: 'forwardAttachmentIds' });
  });

  it('leaves out the quote only when asked', () => {
    expect(parseSendRequest({ ...base, includeQuote: false }).includeQuote).toBe(false);
    expect(parseSendRequest({ ...base, includeQuote: undefined }).includeQuote).toBe(true);
  });

  it('keeps uploads for the outbox as the form sent them', () => {
    const files = [{ filename: 'a.bin', contentType: 'application/octet-stream', content: Buffer.from([0, 1, 2, 255]) }];
    expect(decodeUploads(encodeUploads(files))).toEqual(files);
    expect(decodeUploads(null)).toEqual([]);
  });
});

describe('attachment size limits', () => {
  const MB = 1024 * 1024;

  it('answers 413 naming the limit when the files add up to more', () => {
    expect(() => checkAttachmentTotal([{ size: 10 * MB }, { size: 15 * MB }], 25)).not.toThrow();
    const e = refusal(() => checkAttachmentTotal([{ size: 20 * MB }, { size: 6 * MB }], 25));
    expect(e).toMatchObject({ status: 413, code: 'ATTACHMENTS_TOO_LARGE', field: 'attachments' });
    expect(e.message).toBe('The attachments add up to 26.0 MB, more than the 25 MB limit set in Email settings. Remove some files, or share large ones as links.');
  });

  it('stops Outlook files over 3 MB before sending, and lets Gmail take them', () => {
    const files = [{ filename: 'big.pdf', size: 4 * MB }];
    expect(() => checkProviderFileSizes('google', files)).not.toThrow();
    expect(refusal(() => checkProviderFileSizes('microsoft', files))).toMatchObject({ status: 413, code: 'ATTACHMENT_TOO_LARGE_FOR_PROVIDER' });
  });
});
