export {
  defineCronJob,
  defineJob,
  type JobDefinition,
  type JobHandler,
  JobQueue,
  type SendOptions,
} from './queue.ts';
