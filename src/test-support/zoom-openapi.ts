/**
 * Request-side contract: checks requests made to the Zoom API (as the emulator logged them) against
 * Zoom's published OpenAPI specs kept in `docs/zoom/openapi/`: the operation exists (method and path),
 * every query parameter is declared by it and has a value its schema allows, required ones are present.
 * A missing spec file throws: the specs are part of the repository.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { RequestLogEntry } from '../zoom-emulator/request-log.ts';

type Parameter = { name: string; in: string; required?: boolean; schema?: Record<string, unknown> };
type Operation = { parameters?: Parameter[] };
type Spec = { paths: Record<string, Record<string, Operation>> };

const specDir = new URL('../../docs/zoom/openapi/', import.meta.url);
const specNames = ['accounts', 'users', 'meetings'] as const;
let specs: Map<string, Spec> | undefined;

function loadSpecs(): Map<string, Spec> {
  specs ??= new Map(
    specNames.map((name) => [
      name,
      JSON.parse(readFileSync(new URL(`${name}.json`, specDir), 'utf8')) as Spec,
    ]),
  );
  return specs;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// Query values arrive as strings: coerce them to the declared type before checking.
const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: true });
addFormats(ajv);
for (const format of ['int64', 'int32', 'double', 'float']) ajv.addFormat(format, true);
const validators = new Map<string, ValidateFunction>();

/**
 * Operations Zoom published after the spec copies in docs/zoom/openapi/ (2024-01 for meetings), each with
 * the query parameters its reference declares and where that is written down (docs/zoom-platform.md).
 */
const laterOperations: Record<string, { query: string[] }> = {
  // Added 2023-11-20 (Zoom's Meeting API changelog); docs/zoom-platform.md §2.6.
  'GET /meetings/{meetingId}/meeting_summary': { query: [] },
};

/** `/v2/users/:userId/recordings` (the emulator's route) → `/users/{userId}/recordings` (the specs' path). */
export function specPathOf(route: string): string {
  return route.replace(/^\/v2/, '').replace(/:([A-Za-z]+)/g, '{$1}');
}

/** Why each request breaks the specs (empty: all conform). Non-REST requests (OAuth, downloads) are skipped. */
export function requestContractErrors(
  entries: Pick<RequestLogEntry, 'method' | 'route' | 'query'>[],
): string[] {
  const errors = new Set<string>();
  for (const entry of entries) {
    if (!entry.route.startsWith('/v2/')) continue;
    const path = specPathOf(entry.route);
    const method = entry.method.toLowerCase();
    const operations = [...loadSpecs()]
      .map(([name, spec]) => ({ name, operation: spec.paths[path]?.[method] }))
      .filter((found): found is { name: string; operation: Operation } => found.operation !== undefined);
    const label = `${entry.method} ${path}`;
    const later = laterOperations[label];
    if (operations.length === 0 && later) {
      const unknown = Object.keys(entry.query).filter((name) => !later.query.includes(name));
      if (unknown.length > 0) errors.add(`${label}: undeclared query parameters ${unknown.join(', ')}`);
      continue;
    }
    if (operations.length === 0) {
      errors.add(`${label}: no such operation in Zoom's specs`);
      continue;
    }
    // Conforms when it conforms to one spec that has the operation (they differ in age).
    const perSpec = operations.map(({ name, operation }) => {
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query');
      const key = `${name} ${label}`;
      let validate = validators.get(key);
      if (!validate) {
        validate = ajv.compile({
          type: 'object',
          properties: Object.fromEntries(query.map((p) => [p.name, p.schema ?? {}])),
          required: query.filter((p) => p.required).map((p) => p.name),
          additionalProperties: false,
        });
        validators.set(key, validate);
      }
      const values = { ...entry.query };
      return validate(values)
        ? null
        : `${label} ${JSON.stringify(entry.query)}: ${ajv.errorsText(validate.errors)}`;
    });
    if (perSpec.every((error) => error !== null)) errors.add(perSpec[0] as string);
  }
  return [...errors];
}
