import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZoomTestBed, type ZoomTestBed } from '../test-support/zoom.ts';
import { listLinkedLicensedZoomUsers } from './queries.ts';

let bed: ZoomTestBed;
const people = [
  { email: 'emma.dubois@acme.example', name: 'Emma Dubois' },
  { email: ' jules.richard@acme.example ', name: 'Jules Richard' },
  { email: 'ines.simon@acme.example', name: 'Inès Simon' },
  { email: 'sarah.garcia@acme.example', name: 'Sarah Garcia' },
  { email: 'hugo.thomas@acme.example', name: 'Hugo Thomas', isLicensed: false },
];

beforeAll(async () => {
  bed = await startZoomTestBed();
  for (const person of people) await bed.admin.request('POST', '/api/users', person);
  await bed.connect();
  await bed.admin.request('POST', '/api/integrations/zoom/users/sync');
});
afterAll(() => bed?.stop());

describe('user mapping', () => {
  it('syncs active, inactive and pending Zoom users; pending ones are not linkable', async () => {
    const mapping = (await bed.admin.request('GET', '/api/integrations/zoom/users')).json();
    const byEmail = Object.fromEntries(
      mapping.zoomUsers.map((user: { email: string }) => [user.email.toLowerCase(), user]),
    );
    expect(byEmail['ines.simon@acme.example']).toMatchObject({
      status: 'pending',
      zoomUserId: null,
      isLinkable: false,
    });
    expect(byEmail['lucas.moreau@acme.example']).toMatchObject({ status: 'inactive' });
    expect(byEmail['jules.richard@acme.example']).toMatchObject({
      email: 'Jules.Richard@Acme.example',
      isLinkable: true,
    });
    expect(mapping.zoomUsers.length).toBe(12);
  });

  it('auto-associates by e-mail ignoring case and spaces, stores nothing until saved, then saves', async () => {
    const { proposals } = (
      await bed.admin.request('POST', '/api/integrations/zoom/users/auto-associate')
    ).json();
    const mapping = (await bed.admin.request('GET', '/api/integrations/zoom/users')).json();
    const emailOf = (id: string) => mapping.users.find((user: { id: string }) => user.id === id).email.trim();
    expect(proposals.map((p: { userId: string }) => emailOf(p.userId)).sort()).toEqual([
      'emma.dubois@acme.example',
      'hugo.thomas@acme.example',
      'jules.richard@acme.example',
    ]);
    expect(mapping.users.every((user: { link: unknown }) => user.link === null)).toBe(true);

    const links = proposals.map((p: { userId: string; zoomUserId: string }) => ({
      ...p,
      method: 'automatic',
    }));
    expect((await bed.admin.request('PUT', '/api/integrations/zoom/users/links', { links })).statusCode).toBe(
      204,
    );
    const saved = (await bed.admin.request('GET', '/api/integrations/zoom/users')).json();
    expect(saved.users.filter((user: { link: unknown }) => user.link).length).toBe(3);
    const connection = (await bed.admin.request('GET', '/api/integrations/zoom')).json().connection;
    const importable = await listLinkedLicensedZoomUsers(bed.app.database.db, connection.id);
    expect(importable.map((user) => user.zoomEmail).sort()).toEqual([
      'Jules.Richard@Acme.example',
      'emma.dubois@acme.example',
    ]);
  });

  it('refuses to link one Zoom user to two people, naming them', async () => {
    const mapping = (await bed.admin.request('GET', '/api/integrations/zoom/users')).json();
    const emma = mapping.users.find((user: { email: string }) => user.email === 'emma.dubois@acme.example');
    const sarah = mapping.users.find((user: { email: string }) => user.email === 'sarah.garcia@acme.example');
    const response = await bed.admin.request('PUT', '/api/integrations/zoom/users/links', {
      links: [
        { userId: emma.id, zoomUserId: emma.link.zoomUserId, method: 'automatic' },
        { userId: sarah.id, zoomUserId: emma.link.zoomUserId, method: 'manual' },
      ],
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.message).toContain('Sarah Garcia');
  });

  it('follows user.* events: a created user appears, a deactivated one turns inactive', async () => {
    const statusOf = async (email: string) =>
      (await bed.admin.request('GET', '/api/integrations/zoom/users'))
        .json()
        .zoomUsers.find((user: { email: string }) => user.email.toLowerCase() === email)?.status;
    bed.emulator.control.createUser({
      email: 'nora.petit@acme.example',
      firstName: 'Nora',
      lastName: 'Petit',
    });
    await expect.poll(() => statusOf('nora.petit@acme.example'), { timeout: 10_000 }).toBe('active');
    bed.emulator.control.deactivateUser('nora.petit@acme.example');
    await expect.poll(() => statusOf('nora.petit@acme.example'), { timeout: 10_000 }).toBe('inactive');
  });

  it('keeps another organisation out', async () => {
    const other = await bed.app.createOrganization('Other');
    const mapping = (await bed.admin.request('GET', '/api/integrations/zoom/users')).json();
    const response = await other.admin.request('PUT', '/api/integrations/zoom/users/links', {
      links: [{ userId: mapping.users[0].id, zoomUserId: 'x', method: 'manual' }],
    });
    expect(response.statusCode).toBe(409);
    expect((await other.admin.request('GET', '/api/integrations/zoom/users')).statusCode).toBe(409);
  });
});
