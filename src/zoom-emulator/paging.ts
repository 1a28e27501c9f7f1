/**
 * Zoom's cursor paging (docs/zoom-platform.md §2): `next_page_token` expires after 15 minutes (virtual clock) and is empty on
 * the last page; some endpoints also honour the deprecated `page_number`.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorContext } from './state.ts';

export const pageTokenSeconds = 15 * 60;

export type PageRequest = {
  page_size?: string | undefined;
  next_page_token?: string | undefined;
  page_number?: string | undefined;
};

export type Page<T> =
  | {
      ok: true;
      items: T[];
      page_size: number;
      page_number: number;
      page_count: number;
      total_records: number;
      next_page_token: string;
    }
  | { ok: false; message: string };

/**
 * Slices `items` for one page. `scope` ties a token to the query that produced it (a token from another
 * listing is invalid).
 */
export function paginate<T>(
  ctx: EmulatorContext,
  scope: string,
  items: T[],
  query: PageRequest,
  limits: { defaultSize: number; maxSize: number },
): Page<T> {
  const requested =
    query.page_size === undefined || query.page_size === '' ? limits.defaultSize : Number(query.page_size);
  if (!Number.isInteger(requested) || requested < 1)
    return { ok: false, message: 'Invalid field: page_size.' };
  // Zoom caps page_size at the documented maximum instead of failing.
  const pageSize = Math.min(requested, limits.maxSize);
  let offset = 0;
  let pageNumber = 1;
  if (query.next_page_token) {
    const token = ctx.state.pageTokens.get(query.next_page_token);
    if (!token || token.scope !== scope || token.expiresAt <= ctx.clock.now()) {
      return { ok: false, message: 'The next page token is invalid or expired.' };
    }
    offset = token.offset;
    pageNumber = Math.floor(offset / pageSize) + 1;
  } else if (query.page_number) {
    pageNumber = Number(query.page_number);
    if (!Number.isInteger(pageNumber) || pageNumber < 1)
      return { ok: false, message: 'Invalid field: page_number.' };
    offset = (pageNumber - 1) * pageSize;
  }
  const slice = items.slice(offset, offset + pageSize);
  let next = '';
  if (ctx.state.pageTokens.size > 1000) {
    for (const [key, token] of ctx.state.pageTokens)
      if (token.expiresAt <= ctx.clock.now()) ctx.state.pageTokens.delete(key);
  }
  if (offset + pageSize < items.length) {
    next = randomBytes(24).toString('base64url');
    ctx.state.pageTokens.set(next, {
      scope,
      offset: offset + pageSize,
      expiresAt: ctx.clock.now() + pageTokenSeconds * 1000,
    });
  }
  return {
    ok: true,
    items: slice,
    page_size: pageSize,
    page_number: pageNumber,
    page_count: Math.max(1, Math.ceil(items.length / pageSize)),
    total_records: items.length,
    next_page_token: next,
  };
}

/** The paging fields every Zoom list answer carries (docs/zoom-platform.md §2). */
export function pageFields<T>(page: Extract<Page<T>, { ok: true }>) {
  return {
    page_count: page.page_count,
    page_size: page.page_size,
    total_records: page.total_records,
    next_page_token: page.next_page_token,
  };
}
