/**
 * `callport emulator`: runs the Zoom emulator on its own, or drives a running one through its admin API.
 *
 *   callport emulator [--port 9090] [--host 127.0.0.1] [--scenario sandbox|empty] [--seed N]
 *                     [--start-clock ISO] [--freeze-clock] [--network off|zoom] [--client-id ID --client-secret S
 *                     --redirect-uri URL... --webhook-url URL --webhook-secret S --scope S... --app-type general]
 *   callport emulator advance SECONDS          [--url http://127.0.0.1:9090]
 *   callport emulator faults JSON|reset        (see docs/emulator.md for the fields)
 *   callport emulator network zoom|off|JSON    (latency and per-stream bandwidth)
 *   callport emulator webhooks JSON
 *   callport emulator simulate JSON
 *   callport emulator state | requests | counts | webhook-log
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../lib/logger.ts';
import { startEmulator } from './index.ts';
import { isNetworkProfileName, networkProfiles } from './network.ts';
import { defaultSandboxApp, type ScenarioName, scenarioNames } from './scenarios.ts';
import type { EmulatorAppRegistration } from './state.ts';

const usage = `Usage:
  callport emulator [--port 9090] [--host 127.0.0.1] [--public-url URL] [--scenario sandbox|empty] [--seed N]
                    [--start-clock ISO-DATE] [--freeze-clock] [--network off|zoom]
                    [--client-id ID --client-secret SECRET --redirect-uri URL (repeatable)
                     --webhook-url URL --webhook-secret SECRET --scope SCOPE (repeatable) --app-type general|server_to_server]
  callport emulator advance SECONDS   [--url URL]   advance the virtual clock
  callport emulator faults JSON|reset [--url URL]   set fault switches (JSON) or clear them
  callport emulator network zoom|off|JSON [--url URL]
                                      network profile: Zoom-like latency and per-stream bandwidth, or
                                      numbers ({"apiLatencyMs":300,"downloadLatencyMs":400,"downloadBytesPerSecond":500000})
  callport emulator webhooks JSON     [--url URL]   set webhook switches
  callport emulator simulate JSON     [--url URL]   simulate a meeting
  callport emulator state|requests|counts|webhook-log [--url URL]`;

const adminCommands = new Set([
  'advance',
  'faults',
  'network',
  'webhooks',
  'simulate',
  'state',
  'requests',
  'counts',
  'webhook-log',
]);

async function callAdmin(baseUrl: string, method: string, path: string, body?: unknown): Promise<number> {
  const response = await fetch(`${baseUrl}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  console.log(text);
  return response.ok ? 0 : 1;
}

function parseJson(text: string | undefined): unknown {
  if (!text) throw new Error('a JSON argument is required');
  return JSON.parse(text);
}

async function runAdminCommand(command: string, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { url: { type: 'string', default: 'http://127.0.0.1:9090' } },
    allowPositionals: true,
  });
  const url = values.url;
  const argument = positionals[0];
  switch (command) {
    case 'advance':
      return callAdmin(url, 'POST', '/clock/advance', { seconds: Number(argument) });
    case 'faults':
      return argument === 'reset'
        ? callAdmin(url, 'DELETE', '/faults')
        : callAdmin(url, 'PUT', '/faults', parseJson(argument));
    case 'network':
      return argument !== undefined && isNetworkProfileName(argument)
        ? callAdmin(url, 'PUT', '/network', { profile: argument })
        : callAdmin(url, 'PUT', '/network', parseJson(argument));
    case 'webhooks':
      return callAdmin(url, 'PUT', '/webhooks', parseJson(argument));
    case 'simulate':
      return callAdmin(url, 'POST', '/meetings', parseJson(argument));
    case 'state':
      return callAdmin(url, 'GET', '/state');
    case 'requests':
      return callAdmin(url, 'GET', '/requests');
    case 'counts':
      return callAdmin(url, 'GET', '/requests/counts');
    default:
      return callAdmin(url, 'GET', '/webhooks/log');
  }
}

/** Entry point of `callport emulator ...`; resolves with the process exit code. */
export async function runEmulatorCli(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  // Help first, wherever it is asked for: `emulator advance --help` must not call a running emulator.
  if (first === 'help' || argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return 0;
  }
  if (first && adminCommands.has(first)) {
    try {
      return await runAdminCommand(first, rest);
    } catch (error) {
      if (
        !(error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
      ) {
        throw error;
      }
      console.error(`${error.message}\n\n${usage}`);
      return 2;
    }
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '9090' },
        host: { type: 'string', default: '127.0.0.1' },
        'public-url': { type: 'string' },
        scenario: { type: 'string', default: 'sandbox' },
        seed: { type: 'string', default: '1' },
        'start-clock': { type: 'string' },
        'freeze-clock': { type: 'boolean', default: false },
        network: { type: 'string', default: 'off' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'webhook-url': { type: 'string' },
        'webhook-secret': { type: 'string' },
        scope: { type: 'string', multiple: true },
        'app-type': { type: 'string', default: 'general' },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  const scenario = values.scenario as string;
  if (!scenarioNames.includes(scenario as ScenarioName)) {
    console.error(`Unknown scenario "${scenario}" (${scenarioNames.join(', ')}).`);
    return 2;
  }
  const network = values.network as string;
  if (!isNetworkProfileName(network)) {
    console.error(`Unknown network profile "${network}" (${Object.keys(networkProfiles).join(', ')}).`);
    return 2;
  }
  const port = Number(values.port);
  const seed = Number(values.seed);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(seed)) {
    console.error(`--port and --seed must be integers.\n\n${usage}`);
    return 2;
  }
  const app: EmulatorAppRegistration = {
    ...defaultSandboxApp,
    clientId: (values['client-id'] as string | undefined) ?? defaultSandboxApp.clientId,
    clientSecret: (values['client-secret'] as string | undefined) ?? defaultSandboxApp.clientSecret,
    redirectUris: (values['redirect-uri'] as string[] | undefined) ?? defaultSandboxApp.redirectUris,
    scopes: (values.scope as string[] | undefined) ?? defaultSandboxApp.scopes,
    webhookUrl: (values['webhook-url'] as string | undefined) ?? defaultSandboxApp.webhookUrl,
    webhookSecretToken:
      (values['webhook-secret'] as string | undefined) ?? defaultSandboxApp.webhookSecretToken,
    type: values['app-type'] === 'server_to_server' ? 'server_to_server' : 'general',
  };
  const startClock = values['start-clock'] ? new Date(values['start-clock'] as string) : undefined;
  if (startClock && Number.isNaN(startClock.getTime())) {
    console.error('--start-clock must be an ISO date.');
    return 2;
  }
  const emulator = await startEmulator({
    port,
    host: values.host as string,
    ...(values['public-url'] ? { publicUrl: values['public-url'] as string } : {}),
    scenario: scenario as ScenarioName,
    seed,
    apps: [app],
    ...(startClock ? { startClock } : {}),
    freezeClock: values['freeze-clock'] === true,
    network,
    logger: createLogger({ level: process.env.LOG_LEVEL ?? 'info', name: 'zoom-emulator' }),
  });
  const account = emulator.control.account();
  console.log(
    [
      `Zoom emulator listening on ${emulator.url} (scenario ${scenario}, seed ${seed})`,
      `  OAuth base URL: ${emulator.oauthUrl}    API base URL: ${emulator.apiUrl}`,
      `  Account ${account.name} (${account.id}), owner ${account.ownerEmail}`,
      `  Network profile ${network}${network === 'off' ? ' (loopback speed)' : `: ${JSON.stringify(networkProfiles[network])}`}`,
      `  App client id ${app.clientId}, webhooks to ${app.webhookUrl ?? '(none)'}`,
      `  Admin API: ${emulator.url}/_emulator/state`,
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await emulator.close();
  return 0;
}
