/**
 * Encrypts secrets (client secrets, OAuth tokens) with the app's AES key before
 * they reach the database. The host's AesEncryptor holds the key; this wrapper
 * only adds a version prefix so a stored value is recognisable as ciphertext.
 */
export interface Encryptor {
  encrypt(text: string): Promise<string>;
  decrypt(text: string): Promise<string>;
}

const PREFIX = 'enc:v1:';

export class SecretBox {
  constructor(private readonly encryptor: Encryptor) {}

  async seal(plain: string): Promise<string> {
    return PREFIX + (await this.encryptor.encrypt(plain));
  }

  async open(sealed: string | null | undefined): Promise<string | null> {
    if (!sealed) return null;
    if (!sealed.startsWith(PREFIX)) {
      throw new Error('Stored secret is not in the expected encrypted format.');
    }
    return this.encryptor.decrypt(sealed.slice(PREFIX.length));
  }

  async sealJson(value: unknown): Promise<string> {
    return this.seal(JSON.stringify(value));
  }

  async openJson<T>(sealed: string | null | undefined): Promise<T | null> {
    const plain = await this.open(sealed);
    return plain === null ? null : (JSON.parse(plain) as T);
  }
}
