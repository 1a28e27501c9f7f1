import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuideBed, type ZoomTestBed } from '../test-support/zoom.ts';

// Under the guide's settings alone Zoom makes no transcript: "Create audio transcript" is Callport's own
// item of the recording policy. The emulator starts with it off (Zoom's default is unconfirmed).

const emma = { email: 'emma.dubois@acme.example', name: 'Emma Dubois' };
let bed: ZoomTestBed;

type CallDetail = { hasTranscript: boolean; transcriptMissing: string | null; transcript: unknown[] };

async function callNamed(topic: string): Promise<CallDetail | undefined> {
  const list = (await bed.admin.request('GET', '/api/calls?limit=200')).json() as {
    calls: Array<{ id: string; topic: string }>;
  };
  const found = list.calls.find((call) => call.topic === topic);
  return found
    ? ((await bed.admin.request('GET', `/api/calls/${found.id}`)).json() as CallDetail)
    : undefined;
}

beforeAll(async () => {
  bed = await startGuideBed([emma]);
});
afterAll(() => bed?.stop());

describe('transcripts under the recording policy', () => {
  it('lists "Create audio transcript" as Callport\'s own item and turns it on with Apply', async () => {
    // As on a new Zoom account (the emulator's default; Zoom's own is unconfirmed).
    bed.emulator.control.updateAccountSettings({ recording: { recording_audio_transcript: false } });
    expect(bed.emulator.control.getUserSetting(emma.email, 'recording.recording_audio_transcript')).toBe(
      false,
    );
    const policy = (await bed.admin.request('GET', '/api/integrations/zoom/policy')).json() as {
      items: Array<{ id: string; field: string; target: unknown; isBeyondGuide: boolean }>;
    };
    expect(policy.items.find((item) => item.id === 'recording_audio_transcript')).toMatchObject({
      field: 'recording.recording_audio_transcript',
      target: true,
      isBeyondGuide: true,
    });
    expect(policy.items.filter((item) => item.isBeyondGuide).map((item) => item.id)).toEqual([
      'recording_audio_transcript',
    ]);
    const applied = await bed.admin.request('POST', '/api/integrations/zoom/policy/apply');
    expect(applied.statusCode).toBe(200);
    expect(bed.emulator.control.getUserSetting(emma.email, 'recording.recording_audio_transcript')).toBe(
      true,
    );
  });

  it('imports a meeting recorded under the applied policy with its transcript', async () => {
    // The policy records every meeting in the cloud: nobody presses Record.
    const meeting = await bed.recordMeeting({ hostEmail: emma.email, topic: 'Appel avec transcription' });
    expect(meeting.recorded).toBe(true);
    await expect
      .poll(async () => (await callNamed('Appel avec transcription'))?.hasTranscript, { timeout: 30_000 })
      .toBe(true);
    expect((await callNamed('Appel avec transcription'))?.transcriptMissing).toBeNull();
  });

  it('says on the call page why there is no transcript when audio transcript is off', async () => {
    bed.emulator.control.updateAccountSettings({ recording: { recording_audio_transcript: false } });
    // Zoom tells Callport (account.settings_updated): the audit sees the item off policy.
    await expect
      .poll(
        async () => {
          const policy = (await bed.admin.request('GET', '/api/integrations/zoom/policy')).json() as {
            items: Array<{ id: string; current: unknown }>;
          };
          return policy.items.find((item) => item.id === 'recording_audio_transcript')?.current;
        },
        { timeout: 30_000 },
      )
      .toBe(false);
    const meeting = await bed.recordMeeting({ hostEmail: emma.email, topic: 'Appel sans transcription' });
    const zoomFiles = (await bed.emulator.control.getRecording(meeting.uuid))!.files.map((f) => f.fileType);
    expect(zoomFiles).not.toContain('TRANSCRIPT');
    await expect
      .poll(async () => (await callNamed('Appel sans transcription'))?.hasTranscript, { timeout: 30_000 })
      .toBe(false);
    expect(await callNamed('Appel sans transcription')).toMatchObject({
      transcript: [],
      transcriptMissing: 'zoom_setting_off',
    });
  });
});
