/**
 * An independent Zoom client against the emulator: plain `undici` (Node's own HTTP client project) calls
 * written from Zoom's OpenAPI specs and docs, sharing no code with Callport's Zoom client or wire schemas.
 *
 * Zoom's own SDK runs against the emulator too, in `rivet-sdk.test.ts`.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZoomEmulator } from './index.ts';
import { startTestEmulator, testApp } from './test-helpers.ts';

type ZoomList<K extends string, T> = { next_page_token?: string } & Record<K, T[]>;

class PlainZoomClient {
  constructor(
    private readonly baseUrl: string,
    private readonly accessToken: string,
  ) {}

  async get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const response = await request(url, {
      headers: { authorization: `Bearer ${this.accessToken}`, accept: 'application/json' },
    });
    const body = (await response.body.json()) as T & { code?: number; message?: string };
    if (response.statusCode !== 200)
      throw new Error(`Zoom ${response.statusCode} ${body.code}: ${body.message}`);
    return body;
  }

  /** Follows `next_page_token` until it is empty, as Zoom documents. */
  async all<K extends string, T>(path: string, key: K, query: Record<string, string> = {}): Promise<T[]> {
    const items: T[] = [];
    let token = '';
    do {
      const page: ZoomList<K, T> = await this.get(path, {
        ...query,
        page_size: '3',
        ...(token ? { next_page_token: token } : {}),
      });
      items.push(...page[key]);
      token = page.next_page_token ?? '';
    } while (token);
    return items;
  }
}

describe('An independent client (undici, written from the spec) works against the emulator', () => {
  let emulator: ZoomEmulator;
  let client: PlainZoomClient;
  let accessToken: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    accessToken = emulator.control.installApp(testApp.clientId).access_token;
    client = new PlainZoomClient(emulator.apiUrl, accessToken);
  });
  afterAll(() => emulator.close());

  it('lists users across pages', async () => {
    const users = await client.all<'users', { id?: string; email: string; status: string }>(
      '/users',
      'users',
    );
    expect(users).toHaveLength(10);
    expect(users.every((u) => u.status === 'active' && typeof u.id === 'string')).toBe(true);
    const pending = await client.all<'users', { id?: string; email: string }>('/users', 'users', {
      status: 'pending',
    });
    expect(pending.map((u) => u.email)).toEqual(['ines.simon@acme.example']);
  });

  it('reads account settings', async () => {
    const settings = await client.get<{ recording: { auto_recording: string; cloud_recording: boolean } }>(
      '/accounts/me/settings',
    );
    expect(settings.recording.auto_recording).toBe('none');
    expect(settings.recording.cloud_recording).toBe(true);
  });

  it('lists recordings per user in a one-month UTC window and downloads one', async () => {
    const users = await client.all<'users', { id: string; email: string }>('/users', 'users');
    const found: {
      uuid: string;
      host: string;
      files: { file_type: string; download_url: string; file_size?: number }[];
    }[] = [];
    for (const user of users) {
      const meetings = await client.all<
        'meetings',
        { uuid: string; recording_files: { file_type: string; download_url: string; file_size?: number }[] }
      >(`/users/${user.id}/recordings`, 'meetings', { from: '2026-02-10', to: '2026-03-10' });
      for (const meeting of meetings)
        found.push({ uuid: meeting.uuid, host: user.email, files: meeting.recording_files });
    }
    expect(new Set(found.map((m) => m.host))).toEqual(
      new Set([
        'emma.dubois@acme.example',
        'hugo.thomas@acme.example',
        'camille.martin@acme.example',
        'nathan.durand@acme.example',
      ]),
    );
    const audio = found.flatMap((m) => m.files).find((f) => f.file_type === 'M4A' && f.file_size) as {
      download_url: string;
      file_size: number;
    };
    const redirect = await request(audio.download_url, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(redirect.statusCode).toBe(302);
    await redirect.body.dump();
    // Follow without the Authorization header, as careful clients do (docs/zoom-platform.md §2.4).
    const file = await request(redirect.headers.location as string);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('audio/mp4');
    expect((await file.body.arrayBuffer()).byteLength).toBe(audio.file_size);
  });
});
