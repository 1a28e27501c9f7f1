import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';
import { isZoomDownloadUrl, signWebhook } from '../zoom/index.ts';

// A signed recording.completed is data from outside: a file whose download_url is not on a Zoom
// download host must never receive the organisation's Zoom token.

let bed: ZoomTestBed;
let capture: http.Server;
let captureUrl: string;
const captured: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
const emma = 'emma.dubois@acme.example';

beforeAll(async () => {
  capture = http.createServer((request, response) => {
    captured.push({ url: request.url ?? '', headers: request.headers });
    response.writeHead(200, { 'content-type': 'video/mp4' }).end(Buffer.alloc(2048, 1));
  });
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
  captureUrl = `http://127.0.0.1:${(capture.address() as AddressInfo).port}`;
  bed = await startZoomTestBed({ env: { SWEEP_INTERVAL_MINUTES: '60' } });
  await bed.followGuide([{ email: emma, name: 'Emma Dubois' }]);
  // Emma's backfill is listed before the test records a meeting only its forged webhook announces.
  await bed.waitForFirstImports();
  bed.recordEverythingToCloud();
});
afterAll(async () => {
  await bed?.stop();
  await new Promise((resolve) => capture?.close(resolve));
});

describe('download hosts', () => {
  it('accepts Zoom and the configured hosts only', () => {
    const configured = ['http://127.0.0.1:9090/v2', 'http://localhost:9091'];
    for (const url of [
      'https://zoom.us/rec/download/abc',
      'https://us06web.zoom.us/rec/download/abc',
      'https://ZOOMGOV.com/rec/download/abc',
      'https://api.zoomgov.com/rec/download/abc',
      'http://127.0.0.1:9090/rec/download/abc',
      'http://localhost:9091/rec/webhook_download/abc/n',
    ])
      expect(isZoomDownloadUrl(url, configured), url).toBe(true);
    for (const url of [
      'http://zoom.us/rec/download/abc',
      'https://zoom.us.evil.example/rec/download/abc',
      'https://evilzoom.us/rec/download/abc',
      'https://user:pass@zoom.us/rec/download/abc',
      'http://127.0.0.1:9091/rec/download/abc',
      'https://127.0.0.1:9090/rec/download/abc',
      'ftp://zoom.us/x',
      'not a url',
    ])
      expect(isZoomDownloadUrl(url, configured), url).toBe(false);
  });

  it('never sends the token to a foreign download_url of a signed webhook, and says why', async () => {
    const importRuns = async (outcome: string) => {
      const metrics = await (await fetch(`${bed.callportUrl}/metrics`)).text();
      return Number(
        new RegExp(`^callport_imports_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0,
      );
    };
    const [retriesBefore, failedBefore] = [await importRuns('retry'), await importRuns('failed')];
    bed.emulator.control.setWebhooks({ enabled: false });
    const meeting = await bed.recordMeeting({ hostEmail: emma, topic: 'Fichier piégé' });
    bed.emulator.control.setWebhooks({ enabled: true });
    const original = bed.emulator.control
      .webhookLog()
      .find((delivery) => delivery.event === 'recording.completed' && delivery.body.includes(meeting.uuid));
    expect(original).toBeDefined();
    const body = JSON.parse(original!.body);
    const files = body.payload.object.recording_files as Array<Record<string, unknown>>;
    // The files Zoom lists keep their ids (the import's API re-read corrects their URLs); an extra one
    // only this webhook names points at the capture server.
    for (const file of files) file.download_url = `${captureUrl}/rec/download/${String(file.id)}`;
    files.push({ ...files[0], id: 'forged-file', download_url: `${captureUrl}/rec/download/forged` });
    const forged = JSON.stringify({ ...body, event_ts: Date.now() });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const delivered = await fetch(`${bed.callportUrl}/webhooks/zoom`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-zm-request-timestamp': timestamp,
        'x-zm-signature': signWebhook(bed.zoomApp.webhookSecretToken!, timestamp, forged),
      },
      body: forged,
    });
    expect(delivered.status).toBe(200);

    const imported = async () => {
      const overview = (await bed.admin.request('GET', '/api/integrations/zoom/imports')).json() as {
        recordings: Array<{
          meetingUuid: string;
          status: string;
          reason: { code: string; params?: { error?: string } } | null;
        }>;
      };
      return overview.recordings.find((recording) => recording.meetingUuid === meeting.uuid);
    };
    await expect.poll(async () => (await imported())?.status, { timeout: 30_000 }).toBe('failed');
    const reason = (await imported())?.reason;
    expect(reason?.code).toBe('import_failed');
    expect(reason?.params?.error).toContain(`not a Zoom download host`);
    expect(reason?.params?.error).toContain(new URL(captureUrl).host);
    expect(captured.filter((request) => request.headers.authorization !== undefined)).toEqual([]);
    expect(bed.app.logs.join('')).toContain('recording import failed and will not be retried');
    // One run, one outcome: the refused import is a failure, not also a retry.
    expect({
      retry: (await importRuns('retry')) - retriesBefore,
      failed: (await importRuns('failed')) - failedBefore,
    }).toEqual({
      retry: 0,
      failed: 1,
    });
  });
});
