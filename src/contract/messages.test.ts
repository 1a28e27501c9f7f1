import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../lib/messages.ts';
import { messageCodes } from './messages.ts';

const locale = (language: string) =>
  JSON.parse(readFileSync(new URL(`../web/src/locales/${language}.json`, import.meta.url), 'utf8')) as {
    server: Record<string, string>;
  };

/** Every text of a locale file, by its dotted key. */
function texts(tree: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    if (typeof value === 'string') out.set(`${prefix}${key}`, value);
    else for (const entry of texts(value, `${prefix}${key}.`)) out.set(...entry);
  }
  return out;
}
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]).sort();

describe('the UI texts', () => {
  it('says everything in both languages, with the same placeholders', () => {
    const fr = texts(locale('fr'));
    const en = texts(locale('en'));
    expect([...fr.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of fr) {
      // Empty only where both are (a check that has no "warn" state, say).
      expect(text === '', key).toBe(en.get(key) === '');
      expect(placeholders(text), key).toEqual(placeholders(en.get(key)!));
    }
  });
});

describe('server messages', () => {
  it('has a text for every code the server sends, in French and in English', () => {
    for (const language of ['fr', 'en']) {
      const server = locale(language).server;
      expect(Object.keys(server).sort(), language).toEqual([...messageCodes].sort());
      for (const code of messageCodes) expect(server[code], `${language}: ${code}`).not.toBe('');
    }
  });

  it('round-trips a stored message and reads the English sentences stored before codes', () => {
    expect(decodeMessage(encodeMessage('zoom_processing_files', { files: 'M4A, MP4' }))).toEqual({
      code: 'zoom_processing_files',
      params: { files: 'M4A, MP4' },
    });
    expect(decodeMessage('host_not_linked')).toEqual({ code: 'host_not_linked' });
    expect(decodeMessage('discovered by webhook')).toEqual({ code: 'discovered_via_webhook' });
    expect(decodeMessage('Zoom is still processing MP4')).toEqual({
      code: 'zoom_processing_files',
      params: { files: 'MP4' },
    });
    expect(decodeMessage('retention: older than 90 days')).toEqual({
      code: 'erased_by_retention',
      params: { days: 90 },
    });
    expect(decodeMessage('something else')).toEqual({
      code: 'legacy_text',
      params: { text: 'something else' },
    });
    expect(decodeMessage(null)).toBeNull();
    expect(
      decodeMessage('Zoom listed 2 meeting(s) Callport could not read, skipped: a@x: bad | b@x: bad'),
    ).toEqual({ code: 'sweep_meetings_unreadable', params: { count: 2, detail: 'a@x: bad | b@x: bad' } });
    expect(
      decodeMessage(
        'Zoom refused to renew access (Zoom /oauth/token: Invalid Token!). An admin must reconnect Zoom.',
      ),
    ).toEqual({ code: 'zoom_refresh_refused', params: { error: 'Zoom /oauth/token: Invalid Token!' } });
  });
});
