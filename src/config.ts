import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const proxyAddressNames = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (proxyAddressNames.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * Which proxies may say who the client is (X-Forwarded-For), as Fastify's `trustProxy` takes it: off,
 * or a comma-separated list of the proxies' addresses and CIDR ranges (`loopback`, `linklocal` and
 * `uniquelocal` name the usual ones). `true` (trust everyone) is refused: anyone could then choose
 * their own address and walk past the sign-in limit. A hop count is refused too: it cannot check who
 * sent the header, and Fastify 5 treats it as trusting no one.
 */
const trustProxyFromEnv = z
  .string()
  .trim()
  .transform((value, ctx): false | string[] => {
    if (value === 'false' || value === 'no' || value === '0') return false;
    const entries = value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const bad = entries.filter((entry) => !isProxyAddress(entry));
    if (entries.length === 0 || bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be false or a comma-separated list of the proxies' addresses or CIDR ranges (not an address: ${bad.join(', ') || value})`,
      });
      return z.NEVER;
    }
    return entries;
  });

/**
 * Every environment variable Callport reads. Defaults give the embedded mode: PGlite and a local
 * blob folder inside CALLPORT_DATA_DIR, and sandbox mode (the bundled Zoom emulator) when no Zoom
 * credentials are set. The README's configuration table mirrors this schema.
 */
const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    TRUST_PROXY: trustProxyFromEnv.default(false),
    PUBLIC_URL: z.url().optional(),
    CALLPORT_DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    STORAGE_URL: z
      .string()
      .regex(/^(s3|file):\/\//, 'must be s3://bucket/prefix or file:///path')
      .optional(),
    AWS_ENDPOINT_URL: z.url().optional(),
    AWS_REGION: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SESSION_TTL_HOURS: z.coerce
      .number()
      .int()
      .positive()
      .default(24 * 14),
    COOKIE_SECURE: booleanFromEnv.optional(),
    CALLPORT_ENCRYPTION_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/=_-]{43,}$/, 'must be 32 random bytes in base64 (openssl rand -base64 32)')
      .optional(),
    ZOOM_APP_TYPE: z.enum(['general', 'server_to_server']).default('general'),
    ZOOM_CLIENT_ID: z.string().min(1).optional(),
    ZOOM_CLIENT_SECRET: z.string().min(1).optional(),
    ZOOM_ACCOUNT_ID: z.string().min(1).optional(),
    ZOOM_WEBHOOK_SECRET_TOKEN: z.string().min(1).optional(),
    ZOOM_OAUTH_URL: z.url().default('https://zoom.us'),
    ZOOM_API_URL: z.url().default('https://api.zoom.us/v2'),
    SANDBOX_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(9090),
    SWEEP_INTERVAL_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(5),
    BACKFILL_DAYS: z.coerce.number().int().min(0).max(365).default(30),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    IMPORT_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .superRefine((env, ctx) => {
    if (env.ZOOM_CLIENT_ID && !env.ZOOM_CLIENT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['ZOOM_CLIENT_SECRET'], message: 'required with ZOOM_CLIENT_ID' });
    }
    if (env.ZOOM_APP_TYPE === 'server_to_server' && env.ZOOM_CLIENT_ID && !env.ZOOM_ACCOUNT_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['ZOOM_ACCOUNT_ID'],
        message: 'required for a Server-to-Server OAuth app',
      });
    }
  });

export type Env = z.infer<typeof configSchema>;

export type Config = Env & {
  dataDir: string;
  /** True when no Zoom credentials are configured: the bundled emulator plays Zoom. */
  isSandbox: boolean;
  publicUrl: string;
  cookieSecure: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; throws ConfigError listing every bad variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  return {
    ...env,
    dataDir: path.resolve(env.CALLPORT_DATA_DIR),
    isSandbox: !env.ZOOM_CLIENT_ID,
    publicUrl: publicUrl.replace(/\/$/, ''),
    cookieSecure: env.COOKIE_SECURE ?? publicUrl.startsWith('https://'),
  };
}
