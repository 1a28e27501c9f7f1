import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKeyring, rotateKeyFile, SecretBox } from './secret-box.ts';

describe('SecretBox', () => {
  it('seals with AES-256-GCM, refuses tampering, and opens values sealed by an older key', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const sealedOld = new SecretBox([oldKey]).seal('refresh-token-123');
    expect(sealedOld).not.toContain('refresh-token-123');
    const rotated = new SecretBox([newKey, oldKey]);
    expect(rotated.open(sealedOld)).toBe('refresh-token-123');
    expect(rotated.isStale(sealedOld)).toBe(true);
    const resealed = rotated.seal(rotated.open(sealedOld));
    expect(new SecretBox([newKey]).open(resealed)).toBe('refresh-token-123');
    const parts = resealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => rotated.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox([newKey]).open(sealedOld)).toThrow(/unknown key/);
  });

  it('generates an owner-only key file once, and rotates it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-keys-'));
    const first = await loadKeyring({ configured: undefined, dataDir: dir });
    expect((await fs.stat(path.join(dir, 'encryption.key'))).mode & 0o777).toBe(0o600);
    expect(await loadKeyring({ configured: undefined, dataDir: dir })).toEqual(first);
    const rotated = await rotateKeyFile(dir, { dropOld: false });
    expect(rotated).toHaveLength(2);
    expect(rotated[1]).toEqual(first[0]);
    expect(await rotateKeyFile(dir, { dropOld: true })).toEqual([rotated[0]]);
    await fs.rm(dir, { recursive: true });
  });
});
