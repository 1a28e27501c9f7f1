import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ExecuteSql } from '../../src/db/index.ts';
import { wantedFileTypes } from '../../src/import/index.ts';
import type { EmulatorControl } from '../../src/zoom-emulator/index.ts';

/** A meeting the soak ran at the emulator. */
export type SoakMeeting = {
  uuid: string;
  topic: string;
  hostEmail: string;
  /** The host is linked in Callport: the recording must be imported. Otherwise it must not become a call. */
  linked: boolean;
  phase: 'backlog' | 'live';
};

/** A file Zoom has for a recording and Callport must keep (MP4, M4A, TRANSCRIPT, CHAT, TIMELINE). */
export type ZoomFile = { fileKey: string; fileType: string; size: number; sha256: string };

export type StoredRecording = {
  id: string;
  meetingUuid: string;
  topic: string;
  status: string;
  statusReason: string | null;
  updatedAt: string;
  claimedUntil: string | null;
  calls: number;
  files: Array<{
    fileKey: string;
    fileType: string;
    storageKey: string | null;
    storedSize: number | null;
    sha256: string | null;
  }>;
};

/** Zoom's files of a recording as Callport keys them (file id, or type + start for files without id). */
export async function zoomFilesOf(control: EmulatorControl, uuid: string): Promise<ZoomFile[]> {
  const recording = await control.getRecording(uuid);
  if (!recording) return [];
  return recording.files
    .filter((file) => file.visible && wantedFileTypes.has(file.fileType))
    .map((file) => ({
      fileKey: file.id ?? `${file.fileType}:${file.recordingStart}`,
      fileType: file.fileType,
      size: file.size,
      sha256: file.sha256,
    }));
}

/** Every recording row of the database (each with its files and number of calls), by meeting UUID. */
export async function loadRecordings(executeSql: ExecuteSql): Promise<Map<string, StoredRecording[]>> {
  const recordings = await executeSql(
    `SELECT r.id, r.meeting_uuid, r.topic, r.status, r.status_reason, r.updated_at, r.claimed_until,
            (SELECT count(*)::int FROM calls c WHERE c.recording_id = r.id) AS calls
       FROM recordings r`,
  );
  const files = await executeSql(
    'SELECT recording_id, file_key, file_type, storage_key, stored_size, sha256 FROM recording_files',
  );
  const filesByRecording = new Map<string, StoredRecording['files']>();
  for (const row of files.rows) {
    const list = filesByRecording.get(String(row.recording_id)) ?? [];
    list.push({
      fileKey: String(row.file_key),
      fileType: String(row.file_type),
      storageKey: row.storage_key === null ? null : String(row.storage_key),
      storedSize: row.stored_size === null ? null : Number(row.stored_size),
      sha256: row.sha256 === null ? null : String(row.sha256),
    });
    filesByRecording.set(String(row.recording_id), list);
  }
  const byUuid = new Map<string, StoredRecording[]>();
  for (const row of recordings.rows) {
    const stored: StoredRecording = {
      id: String(row.id),
      meetingUuid: String(row.meeting_uuid),
      topic: String(row.topic),
      status: String(row.status),
      statusReason: row.status_reason === null ? null : String(row.status_reason),
      updatedAt: new Date(row.updated_at as string).toISOString(),
      claimedUntil: row.claimed_until === null ? null : new Date(row.claimed_until as string).toISOString(),
      calls: Number(row.calls),
      files: filesByRecording.get(String(row.id)) ?? [],
    };
    byUuid.set(stored.meetingUuid, [...(byUuid.get(stored.meetingUuid) ?? []), stored]);
  }
  return byUuid;
}

/** Zoom files that have no stored copy (by key) in the recording. */
export function missingFiles(zoomFiles: ZoomFile[], recording: StoredRecording | undefined): ZoomFile[] {
  return zoomFiles.filter((zoomFile) => {
    const stored = recording?.files.find((file) => file.fileKey === zoomFile.fileKey);
    return !stored?.storageKey || stored.storedSize === null;
  });
}

/** A linked meeting is done when its one recording is imported with every Zoom file stored. */
export function isDone(zoomFiles: ZoomFile[], rows: StoredRecording[] | undefined): boolean {
  const recording = rows?.[0];
  return (
    rows?.length === 1 && recording?.status === 'imported' && missingFiles(zoomFiles, recording).length === 0
  );
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

export type Verdict = {
  expectedImports: number;
  imported: number;
  notImported: string[];
  duplicateRecordings: string[];
  duplicateCalls: string[];
  missingCalls: string[];
  unlinkedCalls: string[];
  unexpectedRecordings: number;
  filesChecked: number;
  bytesChecked: number;
  missingFiles: string[];
  integrityFailures: string[];
  orphanBlobs: string[];
};

/**
 * The end-of-soak checks: each linked meeting imported exactly once (one recording row, one call), no
 * call for an unlinked host, and every Zoom file stored once, on disk, with Zoom's size and sha256.
 */
export async function verify(options: {
  executeSql: ExecuteSql;
  meetings: SoakMeeting[];
  zoomFiles: Map<string, ZoomFile[]>;
  storageRoot: string;
}): Promise<Verdict> {
  const { meetings, storageRoot } = options;
  const byUuid = await loadRecordings(options.executeSql);
  const verdict: Verdict = {
    expectedImports: meetings.filter((meeting) => meeting.linked).length,
    imported: 0,
    notImported: [],
    duplicateRecordings: [],
    duplicateCalls: [],
    missingCalls: [],
    unlinkedCalls: [],
    unexpectedRecordings: 0,
    filesChecked: 0,
    bytesChecked: 0,
    missingFiles: [],
    integrityFailures: [],
    orphanBlobs: [],
  };
  const known = new Set(meetings.map((meeting) => meeting.uuid));
  verdict.unexpectedRecordings = [...byUuid.keys()].filter((uuid) => !known.has(uuid)).length;
  const referenced = new Set<string>();
  for (const rows of byUuid.values())
    for (const row of rows)
      for (const file of row.files) if (file.storageKey) referenced.add(file.storageKey);

  for (const meeting of meetings) {
    const rows = byUuid.get(meeting.uuid) ?? [];
    const label = `${meeting.topic} (${meeting.uuid})`;
    if (rows.length > 1) verdict.duplicateRecordings.push(`${label}: ${rows.length} recording rows`);
    for (const row of rows) {
      if (row.calls > 1) verdict.duplicateCalls.push(`${label}: ${row.calls} calls`);
      if (!meeting.linked && row.calls > 0)
        verdict.unlinkedCalls.push(`${label}: host not linked, yet a call`);
    }
    if (!meeting.linked) continue;
    const row = rows[0];
    if (row?.status !== 'imported') {
      verdict.notImported.push(
        `${label}: ${row ? `${row.status} (${row.statusReason ?? 'no reason'})` : 'never discovered'}`,
      );
      continue;
    }
    verdict.imported++;
    if (row.calls === 0) verdict.missingCalls.push(`${label}: imported without a call`);
    const zoomFiles = options.zoomFiles.get(meeting.uuid) ?? [];
    for (const zoomFile of zoomFiles) {
      const stored = row.files.find((file) => file.fileKey === zoomFile.fileKey);
      const name = `${meeting.topic} ${zoomFile.fileType} ${zoomFile.fileKey}`;
      if (!stored?.storageKey) {
        verdict.missingFiles.push(`${name}: not stored`);
        continue;
      }
      verdict.filesChecked++;
      const onDisk = path.join(storageRoot, stored.storageKey);
      const stat = await fs.stat(onDisk).catch(() => undefined);
      if (!stat) {
        verdict.integrityFailures.push(`${name}: ${stored.storageKey} missing on disk`);
        continue;
      }
      verdict.bytesChecked += stat.size;
      const diskSha = await sha256OfFile(onDisk);
      const problems = [
        stored.storedSize !== zoomFile.size ? `stored_size ${stored.storedSize} ≠ Zoom ${zoomFile.size}` : '',
        stored.sha256 !== zoomFile.sha256 ? 'stored sha256 ≠ Zoom' : '',
        stat.size !== zoomFile.size ? `file on disk ${stat.size} bytes ≠ Zoom ${zoomFile.size}` : '',
        diskSha !== zoomFile.sha256 ? 'sha256 on disk ≠ Zoom' : '',
      ].filter(Boolean);
      if (problems.length > 0) verdict.integrityFailures.push(`${name}: ${problems.join(', ')}`);
    }
  }
  for (const file of await listFiles(storageRoot)) {
    if (!referenced.has(file)) verdict.orphanBlobs.push(file);
  }
  return verdict;
}

/** Failures that make the soak red, one line each. */
export function failuresOf(verdict: Verdict): string[] {
  const sections: Array<[string, string[]]> = [
    ['recording not imported', verdict.notImported],
    ['duplicate recording rows', verdict.duplicateRecordings],
    ['duplicate calls', verdict.duplicateCalls],
    ['imported without a call', verdict.missingCalls],
    ['call for an unlinked host', verdict.unlinkedCalls],
    ['Zoom file not stored', verdict.missingFiles],
    ['integrity', verdict.integrityFailures],
    ['blob on disk not referenced by the database', verdict.orphanBlobs],
  ];
  return sections.flatMap(([title, items]) => items.map((item) => `${title}: ${item}`));
}
