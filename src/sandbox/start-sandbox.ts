import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { optionalScopes, requiredScopes, type ZoomAppConfig } from '../connections/index.ts';
import type { Logger } from '../lib/logger.ts';
import { startEmulator, type ZoomEmulator } from '../zoom-emulator/index.ts';

/**
 * Sandbox mode: with no Zoom credentials, the bundled emulator plays Zoom on its own port and registers
 * a General app for Callport, so a new user can click through the whole guide at once. The app's
 * credentials are generated once into the data folder (owner-only), so a restart keeps the same app.
 */
export async function startSandboxZoom(options: {
  dataDir: string;
  publicUrl: string;
  port: number;
  logger: Logger;
}): Promise<{ emulator: ZoomEmulator; zoomApp: ZoomAppConfig }> {
  const credentials = await loadSandboxCredentials(options.dataDir);
  const redirectUri = `${options.publicUrl}/api/integrations/zoom/callback`;
  const emulator = await startEmulator({
    port: options.port,
    scenario: 'sandbox',
    logger: options.logger,
    apps: [
      {
        type: 'general',
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        redirectUris: [redirectUri],
        // The sandbox shows the whole product: Zoom summaries and coverage's reports too.
        scopes: [...requiredScopes, ...optionalScopes],
        webhookUrl: `${options.publicUrl}/webhooks/zoom`,
        webhookSecretToken: credentials.webhookSecretToken,
      },
    ],
  });
  return {
    emulator,
    zoomApp: {
      type: 'general',
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      webhookSecretToken: credentials.webhookSecretToken,
      oauthUrl: emulator.oauthUrl,
      apiUrl: emulator.apiUrl,
      redirectUri,
    },
  };
}

type SandboxCredentials = { clientId: string; clientSecret: string; webhookSecretToken: string };

async function loadSandboxCredentials(dataDir: string): Promise<SandboxCredentials> {
  const file = path.join(dataDir, 'sandbox-zoom-app.json');
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as SandboxCredentials;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const credentials = {
    clientId: `sandbox-${randomBytes(6).toString('hex')}`,
    clientSecret: randomBytes(24).toString('base64url'),
    webhookSecretToken: randomBytes(24).toString('base64url'),
  };
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}
