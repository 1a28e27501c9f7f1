/// <reference lib="dom" />
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import { describe, expect, it } from 'vitest';
import { setUpSignedInPage } from '../../test-support/browser.ts';
import en from '../src/locales/en.json' with { type: 'json' };
import fr from '../src/locales/fr.json' with { type: 'json' };

// The server speaks codes, the page speaks the reader's language: an admin reading French sees no
// English from the server (imports timeline, reasons, diagnosis, errors), and one reading English no
// French. The page text is checked against every server message of the other language, and against the
// English sentences the server used to send.

/** Fragments of 15+ characters of each server message of a catalogue, around its {{params}}. */
function fragmentsOf(catalogue: typeof en): string[] {
  return Object.values(catalogue.server)
    .flatMap((text) => text.split(/\{\{\w+\}\}/))
    .map((fragment) => fragment.trim())
    .filter((fragment) => fragment.length >= 15);
}

const formerServerEnglish = [
  'discovered by',
  'Zoom is still processing',
  'is not linked to a Callport user',
  'has no Callport licence',
  'Enter a Zoom meeting ID',
  'No such call',
  'This call is in the library',
];

describe.each([
  ['fr', fr, fragmentsOf(en).concat(formerServerEnglish)],
  ['en', en, fragmentsOf(fr)],
] as const)('server text in a %s page', (language, texts, foreign) => {
  const seen: string[] = [];
  const meetings: Record<string, number> = {};

  /** Everything the page shows now, timelines opened. */
  async function collect() {
    await ui.page.evaluate(() => {
      document.querySelectorAll('details').forEach((details) => {
        details.open = true;
      });
    });
    const text = await ui.page.locator('body').innerText();
    seen.push(text);
    return text;
  }

  const ui = setUpSignedInPage(
    async (bed) => {
      bed.recordEverythingToCloud();
      await bed.admin.request('PATCH', '/api/me', { language });
      // Jules is linked; Emma has a Callport user but no link; Nora is in Zoom only.
      await bed.admin.request('POST', '/api/users', {
        email: 'jules.richard@acme.example',
        name: 'Jules Richard',
      });
      await bed.connect();
      await bed.linkZoomUsers();
      await bed.waitForFirstImports();
      await bed.admin.request('POST', '/api/users', {
        email: 'emma.dubois@acme.example',
        name: 'Emma Dubois',
      });
      bed.emulator.control.createUser({
        email: 'nora.petit@acme.example',
        firstName: 'Nora',
        lastName: 'Petit',
      });
      meetings.emma = (
        await bed.recordMeeting({ hostEmail: 'emma.dubois@acme.example', topic: 'Démo Emma' })
      ).meetingId;
      meetings.nora = (
        await bed.recordMeeting({ hostEmail: 'nora.petit@acme.example', topic: 'Démo Nora' })
      ).meetingId;
      // Still processing at Zoom: no webhook yet, the diagnosis finds it.
      meetings.jules = bed.emulator.control.simulateMeeting({
        hostEmail: 'jules.richard@acme.example',
        topic: 'Démo Jules',
        durationMinutes: 1,
        processingSeconds: 3600,
      }).meetingId;
    },
    { bed: { env: { SWEEP_INTERVAL_MINUTES: '60' } } },
  );

  const diagnose = async (meeting: string) => {
    const answered = ui.page.waitForResponse((response) => response.url().endsWith('/api/import/diagnose'));
    await ui.page.getByRole('textbox', { name: texts.zoomImports.meetingPlaceholder }).fill(meeting);
    await ui.page.getByRole('button', { name: texts.zoomImports.diagnose, exact: true }).click();
    await answered;
    await ui.page.getByTestId('diagnosis').waitFor();
    return collect();
  };

  it('shows the imports timeline, reasons and diagnosis in the reader language', async () => {
    await ui.page.goto('/settings/integrations/zoom/imports');
    expect(await diagnose(String(meetings.jules))).toContain(texts.server.diagnosis_queued_now);
    expect(await diagnose('not a meeting')).toContain(texts.server.diagnosis_bad_reference);
    expect(await diagnose(String(meetings.emma))).toContain(texts.server.diagnosis_skipped_not_linked);

    for (const topic of ['Démo Emma', 'Démo Nora', 'Démo Jules']) {
      await expect
        .poll(() => ui.page.getByTestId('imports-table').innerText(), { timeout: 30_000 })
        .toContain(topic);
    }
    await expect
      .poll(async () => collect(), { timeout: 30_000 })
      .toContain(texts.server.zoom_processing_files.replace('{{files}}', 'MP4, M4A').split('(')[0]!.trim());
    const text = await collect();
    // Zoom lists Jules's video still processing with no file_type: named in words, never "?".
    expect(text).toContain(texts.messageParts.untypedFiles_one);
    expect(text).not.toMatch(/\?\)/);
    expect(text).toContain(texts.server.discovered_via_webhook);
    expect(text).toContain(texts.server.discovered_via_manual);
    expect(text).toContain(texts.server.host_not_linked);
  });

  it('offers to create the Callport user of a host who has none', async () => {
    const text = await diagnose(String(meetings.nora));
    expect(text).toContain(
      texts.server.diagnosis_host_unknown.replace('{{host}}', 'nora.petit@acme.example'),
    );
    await ui.page
      .getByRole('button', {
        name: texts.zoomImports.createHost.replace('{{email}}', 'nora.petit@acme.example'),
      })
      .click();
    await ui.page.getByRole('link', { name: texts.zoomImports.openUsers }).waitFor();
    await collect();
    const users = (await ui.bed.admin.request('GET', '/api/users')).json() as {
      users: Array<{ email: string }>;
    };
    expect(users.users.map((user) => user.email)).toContain('nora.petit@acme.example');
  });

  it('says what happened on an unknown call, in the reader language, with a way back', async () => {
    await ui.page.goto('/calls/00000000-0000-4000-8000-000000000000');
    await ui.page.getByTestId('call-error').waitFor();
    expect(await collect()).toContain(texts.server.call_not_found);
    await ui.page.getByRole('link', { name: texts.calls.backToList }).click();
    await ui.page.waitForURL(/\/calls$/);
  });

  it('never showed a server text in the other language', () => {
    const all = seen.join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(foreign.filter((fragment) => all.includes(fragment))).toEqual([]);
  });
});
