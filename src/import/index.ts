export { fileKeyOf, wantedFileTypes } from './discover-recording.ts';
export {
  eraseRecording,
  findCallsMentioning,
  rememberErasedNames,
  removePersonFromCall,
} from './erase-recording.ts';
export { ImportFeature } from './feature.ts';
export { registerImportRoutes } from './http.ts';
export { importRecordingJob, sweepConnectionJob } from './jobs.ts';
export { countRecordingsByStatus, replaceTranscript } from './queries.ts';
export { dateWindows } from './sweep-connection.ts';
export { parseChat, parseVtt } from './vtt.ts';
