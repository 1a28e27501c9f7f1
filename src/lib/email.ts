/**
 * An e-mail as Callport compares it: without surrounding spaces, in lower case. Zoom and people type
 * the same address in different cases; accounts keep the address as typed and are looked up this way.
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
