import type { Db } from '../db/index.ts';
import { countActiveZoomUsers, listLinkedLicensedZoomUsers } from '../user-mapping/index.ts';

/**
 * The guide's two cases, decided from data: few Zoom users are Callport users → a recording group.
 * Reads the Zoom users the user sync stored, not Zoom: the policy page asks on every view.
 */
export async function recommendScope(db: Db, connectionId: string) {
  const [zoomUsers, linked] = await Promise.all([
    countActiveZoomUsers(db, connectionId),
    listLinkedLicensedZoomUsers(db, connectionId),
  ]);
  const licensedLinked = linked.length;
  // Sales is most of Zoom (case 2 of the guide: Zoom is only the sales team's tool) → account-wide.
  const scope: 'account' | 'group' = zoomUsers > 0 && licensedLinked / zoomUsers >= 0.8 ? 'account' : 'group';
  return { scope, zoomUsers, licensedLinked };
}
