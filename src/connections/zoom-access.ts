import { setTimeout as sleep } from 'node:timers/promises';
import { insertAuditEntry } from '../accounts/index.ts';
import type { Db } from '../db/index.ts';
import type { Logger } from '../lib/logger.ts';
import { encodeMessage } from '../lib/messages.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import {
  decideZoomFailure,
  type RateBudget,
  refreshAccessToken,
  requestAccountCredentialsToken,
  ZoomApiError,
  type ZoomAppCredentials,
  ZoomClient,
  type ZoomTokenSet,
} from '../zoom/index.ts';
import {
  type ConnectionRow,
  claimTokenRefresh,
  findConnection,
  lockConnection,
  touchConnectionApiSuccess,
  updateConnection,
} from './queries.ts';

/** The Zoom app Callport is, from configuration (or the sandbox emulator's registration). */
export type ZoomAppConfig = ZoomAppCredentials & {
  type: 'general' | 'server_to_server';
  apiUrl: string;
  redirectUri: string;
  /** Server-to-Server apps: the account the app belongs to. */
  accountId?: string | undefined;
  webhookSecretToken?: string | undefined;
};

export type ConnectionEvent = {
  type: 'reconnect_needed' | 'uninstalled' | 'disconnected';
  connectionId: string;
  organizationId: string;
};

// Refresh a few minutes early: a token must not expire between the check and the request.
const refreshMarginMs = 5 * 60_000;
// Longer than Zoom's token call can take (the OAuth client's timeout); a crashed holder's lease runs out.
const refreshLeaseSeconds = 60;
const refreshWaitMs = 200;

/**
 * The token vault and Zoom client factory for connections. Tokens are sealed at rest; a refresh takes
 * the connection's refresh lease, so exactly one refresh is in flight per connection across all processes,
 * and the newest (rotated) refresh token is always the one stored (docs/zoom-platform.md §1.3).
 */
export class ZoomAccess {
  readonly #inFlight = new Map<string, Promise<string>>();
  readonly #lastTouched = new Map<string, number>();

  constructor(
    private readonly deps: {
      db: Db;
      box: SecretBox;
      app: ZoomAppConfig;
      rateBudget: RateBudget;
      logger: Logger;
      onConnectionEvent?: (event: ConnectionEvent) => void;
      metrics?: Metrics;
    },
  ) {}

  get app(): ZoomAppConfig {
    return this.deps.app;
  }

  /**
   * A Zoom client acting for the connection; every call fails fast once the connection has ended.
   * `session.token`: one the caller just took from the connection (accessTokenFor), used until Zoom
   * refuses it instead of reading the connection before each call; a renewed token is written back to
   * `session.token`, so the caller's downloads use it too.
   */
  clientFor(
    connection: Pick<ConnectionRow, 'id' | 'zoomAccountId'>,
    session?: { token: string },
  ): ZoomClient {
    return new ZoomClient({
      apiUrl: this.deps.app.apiUrl,
      accountKey: connection.zoomAccountId,
      rateBudget: this.deps.rateBudget,
      tokens: {
        getAccessToken: async () => session?.token ?? (await this.getAccessToken(connection.id)),
        renew: async (rejected) => {
          const renewed = await this.renewAccessToken(connection.id, rejected);
          if (session) session.token = renewed;
          return renewed;
        },
      },
      onResponse: (event) => {
        this.deps.metrics?.zoomRequests.inc({ category: event.category, status: String(event.status) });
        if (event.status === 429) this.deps.metrics?.zoomRateLimited.inc({ category: event.category });
        if (event.status < 300) this.#touch(connection.id);
      },
    });
  }

  /** A client on a token set not stored yet (the OAuth callback, before the connection exists). */
  clientForTokens(tokens: ZoomTokenSet, accountKey: string): ZoomClient {
    return new ZoomClient({
      apiUrl: this.deps.app.apiUrl,
      accountKey,
      rateBudget: this.deps.rateBudget,
      tokens: {
        getAccessToken: async () => tokens.accessToken,
        renew: async () => {
          throw new ZoomApiError({
            kind: 'unauthorized',
            status: 401,
            message: 'new token refused',
            endpoint: 'callback',
          });
        },
      },
    });
  }

  sealTokens(tokens: ZoomTokenSet) {
    return {
      accessTokenSealed: this.deps.box.seal(tokens.accessToken),
      refreshTokenSealed: tokens.refreshToken ? this.deps.box.seal(tokens.refreshToken) : null,
      tokenExpiresAt: tokens.expiresAt,
      tokenRefreshedAt: new Date(),
    };
  }

  /** The access token of a connection row the caller has just read: no second read while it is good. */
  async accessTokenFor(connection: ConnectionRow): Promise<string> {
    return this.#usableToken(connection) ?? this.renewAccessToken(connection.id, undefined);
  }

  async getAccessToken(connectionId: string): Promise<string> {
    const connection = await findConnection(this.deps.db, connectionId);
    const usable = this.#usableToken(connection);
    if (usable) return usable;
    return this.renewAccessToken(connectionId, undefined);
  }

  /**
   * Refreshes unless another process already did (then returns its token); one refresh per process at a
   * time. A renewal already running may have been asked for another refused token and answer with the one
   * this caller has just seen refused (the token stored meanwhile): that answer is no renewal, so this
   * caller then refreshes in turn.
   */
  renewAccessToken(connectionId: string, rejectedToken: string | undefined): Promise<string> {
    const running = this.#inFlight.get(connectionId);
    if (running)
      return running.then((token) =>
        token === rejectedToken ? this.renewAccessToken(connectionId, rejectedToken) : token,
      );
    const refresh = this.#refreshUnderLease(connectionId, rejectedToken).finally(() =>
      this.#inFlight.delete(connectionId),
    );
    this.#inFlight.set(connectionId, refresh);
    return refresh;
  }

  async #refreshUnderLease(connectionId: string, rejectedToken: string | undefined): Promise<string> {
    const { db, box, app } = this.deps;
    // The lease is taken and committed before asking Zoom: no row lock and no transaction is held
    // during the HTTP call (on PGlite's single connection an open transaction stalls every query).
    let connection = await claimTokenRefresh(db, connectionId, refreshLeaseSeconds);
    while (!connection) {
      // Another process is renewing: its token is stored when Zoom answers, or its lease runs out.
      const row = await findConnection(db, connectionId);
      if (!row) throw notActive();
      const current = this.#usableToken(row);
      if (current && current !== rejectedToken) return current;
      await sleep(refreshWaitMs);
      connection = await claimTokenRefresh(db, connectionId, refreshLeaseSeconds);
    }
    const release = () => updateConnection(db, connectionId, { tokenRefreshLeaseUntil: null });
    let current: string | undefined;
    try {
      current = this.#usableToken(connection);
    } catch (error) {
      await release();
      throw error;
    }
    if (current && current !== rejectedToken) {
      await release();
      return current;
    }
    let tokens: ZoomTokenSet;
    try {
      tokens =
        connection.appType === 'server_to_server'
          ? await requestAccountCredentialsToken(app, app.accountId ?? connection.zoomAccountId)
          : await refreshAccessToken(app, box.open(connection.refreshTokenSealed ?? ''));
    } catch (error) {
      await release();
      // Zoom's token endpoint refusing (not failing) means the grant cannot be renewed.
      if (error instanceof ZoomApiError && decideZoomFailure(error).action !== 'retry') {
        this.deps.metrics?.tokenRefreshes.inc({ outcome: 'dead_grant' });
        return this.#endDeadGrant(connection, error, rejectedToken);
      }
      this.deps.metrics?.tokenRefreshes.inc({ outcome: 'error' });
      throw error;
    }
    // Stored at once, with the lease given back: the old refresh token is dead from this moment on.
    // The scopes too: a scope added to the app since (a Server-to-Server app's next token has it) is used.
    await updateConnection(db, connectionId, {
      ...this.sealTokens(tokens),
      ...(tokens.scopes.length > 0 ? { scopes: tokens.scopes } : {}),
      tokenRefreshLeaseUntil: null,
      lastError: null,
    });
    this.deps.metrics?.tokenRefreshes.inc({ outcome: 'refreshed' });
    return tokens.accessToken;
  }

  /** Zoom refused the refresh token: the connection needs an admin to reconnect, unless it was just replaced. */
  async #endDeadGrant(
    connection: ConnectionRow,
    error: ZoomApiError,
    rejectedToken: string | undefined,
  ): Promise<string> {
    const { db, logger } = this.deps;
    logger.warn(
      { connectionId: connection.id, zoomCode: error.zoomCode },
      'Zoom refused the refresh token: reconnect needed',
    );
    const outcome = await db.transaction(async (tx) => {
      // Tokens stored since the lease was taken (another organisation's consent to this Zoom account
      // hands the connection a new set) are alive, and win over this dead grant.
      const now = await lockConnection(tx, connection.id);
      if (now && now.status === 'connected' && now.refreshTokenSealed !== connection.refreshTokenSealed)
        return 'replaced' as const;
      // Ended meanwhile (Zoom uninstalled the app, which is also why the refresh was refused, or an admin
      // disconnected): that state stays; "reconnect needed" would hide the uninstall and its data policy.
      if (!now || now.status === 'uninstalled' || now.status === 'disconnected') return 'ended' as const;
      await updateConnection(tx, connection.id, {
        status: 'reconnect_needed',
        lastError: encodeMessage('zoom_refresh_refused', { error: error.message }),
      });
      await insertAuditEntry(tx, {
        organizationId: connection.organizationId,
        actorUserId: null,
        action: 'zoom.reconnect_needed',
        target: connection.id,
        details: { zoomCode: error.zoomCode ?? null },
      });
      return 'dead' as const;
    });
    if (outcome === 'replaced') return this.#refreshUnderLease(connection.id, rejectedToken);
    if (outcome === 'ended') throw notActive();
    this.deps.onConnectionEvent?.({
      type: 'reconnect_needed',
      connectionId: connection.id,
      organizationId: connection.organizationId,
    });
    throw notActive();
  }

  #usableToken(connection: ConnectionRow | undefined): string | undefined {
    if (!connection) return undefined;
    if (connection.status !== 'connected') {
      throw new ZoomApiError({
        kind: 'unauthorized',
        status: 401,
        message: `the Zoom connection is ${connection.status.replace('_', ' ')}`,
        endpoint: 'token vault',
      });
    }
    const { accessTokenSealed, tokenExpiresAt } = connection;
    if (!accessTokenSealed || !tokenExpiresAt) return undefined;
    if (tokenExpiresAt.getTime() - Date.now() < refreshMarginMs) return undefined;
    return this.deps.box.open(accessTokenSealed);
  }

  #touch(connectionId: string) {
    const now = Date.now();
    if (now - (this.#lastTouched.get(connectionId) ?? 0) < 30_000) return;
    this.#lastTouched.set(connectionId, now);
    touchConnectionApiSuccess(this.deps.db, connectionId).catch((error: unknown) =>
      this.deps.logger.warn({ connectionId, err: error }, 'could not record the last Zoom success'),
    );
  }
}

function notActive() {
  return new ZoomApiError({
    kind: 'unauthorized',
    status: 401,
    message: 'the Zoom connection is not active: reconnect Zoom in Settings > Integrations',
    endpoint: 'token vault',
  });
}
