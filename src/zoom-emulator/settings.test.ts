import { describe, expect, it } from 'vitest';
import {
  deepMerge,
  defaultAccountSettings,
  filterByQueryFields,
  isLocked,
  resolveSettings,
  validateSettingsPatch,
} from './settings.ts';

describe('settings logic', () => {
  it('deep-merges partial bodies', () => {
    const merged = deepMerge({ a: { b: 1, c: { d: true } } }, { a: { c: { e: 'x' } } });
    expect(merged).toEqual({ a: { b: 1, c: { d: true, e: 'x' } } });
  });

  it('validates types, enums and unknown fields', () => {
    const template = defaultAccountSettings();
    expect(validateSettingsPatch({ recording: { auto_delete_cmr_days: 120 } }, template, 'account')).toEqual(
      [],
    );
    expect(
      validateSettingsPatch({ recording: { auto_delete_cmr_days: 7 } }, template, 'account')[0]?.field,
    ).toBe('recording.auto_delete_cmr_days');
    expect(validateSettingsPatch({ recording: 'x' }, template, 'account')[0]?.field).toBe('recording');
    expect(validateSettingsPatch([], template, 'account')).toHaveLength(1);
    expect(
      validateSettingsPatch(
        { security: { sign_again_period_for_inactivity_on_web: 30 } },
        template,
        'user',
      )[0]?.field,
    ).toBe('security');
  });

  it('locks: a lock on auto_delete_cmr also covers auto_delete_cmr_days', () => {
    const locks = { recording: { auto_delete_cmr: true } };
    expect(isLocked(locks, 'recording.auto_delete_cmr_days')).toBe(true);
    expect(isLocked(locks, 'recording.auto_recording')).toBe(false);
  });

  it('resolves account ← group ← user with locks', () => {
    const account = { recording: { auto_recording: 'none', cloud_recording: true } };
    const group = {
      settings: { recording: { auto_recording: 'cloud', cloud_recording: false } },
      locks: { recording: { cloud_recording: true } },
    };
    const user = { recording: { auto_recording: 'local', cloud_recording: true } };
    expect(resolveSettings({ account, accountLocks: {}, group, user })).toEqual({
      recording: { auto_recording: 'local', cloud_recording: false },
    });
    expect(
      resolveSettings({ account, accountLocks: { recording: { auto_recording: true } }, group, user })
        .recording,
    ).toMatchObject({ auto_recording: 'none' });
  });

  it('filters by custom_query_fields (leaf or section names)', () => {
    const tree = { a: { x: 1, y: 2 }, b: { x: 3 }, c: { z: 4 } };
    expect(filterByQueryFields(tree, 'x')).toEqual({ a: { x: 1 }, b: { x: 3 } });
    expect(filterByQueryFields(tree, 'c, y')).toEqual({ a: { y: 2 }, c: { z: 4 } });
  });
});
