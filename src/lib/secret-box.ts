import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

type Key = { id: string; bytes: Buffer };

/**
 * Encrypts secrets at rest (Zoom tokens, PKCE verifiers) with AES-256-GCM. A sealed value names the key
 * that sealed it (`v1.<keyId>.<iv>.<tag>.<ciphertext>`), so keys can be rotated: new values use the
 * first key, older values still open with the others until `callport keys rotate` re-seals them.
 */
export class SecretBox {
  readonly #keys: Key[];

  constructor(keys: Buffer[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    this.#keys = keys.map((bytes) => {
      if (bytes.length !== 32) throw new Error('encryption keys must be 32 bytes');
      return { id: createHash('sha256').update(bytes).digest('base64url').slice(0, 8), bytes };
    });
  }

  get currentKeyId(): string {
    return this.#keys[0]!.id;
  }

  seal(plaintext: string): string {
    const key = this.#keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      key.id,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  open(sealed: string): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !keyId || !iv || !tag || ciphertext === undefined)
      throw new Error('not a sealed value');
    const key = this.#keys.find((candidate) => candidate.id === keyId);
    if (!key) throw new Error(`sealed with an unknown key (${keyId}): is CALLPORT_ENCRYPTION_KEY complete?`);
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** True when the value was sealed with an older key and should be re-sealed. */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.currentKeyId;
  }
}

/**
 * Embedded mode's key rotation: a new key goes first in `<dataDir>/encryption.key`, older keys stay
 * below it (to open what they sealed) until `dropOld` after a re-seal.
 */
export async function rotateKeyFile(dataDir: string, options: { dropOld: boolean }): Promise<Buffer[]> {
  const file = path.join(dataDir, 'encryption.key');
  const existing = await loadKeyring({ configured: undefined, dataDir });
  const keys = options.dropOld ? existing.slice(0, 1) : [randomBytes(32), ...existing];
  await fs.writeFile(file, `${keys.map((key) => key.toString('base64')).join('\n')}\n`, { mode: 0o600 });
  return keys;
}

/**
 * The keyring: `CALLPORT_ENCRYPTION_KEY` (comma-separated base64 keys, newest first) when set;
 * otherwise a key generated once into `<dataDir>/encryption.key` with owner-only permissions.
 */
export async function loadKeyring(options: {
  configured: string | undefined;
  dataDir: string;
}): Promise<Buffer[]> {
  if (options.configured) {
    return options.configured.split(',').map((value) => Buffer.from(value.trim(), 'base64'));
  }
  const file = path.join(options.dataDir, 'encryption.key');
  try {
    const text = await fs.readFile(file, 'utf8');
    return text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => Buffer.from(line.trim(), 'base64'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  await fs.writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return [key];
}
