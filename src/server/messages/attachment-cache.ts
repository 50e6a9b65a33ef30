/**
 * Attachment bytes kept on disk after the first download, one directory per
 * mail account (so deleting an account can drop its files in one go). The
 * database row stores the path relative to the cache root.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// Row ids are integers or snowflake strings; anything else never becomes a path.
const SAFE_SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

export class AttachmentCache {
  readonly root: string;

  constructor(storagePath: string) {
    this.root = path.resolve(storagePath, 'mail-attachments');
  }

  /** Relative path for an attachment row; throws on ids that are not plain tokens. */
  relativePath(accountId: string | number, attachmentId: string | number): string {
    const account = String(accountId);
    const attachment = String(attachmentId);
    if (!SAFE_SEGMENT.test(account) || !SAFE_SEGMENT.test(attachment)) throw new Error('Unexpected attachment or account id.');
    return `${account}/${attachment}`;
  }

  /** Absolute path of a stored relative path, or null if it points outside the cache. */
  resolve(relative: string | null | undefined): string | null {
    if (!relative) return null;
    const [account, attachment, ...rest] = relative.split('/');
    if (rest.length || !account || !attachment || !SAFE_SEGMENT.test(account) || !SAFE_SEGMENT.test(attachment)) return null;
    return path.join(this.root, account, attachment);
  }

  /** Size of the cached file, or null when it is not (or no longer) there. */
  async sizeOf(relative: string | null | undefined): Promise<number | null> {
    const file = this.resolve(relative);
    if (!file) return null;
    try {
      const stat = await fs.promises.stat(file);
      return stat.isFile() ? stat.size : null;
    } catch {
      return null;
    }
  }

  open(relative: string): fs.ReadStream {
    const file = this.resolve(relative);
    if (!file) throw new Error('Not a cache path.');
    return fs.createReadStream(file);
  }

  read(relative: string): Promise<Buffer> {
    const file = this.resolve(relative);
    if (!file) throw new Error('Not a cache path.');
    return fs.promises.readFile(file);
  }

  /** Writes atomically (temp file + rename) so a concurrent reader never sees half a file. */
  async write(accountId: string | number, attachmentId: string | number, bytes: Buffer): Promise<string> {
    const relative = this.relativePath(accountId, attachmentId);
    const file = path.join(this.root, relative);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}.part`;
    await fs.promises.writeFile(temp, bytes, { mode: 0o600 });
    await fs.promises.rename(temp, file);
    return relative;
  }

  /** Removes every cached file of an account (call when the account is deleted). */
  async removeAccount(accountId: string | number): Promise<void> {
    const account = String(accountId);
    if (!SAFE_SEGMENT.test(account)) return;
    await fs.promises.rm(path.join(this.root, account), { recursive: true, force: true });
  }
}
