import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline (19 MiB, 2 iterations, 1 lane).
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

// Verified against when the e-mail is unknown, so a sign-in takes as long whether or not the account exists.
let decoyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    decoyHash ??= hashPassword('callport-decoy-password');
    await verify(await decoyHash, password).catch(() => false);
    return false;
  }
  // A stored hash argon2 cannot read refuses the sign-in as a wrong password would; the account is not
  // locked out for good, an admin's password reset writes a new hash.
  return verify(passwordHash, password).catch(() => false);
}
