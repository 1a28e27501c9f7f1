import { and, eq } from 'drizzle-orm';
import { insertAuditEntry, listUsers } from '../accounts/index.ts';
import type { SaveLinksRequest } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { schema } from '../db/index.ts';
import { normalizeEmail } from '../lib/email.ts';
import { AppError } from '../lib/errors.ts';
import { listLinks, listZoomUsers } from './queries.ts';

/**
 * "Associer automatiquement": proposes a link for every Callport user without one whose e-mail
 * (case and surrounding spaces ignored) is a linkable Zoom user's. Stores nothing.
 */
export async function proposeAutomaticLinks(db: Db, organizationId: string, connectionId: string) {
  const [people, zoomUsers, links] = await Promise.all([
    listUsers(db, organizationId),
    listZoomUsers(db, connectionId),
    listLinks(db, connectionId),
  ]);
  const linkedUsers = new Set(links.map((link) => link.userId));
  const takenZoomUsers = new Set(links.map((link) => link.zoomUserId));
  const byEmail = new Map(
    zoomUsers
      .filter((user) => user.zoomUserId && user.status !== 'pending')
      .map((user) => [normalizeEmail(user.email), user]),
  );
  const proposals: Array<{ userId: string; zoomUserId: string; zoomEmail: string }> = [];
  for (const person of people) {
    if (linkedUsers.has(person.id) || !person.isActive) continue;
    const match = byEmail.get(normalizeEmail(person.email));
    if (!match?.zoomUserId || takenZoomUsers.has(match.zoomUserId)) continue;
    takenZoomUsers.add(match.zoomUserId);
    proposals.push({ userId: person.id, zoomUserId: match.zoomUserId, zoomEmail: match.email });
  }
  return proposals;
}

/** The Zoom users a save linked and unlinked (a user moved to another Zoom user is in both). */
export type LinkChanges = { connectionId: string; added: string[]; removed: string[] };

/**
 * "Sauvegarder": replaces the connection's links with the given set in one transaction. A Zoom user
 * links to one Callport user only; only this organisation's users and linkable Zoom users are accepted.
 */
export async function saveLinks(
  db: Db,
  options: { organizationId: string; connectionId: string; actorUserId: string },
  request: SaveLinksRequest,
): Promise<LinkChanges> {
  const [people, zoomUsers] = await Promise.all([
    listUsers(db, options.organizationId),
    listZoomUsers(db, options.connectionId),
  ]);
  const peopleById = new Map(people.map((person) => [person.id, person]));
  const zoomById = new Map(
    zoomUsers.flatMap((user) => (user.zoomUserId ? [[user.zoomUserId, user] as const] : [])),
  );
  const seenUsers = new Map<string, string>();
  const seenZoom = new Map<string, string>();
  for (const link of request.links) {
    const person = peopleById.get(link.userId);
    if (!person)
      throw new AppError('not_found', 'One of the users is not in your organisation.', {
        reason: 'user_not_in_organization',
      });
    const zoomUser = zoomById.get(link.zoomUserId);
    if (!zoomUser) {
      throw new AppError(
        'validation_failed',
        `No linkable Zoom user with id ${link.zoomUserId}: sync the Zoom users again.`,
      );
    }
    if (seenUsers.has(link.userId))
      throw new AppError('conflict', `${person.name} is linked twice.`, {
        reason: 'linked_twice',
        params: { name: person.name },
      });
    const holder = seenZoom.get(link.zoomUserId);
    if (holder) {
      throw new AppError(
        'conflict',
        `The Zoom user ${zoomUser.email} can be linked to one Callport user only: ${peopleById.get(holder)?.name} and ${person.name}.`,
        {
          reason: 'zoom_user_linked_twice',
          params: { email: zoomUser.email, first: peopleById.get(holder)?.name ?? '', second: person.name },
        },
      );
    }
    seenUsers.set(link.userId, link.zoomUserId);
    seenZoom.set(link.zoomUserId, link.userId);
  }
  return db.transaction(async (tx) => {
    const existing = await listLinks(tx, options.connectionId);
    const wanted = new Map(request.links.map((link) => [link.userId, link]));
    for (const link of existing) {
      const next = wanted.get(link.userId);
      if (!next || next.zoomUserId !== link.zoomUserId) {
        await tx
          .delete(schema.userLinks)
          .where(
            and(
              eq(schema.userLinks.connectionId, options.connectionId),
              eq(schema.userLinks.userId, link.userId),
            ),
          );
      }
    }
    const kept = new Set(
      existing.filter((link) => wanted.get(link.userId)?.zoomUserId === link.zoomUserId).map((l) => l.userId),
    );
    for (const link of request.links) {
      if (kept.has(link.userId)) continue;
      await tx.insert(schema.userLinks).values({
        connectionId: options.connectionId,
        userId: link.userId,
        zoomUserId: link.zoomUserId,
        zoomEmail: zoomById.get(link.zoomUserId)!.email,
        method: link.method,
        linkedByUserId: options.actorUserId,
      });
    }
    await insertAuditEntry(tx, {
      organizationId: options.organizationId,
      actorUserId: options.actorUserId,
      action: 'zoom.users_linked',
      target: options.connectionId,
      details: { links: request.links.length },
    });
    const before = new Set(existing.map((link) => link.zoomUserId));
    const after = new Set(request.links.map((link) => link.zoomUserId));
    return {
      connectionId: options.connectionId,
      added: [...after].filter((id) => !before.has(id)),
      removed: [...before].filter((id) => !after.has(id)),
    };
  });
}
