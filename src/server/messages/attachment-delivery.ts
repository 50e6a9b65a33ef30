/**
 * Serving an attachment's bytes: from the disk cache when it has them,
 * otherwise from the provider (once per attachment even when several requests
 * arrive together), within the size limit an administrator set.
 */
import type { Readable } from 'node:stream';
import type { Database } from '@nocobase/database';
import type { AccountService } from '../accounts/account-service';
import { UserFacingError } from '../http/errors';
import { isProviderError } from '../providers/errors';
import type { AttachmentCache } from './attachment-cache';
import { downloadHeaders } from './download-headers';
import type { Raw } from './visibility';

const MB = 1024 * 1024;

export interface Delivery {
  headers: Record<string, string>;
  body: Buffer | Readable;
}

export interface DeliveryOptions {
  wantInline: boolean;
  maxAgeSeconds?: number;
}

function megabytes(bytes: number): string {
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
}

export function tooLarge(size: number, limitMb: number): UserFacingError {
  return new UserFacingError(
    413,
    'ATTACHMENT_TOO_LARGE',
    `This attachment is ${megabytes(size)}, larger than the ${limitMb} MB download limit set in Email settings. Open it in Gmail or Outlook instead, or ask an administrator to raise the limit.`,
  );
}

/** Provider failures, told the way a person reading mail can act on them. */
export function fetchFailure(e: unknown): UserFacingError {
  if (e instanceof UserFacingError) return e;
  if (isProviderError(e)) {
    switch (e.code) {
      case 'REAUTH_REQUIRED':
        return new UserFacingError(409, 'REAUTH_REQUIRED', 'Access to this mailbox has to be renewed before attachments can be downloaded. Reconnect the account under Accounts.');
      case 'NOT_FOUND':
        return new UserFacingError(404, 'ATTACHMENT_GONE', 'This attachment is no longer in the mailbox: the message may have been deleted there.');
      case 'RATE_LIMITED':
        return new UserFacingError(429, 'RATE_LIMITED', 'The mail provider asked us to slow down. Try the download again in a minute.');
      default:
        return new UserFacingError(502, 'PROVIDER_UNAVAILABLE', 'The mail provider could not be reached to fetch this attachment. Try again in a moment.');
    }
  }
  return new UserFacingError(502, 'PROVIDER_UNAVAILABLE', 'The attachment could not be fetched from the mail provider. Try again in a moment.');
}

export class AttachmentDelivery {
  private readonly inFlight = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly db: Database,
    private readonly cache: AttachmentCache,
    private readonly accounts: () => AccountService,
    private readonly limitMb: () => Promise<number>,
  ) {}

  async deliver(attachment: Raw, options: DeliveryOptions): Promise<Delivery> {
    const limitMb = await this.limitMb();
    const limit = limitMb * MB;
    const declared = Number(attachment.size ?? 0);
    // Refuse before spending provider quota on something we would not serve.
    if (declared > limit) throw tooLarge(declared, limitMb);

    const headersFor = (size: number) =>
      downloadHeaders({ filename: attachment.filename as string, contentType: attachment.contentType as string, wantInline: options.wantInline, size, maxAgeSeconds: options.maxAgeSeconds });

    const cachedPath = attachment.cachePath as string | null;
    const cachedSize = await this.cache.sizeOf(cachedPath);
    if (cachedPath && cachedSize !== null) {
      if (cachedSize > limit) throw tooLarge(cachedSize, limitMb);
      return { headers: headersFor(cachedSize), body: this.cache.open(cachedPath) };
    }

    const bytes = await this.fetchOnce(attachment);
    if (bytes.length > limit) throw tooLarge(bytes.length, limitMb);
    return { headers: headersFor(bytes.length), body: bytes };
  }

  /**
   * The whole file, from the cache or else the provider (e.g. to forward it).
   * No download limit here: whoever sends it checks the sending limit.
   */
  async content(attachment: Raw): Promise<Buffer> {
    const cachedPath = attachment.cachePath as string | null;
    if (cachedPath && (await this.cache.sizeOf(cachedPath)) !== null) {
      try {
        return await this.cache.read(cachedPath);
      } catch {
        // removed meanwhile: fetch it again
      }
    }
    return this.fetchOnce(attachment);
  }

  private fetchOnce(attachment: Raw): Promise<Buffer> {
    const key = String(attachment.id);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetchAndCache(attachment).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async fetchAndCache(attachment: Raw): Promise<Buffer> {
    const message = (await this.db.getModel('mailMessages').findOne({ where: { id: attachment.messageRowId }, attributes: ['providerId'], raw: true })) as unknown as Raw | null;
    if (!message) throw new UserFacingError(404, 'ATTACHMENT_NOT_FOUND', 'This attachment does not exist or was deleted.');
    let bytes: Buffer;
    try {
      const mailbox = await this.accounts().mailboxFor(attachment.accountId as string);
      bytes = await mailbox.getAttachment(String(message.providerId), String(attachment.providerAttachmentId));
    } catch (e) {
      throw fetchFailure(e);
    }
    // Caching is an optimisation: a full disk must not fail the download.
    try {
      const relative = await this.cache.write(attachment.accountId as string, attachment.id as string, bytes);
      await this.db.getModel('mailAttachments').update({ cachePath: relative }, { where: { id: attachment.id } });
    } catch {
      // served uncached
    }
    return bytes;
  }
}
