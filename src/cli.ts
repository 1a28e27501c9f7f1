import { parseArgs } from 'node:util';
import {
  createOrganizationWithAdmin,
  editUser,
  findUserByEmail,
  generatePassword,
} from './accounts/index.ts';
import { ConfigError, loadConfig } from './config.ts';
import { listActiveConnections, resealSecrets } from './connections/index.ts';
import { openDatabase } from './db/index.ts';
import { countRecordingsByStatus } from './import/index.ts';
import { createLogger } from './lib/logger.ts';
import { loadKeyring, rotateKeyFile, SecretBox } from './lib/secret-box.ts';
import { type Callport, databaseOptionsFrom, type Role, startCallport } from './main.ts';
import { seedSandbox } from './sandbox/seed-sandbox.ts';
import { startSandboxZoom } from './sandbox/start-sandbox.ts';

const usage = `Usage: callport <command> [options]

Commands:
  start                       web + worker in one process (embedded defaults, sandbox without Zoom credentials)
  web                         HTTP API, web UI and webhook receiver only
  worker                      background jobs only (sweeps, imports, audits)
  migrate                     apply database migrations and exit
  emulator [--port 9090] [--scenario sandbox|empty] [--seed N]
                              run the bundled Zoom emulator on its own
  users create-admin --email E --name N [--organization O] [--password P]
                              create an organisation and its first admin (prints a generated password)
  users reset-password --email E
                              set a new generated password for a user and print it
  import --since YYYY-MM-DD [--user EMAIL] [--organization ID]
                              backfill cloud recordings since a date (all connected organisations
                              unless one is named) and show progress until the backlog is imported
  keys rotate [--drop-old]    re-seal stored secrets with the newest encryption key
                              (embedded mode: adds a new key to <data>/encryption.key first;
                              with CALLPORT_ENCRYPTION_KEY: put the new key first, old keys after)

Configuration comes from environment variables: see README.md.`;

/** `runtime`: which code bin/callport.js loaded (the compiled server or the sources), logged at start. */
export async function runCli(
  argv: string[],
  options: { runtime?: 'compiled' | 'sources' } = {},
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await runServer(['web', 'worker'], options.runtime);
      case 'web':
        return await runServer(['web'], options.runtime);
      case 'worker':
        return await runServer(['worker'], options.runtime);
      case 'migrate':
        return await migrate();
      case 'emulator': {
        const { runEmulatorCli } = await import('./zoom-emulator/cli.ts');
        return await runEmulatorCli(rest);
      }
      case 'users':
        return await runUsers(rest);
      case 'keys':
        return await runKeys(rest);
      case 'import':
        return await runImport(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(usage);
        return command === undefined ? 2 : 0;
      default:
        console.error(`Unknown command "${command}".\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 78;
    }
    console.error(error instanceof Error ? error.message : error);
    return 1;
  }
}

async function runServer(roles: Role[], runtime: string | undefined): Promise<number> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL });
  logger.info({ roles, runtime, node: process.version }, 'callport starting');
  // Listen for the stop signal before starting: one sent during startup (a supervisor, a test right
  // after "worker started") stops the process cleanly once it is up instead of killing it mid-way.
  const stopSignal = new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  let sandbox: Awaited<ReturnType<typeof startSandboxZoom>> | undefined;
  if (config.isSandbox) {
    sandbox = await startSandboxZoom({
      dataDir: config.dataDir,
      publicUrl: config.publicUrl,
      port: config.SANDBOX_EMULATOR_PORT,
      logger: logger.child({ module: 'zoom-emulator' }),
    });
  }
  const callport: Callport = await startCallport(config, {
    roles,
    logger,
    ...(sandbox ? { zoomApp: sandbox.zoomApp } : {}),
  });
  if (roles.includes('web')) {
    if (config.isSandbox) {
      const seed = await seedSandbox(callport.database.db);
      printSandboxBanner(callport.url ?? config.publicUrl, seed.adminEmail, seed.adminPassword);
    } else {
      console.log(`Callport is running at ${callport.url}`);
    }
  }
  await stopSignal;
  await callport.stop();
  await sandbox?.emulator.close();
  return 0;
}

function printSandboxBanner(url: string, email: string, password: string | undefined) {
  const lines = [
    '',
    `  Callport is running at ${url.replace('127.0.0.1', 'localhost')}  (sandbox mode: no Zoom credentials set)`,
    '',
    `  Sign in as   ${email}`,
    password
      ? `  Password     ${password}`
      : '  Password     shown at first start; `npx callport users reset-password --email ' +
        email +
        '` sets a new one',
    '',
  ];
  console.log(lines.join('\n'));
}

async function migrate(): Promise<number> {
  const config = loadConfig();
  const database = await openDatabase(databaseOptionsFrom(config));
  try {
    await database.migrate();
    console.log('Migrations applied.');
    return 0;
  } finally {
    await database.close();
  }
}

async function runUsers(argv: string[]): Promise<number> {
  const [subcommand, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      organization: { type: 'string' },
      password: { type: 'string' },
    },
  });
  if (!values.email) {
    console.error('--email is required.');
    return 2;
  }
  const config = loadConfig();
  const database = await openDatabase(databaseOptionsFrom(config));
  try {
    await database.migrate();
    const password = values.password ?? generatePassword();
    if (subcommand === 'create-admin') {
      await createOrganizationWithAdmin(database.db, {
        organizationName: values.organization ?? 'My company',
        email: values.email,
        name: values.name ?? values.email.split('@')[0]!,
        password,
      });
      console.log(`Admin ${values.email} created.${values.password ? '' : ` Password: ${password}`}`);
      return 0;
    }
    if (subcommand === 'reset-password') {
      const user = await findUserByEmail(database.db, values.email);
      if (!user) {
        console.error(`No Callport user with the e-mail ${values.email}.`);
        return 1;
      }
      await editUser(database.db, user.organizationId, user.id, user.id, { password });
      console.log(`New password for ${user.email}: ${password}`);
      return 0;
    }
    console.error(`Unknown users subcommand "${subcommand}". Use create-admin or reset-password.`);
    return 2;
  } finally {
    await database.close();
  }
}

async function runKeys(argv: string[]): Promise<number> {
  const [subcommand, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { 'drop-old': { type: 'boolean', default: false } } });
  if (subcommand !== 'rotate') {
    console.error('Usage: callport keys rotate [--drop-old]');
    return 2;
  }
  const config = loadConfig();
  const database = await openDatabase(databaseOptionsFrom(config));
  try {
    await database.migrate();
    let keys: Buffer[];
    if (config.CALLPORT_ENCRYPTION_KEY) {
      keys = await loadKeyring({ configured: config.CALLPORT_ENCRYPTION_KEY, dataDir: config.dataDir });
    } else {
      keys = await rotateKeyFile(config.dataDir, { dropOld: false });
    }
    const count = await resealSecrets(database.db, new SecretBox(keys));
    console.log(`Re-sealed ${count} stored secret(s) with the newest key.`);
    if (values['drop-old']) {
      if (config.CALLPORT_ENCRYPTION_KEY) {
        console.log('Now remove the old keys from CALLPORT_ENCRYPTION_KEY (keep only the first).');
      } else {
        await rotateKeyFile(config.dataDir, { dropOld: true });
        console.log('Old keys removed from the key file.');
      }
    }
    return 0;
  } finally {
    await database.close();
  }
}

async function runImport(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { since: { type: 'string' }, user: { type: 'string' }, organization: { type: 'string' } },
  });
  if (!values.since || !/^\d{4}-\d{2}-\d{2}$/.test(values.since)) {
    console.error('--since YYYY-MM-DD is required.');
    return 2;
  }
  const config = loadConfig();
  // A web-less Callport: this process queues the backfill; workers (or this one) import it.
  const callport = await startCallport(config, { roles: ['worker'] });
  try {
    const connections = (await listActiveConnections(callport.database.db)).filter(
      (connection) => !values.organization || connection.organizationId === values.organization,
    );
    if (connections.length === 0) {
      console.error('No connected Zoom account: connect Zoom in Settings > Integrations first.');
      return 1;
    }
    for (const connection of connections) {
      await callport.importer.requestSweep(connection.id, {
        since: values.since,
        ...(values.user ? { userEmail: values.user } : {}),
      });
    }
    const ids = connections.map((connection) => connection.id);
    const startedAt = Date.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const counts = await countRecordingsByStatus(callport.database.db, ids, values.since);
      const done =
        (counts.imported ?? 0) +
        (counts.skipped ?? 0) +
        (counts.failed ?? 0) +
        (counts.deleted ?? 0) +
        (counts.trashed ?? 0);
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      const pending = await callport.queue.getQueueSize('import.sweep-connection');
      const width = 30;
      const filled = total === 0 ? 0 : Math.round((done / total) * width);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} recordings · imported ${counts.imported ?? 0} · skipped ${counts.skipped ?? 0} · ${Math.round((Date.now() - startedAt) / 1000)} s   `,
      );
      if (pending === 0 && Date.now() - startedAt > 3000 && done === total) break;
    }
    process.stderr.write('\n');
    console.log('Backfill complete.');
    return 0;
  } finally {
    await callport.stop();
  }
}
