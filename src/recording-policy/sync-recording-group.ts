import type { ConnectionRow } from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import { listLinkedLicensedZoomUsers } from '../user-mapping/index.ts';
import type { ZoomClient } from '../zoom/index.ts';
import { type PolicyRow, savePolicy } from './queries.ts';

/**
 * Whether the recording group Callport uses still exists in Zoom, with Zoom's groups to pick from when
 * it does not. `undefined`: no group in use (account scope, or the group is created at the next Apply).
 */
export async function checkRecordingGroup(client: ZoomClient, policy: PolicyRow) {
  if (policy.scope !== 'group' || !policy.groupId) return undefined;
  const groups: Array<{ id: string; name: string }> = [];
  for await (const group of client.listGroups()) groups.push({ id: group.id, name: group.name });
  return { isMissing: !groups.some((group) => group.id === policy.groupId), groups };
}

/**
 * Creates the recording group (or adopts one of the same name) and makes its members the linked,
 * licensed, active users: the group is Callport's, so a member nobody links (unlinked, deactivated,
 * added by hand) is taken out, as Zoom would otherwise record meetings Callport never imports.
 */
export async function syncRecordingGroup(
  db: Db,
  client: ZoomClient,
  connection: ConnectionRow,
  policy: PolicyRow,
) {
  let groupId = policy.groupId;
  if (!groupId) {
    for await (const group of client.listGroups()) {
      if (group.name === policy.groupName) groupId = group.id;
    }
    groupId ??= (await client.createGroup(policy.groupName)).id;
    await savePolicy(db, connection.id, { groupId });
  }
  const members = new Set<string>();
  for await (const member of client.listGroupMembers(groupId))
    members.add(String((member as { id?: string }).id));
  const wanted = await listLinkedLicensedZoomUsers(db, connection.id);
  const missing = wanted
    .filter((user) => !members.has(user.zoomUserId))
    .map((user) => ({ id: user.zoomUserId }));
  if (missing.length > 0) await client.addGroupMembers(groupId, missing);
  const wantedIds = new Set(wanted.map((user) => user.zoomUserId));
  const extra = [...members].filter((id) => !wantedIds.has(id));
  for (const id of extra) await client.removeGroupMember(groupId, id);
  return { groupId, added: missing.length, removed: extra.length };
}
