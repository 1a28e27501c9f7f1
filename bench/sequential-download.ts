/**
 * What teams run instead of Callport: the common open-source Zoom recording downloaders (a Python
 * script that lists the account's users, then each user's cloud recordings one month window at a
 * time, then saves file after file). Same steps here, in their own process, one request at a time:
 * `node bin/run-ts.js bench/sequential-download.ts <job.json>` prints
 * `{ bytes, files, requests, seconds, cpuSeconds }` as JSON. No hashing, no database.
 * job.json: `{ apiUrl, token, from, to, fileTypes, saveTo, meetings? }` (dates YYYY-MM-DD; `meetings`:
 * download only these meeting UUIDs, the rest is listed and left, as a tool run over a range would
 * skip what it saved before).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { saveResponseBody } from './save-response.ts';

type Job = {
  apiUrl: string;
  token: string;
  from: string;
  to: string;
  fileTypes: string[];
  saveTo: string;
  meetings?: string[];
};
type Listed = {
  uuid: string;
  recording_files?: Array<{ id?: string; file_type?: string; download_url?: string; status?: string }>;
};

const job = JSON.parse(await fs.readFile(process.argv[2]!, 'utf8')) as Job;
const headers = { authorization: `Bearer ${job.token}` };
const wanted = job.meetings ? new Set(job.meetings) : undefined;
let requests = 0;

async function getJson<T>(url: string): Promise<T> {
  requests++;
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Every page of a listing, following next_page_token. */
async function* pages<T>(url: string, key: string): AsyncGenerator<T> {
  let token = '';
  do {
    const page = await getJson<Record<string, unknown>>(
      `${url}${url.includes('?') ? '&' : '?'}page_size=300${token ? `&next_page_token=${token}` : ''}`,
    );
    for (const item of (page[key] as T[] | undefined) ?? []) yield item;
    token = String(page.next_page_token ?? '');
  } while (token);
}

/** Month-long windows from `from` to `to` (Zoom lists at most a month per request). */
function monthWindows(from: string, to: string): Array<[string, string]> {
  const windows: Array<[string, string]> = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let start = Date.parse(`${from}T00:00:00Z`); start <= end; start += 30 * 86_400_000) {
    const windowEnd = Math.min(end, start + 29 * 86_400_000);
    windows.push([
      new Date(start).toISOString().slice(0, 10),
      new Date(windowEnd).toISOString().slice(0, 10),
    ]);
  }
  return windows;
}

const started = performance.now();
const cpuStarted = process.cpuUsage();
let bytes = 0;
let files = 0;
for await (const user of pages<{ id: string }>(`${job.apiUrl}/users?status=active`, 'users')) {
  for (const [from, to] of monthWindows(job.from, job.to)) {
    for await (const meeting of pages<Listed>(
      `${job.apiUrl}/users/${encodeURIComponent(user.id)}/recordings?from=${from}&to=${to}`,
      'meetings',
    )) {
      if (wanted && !wanted.has(meeting.uuid)) continue;
      for (const file of meeting.recording_files ?? []) {
        if (!file.download_url || !job.fileTypes.includes(file.file_type ?? '')) continue;
        requests++;
        const response = await fetch(file.download_url, { headers });
        if (!response.ok || !response.body) throw new Error(`${file.download_url}: ${response.status}`);
        await saveResponseBody(
          response.body,
          path.join(job.saveTo, `${files++}-${file.id ?? file.file_type}`),
          (count) => {
            bytes += count;
          },
        );
      }
    }
  }
}
const cpu = process.cpuUsage(cpuStarted);
console.log(
  JSON.stringify({
    bytes,
    files,
    requests,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  }),
);
