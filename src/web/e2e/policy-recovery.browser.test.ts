// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes
import { describe, expect, it } from 'vitest';
import { setUpSignedInPage } from '../../test-support/browser.ts';
import en from '../src/locales/en.json' with { type: 'json' };
import fr from '../src/locales/fr.json' with { type: 'json' };

// Réglages > Intégrations > Zoom > Règles d'enregistrement, in French and in English: the recording
// group Callport created is deleted in Zoom (or the sandbox restarted) and the page says so and offers
// a way out; "Appliquer et verrouiller" asks first, item by item, then shows what Zoom accepted.

describe.each([
  ['fr', fr],
  ['en', en],
] as const)('recording policy dead ends (%s)', (language, texts) => {
  const groupName = 'Callport recording';
  const fill = (text: string, values: Record<string, string | number>) =>
    Object.entries(values).reduce((out, [key, value]) => out.replaceAll(`{{${key}}}`, String(value)), text);

  const ui = setUpSignedInPage(async (bed) => {
    await bed.connect();
    await bed.admin.request('PATCH', '/api/me', { language });
  });

  const groups = () => ui.bed.emulator.control.listGroups().map((group) => group.name);
  const banner = () => ui.page.getByTestId('group-missing');

  it('says when the recording group is gone from Zoom, and recreates it, picks another, or goes account-wide', async () => {
    expect(
      (await ui.bed.admin.request('PATCH', '/api/integrations/zoom/policy', { scope: 'group' })).statusCode,
    ).toBe(200);
    expect((await ui.bed.admin.request('POST', '/api/integrations/zoom/policy/apply')).statusCode).toBe(200);
    expect(groups()).toContain(groupName);
    ui.bed.emulator.control.deleteGroup(groupName);
    ui.bed.emulator.control.createGroup('Ventes');

    await ui.page.goto('/settings/integrations/zoom/policy');
    await banner().waitFor();
    expect(await banner().innerText()).toContain(
      fill(texts.server.recording_group_missing, { name: groupName }),
    );
    // The scope selector is still there, and Apply says why it cannot run instead of failing.
    await ui.page.getByLabel(texts.zoomPolicy.scopeLabel).waitFor();
    expect(await ui.page.getByRole('button', { name: texts.zoomPolicy.apply }).isDisabled()).toBe(true);
    const refused = await ui.bed.admin.request('POST', '/api/integrations/zoom/policy/apply');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      reason: 'recording_group_missing',
      params: { name: groupName },
    });

    await ui.page
      .getByRole('button', { name: fill(texts.zoomPolicy.recreateGroup, { name: groupName }) })
      .click();
    await banner().waitFor({ state: 'detached' });
    expect(groups()).toContain(groupName);

    ui.bed.emulator.control.deleteGroup(groupName);
    await ui.page.reload();
    await banner().waitFor();
    await banner().getByLabel(texts.zoomPolicy.pickGroup).selectOption({ label: 'Ventes' });
    await banner().getByRole('button', { name: texts.zoomPolicy.useGroup }).click();
    await banner().waitFor({ state: 'detached' });
    expect(await ui.page.getByText(fill(texts.zoomPolicy.group, { name: 'Ventes' })).count()).toBe(1);

    ui.bed.emulator.control.deleteGroup('Ventes');
    await ui.page.reload();
    await banner().waitFor();
    await banner().getByRole('button', { name: texts.zoomPolicy.switchToAccount }).click();
    await banner().waitFor({ state: 'detached' });
    expect(await ui.page.getByLabel(texts.zoomPolicy.scopeLabel).inputValue()).toBe('account');
  });

  it('asks before applying, item by item, then shows what Zoom accepted and refused', async () => {
    const row = (item: string) => ui.page.locator(`[data-testid="policy-row"][data-item="${item}"]`);
    await expect
      .poll(() => row('auto_recording').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('off_policy');
    await ui.page.getByRole('button', { name: texts.zoomPolicy.apply }).click();
    const dialog = ui.page.getByTestId('apply-confirm');
    await dialog.waitFor();
    const summary = await dialog.innerText();
    expect(summary).toContain(texts.zoomPolicy.confirmWhereAccount);
    expect(summary).toContain(
      fill(texts.zoomPolicy.confirmChange, {
        item: texts.zoomPolicy.items.auto_recording,
        from: texts.zoomPolicy.values.off,
        to: texts.zoomPolicy.values.cloud,
      }),
    );
    expect(await dialog.locator('li').count()).toBeGreaterThan(3);

    // Cancel changes nothing in Zoom.
    await dialog.getByRole('button', { name: texts.common.cancel }).click();
    await dialog.waitFor({ state: 'hidden' });
    const audit = (await ui.bed.admin.request('POST', '/api/integrations/zoom/policy/audit')).json() as {
      items: Array<{ id: string; current: unknown }>;
    };
    expect(audit.items.find((item) => item.id === 'auto_recording')?.current).toBe('none');

    await ui.page.getByRole('button', { name: texts.zoomPolicy.apply }).click();
    await dialog
      .getByRole('button', { name: new RegExp(fill(texts.zoomPolicy.confirmApply_other, { count: '\\d+' })) })
      .click();
    const results = ui.page.getByTestId('apply-results');
    await results.waitFor();
    expect(await results.innerText()).toContain(
      fill(texts.zoomPolicy.acceptedItem, {
        item: texts.zoomPolicy.items.auto_recording,
        value: texts.zoomPolicy.values.cloud,
      }),
    );
    expect(await results.locator('li[data-outcome="applied"]').count()).toBeGreaterThan(3);
    await expect
      .poll(() => row('auto_recording').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('ok');
  });
});
