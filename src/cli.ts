import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, CommanderError, Option } from 'commander';
import {
  createOrganizationWithAdmin,
  createUser,
  editUser,
  findUserByEmail,
  generatePassword,
  listOrganizations,
} from './accounts/index.ts';
import { ConfigError, loadConfig } from './config.ts';
import { listActiveConnections, resealSecrets } from './connections/index.ts';
import { type Database, openDatabase } from './db/index.ts';
import { countRecordingsByStatus } from './import/index.ts';
import { createLogger } from './lib/logger.ts';
import { packageRoot } from './lib/package-root.ts';
import { loadKeyring, rotateKeyFile, SecretBox } from './lib/secret-box.ts';
import { type Callport, databaseOptionsFrom, type Role, startCallport } from './main.ts';
import type { startSandboxZoom } from './sandbox/start-sandbox.ts';

/**
 * The command line, parsed by commander: every command and subcommand answers `--help` / `-h` before
 * anything runs (no configuration read, no data folder, no port), an unknown option or command exits
 * 2 with the command's help (its valid options), and `--version` prints package.json's version.
 */
function buildProgram(launch: Launch, setExitCode: (code: number) => void) {
  const program = new Command('callport')
    .description('Every Zoom cloud recording of your sales team in its own call library.')
    .version(packageVersion(), '-v, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show this help and exit')
    .exitOverride()
    .showHelpAfterError()
    .addHelpText('after', '\nConfiguration comes from environment variables: see README.md.');
  const run = (action: () => Promise<number>) => async () => setExitCode(await action());

  program
    .command('start')
    .description('web + worker in one process (embedded defaults, sandbox without Zoom credentials)')
    .action(run(() => runServer(['web', 'worker'], launch)));
  program
    .command('web')
    .description('HTTP API, web UI and webhook receiver only')
    .action(run(() => runServer(['web'], launch)));
  program
    .command('worker')
    .description('background jobs only (sweeps, imports, audits)')
    .action(run(() => runServer(['worker'], launch)));
  program
    .command('migrate')
    .description('apply database migrations and exit')
    .action(run(() => migrate()));
  // Parsed by the emulator's own CLI (runCli hands it the arguments); listed here for the help.
  program
    .command('emulator')
    .description('run the bundled Zoom emulator on its own (see callport emulator --help)');

  const usersCommand = program.command('users').description('create users and reset passwords');
  usersCommand
    .command('create-admin')
    .description('create an organisation and its first admin (prints a generated password)')
    .requiredOption('--email <email>', "the admin's e-mail address")
    .option('--name <name>', "the admin's name (default: the part of the e-mail before @)")
    .option('--organization <name>', "the organisation's name", 'My company')
    .option('--password <password>', 'a password of at least 12 characters (default: a generated one)')
    .action(async (values: UserOptions) => setExitCode(await createAdmin(values)));
  usersCommand
    .command('create')
    .description('add a user to an organisation (prints a generated password)')
    .requiredOption('--email <email>', "the user's e-mail address")
    .option('--name <name>', "the user's name (default: the part of the e-mail before @)")
    .addOption(new Option('--role <role>', "the user's role").choices(['member', 'admin']).default('member'))
    .option('--organization <id-or-name>', 'the organisation (required when there are several)')
    .option('--password <password>', 'a password of at least 12 characters (default: a generated one)')
    .action(async (values: UserOptions) => setExitCode(await createMember(values)));
  usersCommand
    .command('reset-password')
    .description('set a new generated password for a user and print it')
    .requiredOption('--email <email>', "the user's e-mail address")
    .option('--password <password>', 'a password of at least 12 characters (default: a generated one)')
    .action(async (values: UserOptions) => setExitCode(await resetPassword(values)));

  program
    .command('import')
    .description(
      'backfill cloud recordings since a date (all connected organisations unless one is named) ' +
        'and show progress until the backlog is imported',
    )
    .requiredOption('--since <YYYY-MM-DD>', 'the first day to import')
    .option('--user <email>', "only this Zoom user's recordings")
    .option('--organization <id>', 'only this organisation')
    .action(async (values: ImportOptions) => setExitCode(await runImport(values)));

  program
    .command('keys')
    .description('manage the encryption keys of stored secrets')
    .command('rotate')
    .description(
      're-seal stored secrets with the newest encryption key\n' +
        '(embedded mode: adds a new key to <data>/encryption.key first;\n' +
        'with CALLPORT_ENCRYPTION_KEY: put the new key first, old keys after)',
    )
    .option('--drop-old', 'remove the old keys once every secret is re-sealed')
    .action(async (values: { dropOld?: boolean }) => setExitCode(await rotateKeys(values)));
  return program;
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

type UserOptions = {
  email: string;
  name?: string;
  organization?: string;
  password?: string;
  role?: 'member' | 'admin';
};
type ImportOptions = { since: string; user?: string; organization?: string };

/**
 * How bin/callport.js launched this process, logged at start with Node's own flags (`nodeFlags`):
 * `runtime`, the code it loaded (the compiled server or the sources); `v8Flags`, the V8 flags it set
 * before loading it.
 */
export type Launch = { runtime?: 'compiled' | 'sources'; v8Flags?: string[] };

export async function runCli(argv: string[], options: Launch = {}): Promise<number> {
  try {
    if (argv[0] === 'emulator') {
      const { runEmulatorCli } = await import('./zoom-emulator/cli.ts');
      return await runEmulatorCli(argv.slice(1));
    }
    let exitCode = 0;
    const program = buildProgram(options, (code) => {
      exitCode = code;
    });
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    // Help and version end in a CommanderError with exit code 0; usage errors (unknown option or
    // command, missing value) have already printed the message and the help: exit 2, as for usage.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 78;
    }
    console.error(error instanceof Error ? error.message : error);
    return 1;
  }
}

async function runServer(roles: Role[], launch: Launch): Promise<number> {
  const config = loadConfig();
  // A person at a terminal reads lines, a deployment's collector parses JSON.
  const isTerminal = process.stdout.isTTY === true;
  const logger = createLogger({ level: config.LOG_LEVEL, pretty: isTerminal });
  logger.info(
    {
      roles,
      runtime: launch.runtime,
      nodeFlags: process.execArgv,
      v8Flags: launch.v8Flags ?? [],
      node: process.version,
    },
    'callport starting',
  );
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
  // The bundled emulator (about 30 modules) is loaded in sandbox mode only: a server connected to Zoom
  // never holds it.
  const sandboxModules = config.isSandbox
    ? await Promise.all([import('./sandbox/start-sandbox.ts'), import('./sandbox/seed-sandbox.ts')])
    : undefined;
  let sandbox: Awaited<ReturnType<typeof startSandboxZoom>> | undefined;
  if (sandboxModules) {
    sandbox = await sandboxModules[0].startSandboxZoom({
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
    ...(isTerminal ? { requestLogLevel: 'debug' as const } : {}),
  });
  if (roles.includes('web')) {
    if (sandboxModules) {
      const seed = await sandboxModules[1].seedSandbox(callport.database.db);
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

/** Opens and migrates the database for a one-off command, runs it, and closes the database. */
async function withDatabase(action: (db: Database['db']) => Promise<number>): Promise<number> {
  const config = loadConfig();
  const database = await openDatabase(databaseOptionsFrom(config));
  try {
    await database.migrate();
    return await action(database.db);
  } finally {
    await database.close();
  }
}

async function createAdmin(values: UserOptions): Promise<number> {
  return withDatabase(async (db) => {
    const password = values.password ?? generatePassword();
    await createOrganizationWithAdmin(db, {
      organizationName: values.organization ?? 'My company',
      email: values.email,
      name: values.name ?? values.email.split('@')[0]!,
      password,
    });
    console.log(`Admin ${values.email} created.${values.password ? '' : ` Password: ${password}`}`);
    return 0;
  });
}

async function createMember(values: UserOptions): Promise<number> {
  return withDatabase(async (db) => {
    const organizations = await listOrganizations(db);
    const wanted = values.organization?.trim().toLowerCase();
    const matches = wanted
      ? organizations.filter((org) => org.id === wanted || org.name.toLowerCase() === wanted)
      : organizations;
    if (matches.length !== 1) {
      const known = organizations.map((org) => `  ${org.id}  ${org.name}`).join('\n');
      console.error(
        organizations.length === 0
          ? 'No organisation yet: create one with `callport users create-admin` first.'
          : `${wanted ? `No single organisation matches "${values.organization}"` : 'There are several organisations'}: name one with --organization (id or name).\n${known}`,
      );
      return 2;
    }
    const password = values.password ?? generatePassword();
    const user = await createUser(db, matches[0]!.id, null, {
      email: values.email,
      name: values.name ?? values.email.split('@')[0]!,
      role: values.role ?? 'member',
      password,
    });
    console.log(
      `${user.role === 'admin' ? 'Admin' : 'Member'} ${user.email} created in ${matches[0]!.name}.${values.password ? '' : ` Password: ${password}`}`,
    );
    return 0;
  });
}

async function resetPassword(values: UserOptions): Promise<number> {
  return withDatabase(async (db) => {
    const password = values.password ?? generatePassword();
    const user = await findUserByEmail(db, values.email);
    if (!user) {
      console.error(`No Callport user with the e-mail ${values.email}.`);
      return 1;
    }
    await editUser(db, user.organizationId, user.id, user.id, { password });
    console.log(`New password for ${user.email}: ${password}`);
    return 0;
  });
}

async function rotateKeys(values: { dropOld?: boolean }): Promise<number> {
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
    if (values.dropOld) {
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

async function runImport(values: ImportOptions): Promise<number> {
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
      await sleep(1000);
      const counts = await countRecordingsByStatus(callport.database.db, ids, values.since);
      const done =
        (counts.imported ?? 0) +
        (counts.skipped ?? 0) +
        (counts.failed ?? 0) +
        (counts.deleted ?? 0) +
        (counts.trashed ?? 0) +
        // Erased on purpose (privacy): never imported again, so done too. Without it the wait never ended.
        (counts.erased ?? 0);
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      // A sweep still running counts: it may list more recordings yet.
      const pending = await callport.queue.getQueueSize('import.sweep-connection', { includeActive: true });
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
