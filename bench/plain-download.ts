/**
 * The machine's limit for the throughput section, in its own process like Callport's importer:
 * `node bin/run-ts.js bench/plain-download.ts <job.json>` downloads every URL with plain `fetch`
 * (Bearer token, redirects followed) and the given concurrency, and prints `{ bytes, seconds, cpuSeconds }`
 * as JSON (cpuSeconds: its own CPU from the first request to the last byte).
 * job.json: `{ urls: string[], token: string, concurrency: number, saveTo?: string }`. With `saveTo`,
 * each file is written there (what `curl -O` does: no hashing, no database); without, the bytes are
 * only drained (the network limit).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { saveResponseBody } from './save-response.ts';

const job = JSON.parse(await fs.readFile(process.argv[2]!, 'utf8')) as {
  urls: string[];
  token: string;
  concurrency: number;
  saveTo?: string;
};
let next = 0;
let bytes = 0;
const started = performance.now();
const cpuStarted = process.cpuUsage();
await Promise.all(
  Array.from({ length: job.concurrency }, async () => {
    while (next < job.urls.length) {
      const index = next++;
      const url = job.urls[index]!;
      const response = await fetch(url, { headers: { authorization: `Bearer ${job.token}` } });
      if (!response.ok || !response.body) throw new Error(`${url}: ${response.status}`);
      if (job.saveTo) {
        await saveResponseBody(response.body, path.join(job.saveTo, `file-${index}`), (count) => {
          bytes += count;
        });
        continue;
      }
      const reader = response.body.getReader();
      for (let part = await reader.read(); !part.done; part = await reader.read())
        bytes += part.value.byteLength;
    }
  }),
);
const cpu = process.cpuUsage(cpuStarted);
console.log(
  JSON.stringify({
    bytes,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  }),
);
