export {
  defineCronJob,
  defineJob,
  type JobDefinition,
  type JobHandler,
  JobQueue,
  retryUpTo,
  type SendOptions,
} from './queue.ts';
