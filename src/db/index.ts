export {
  type Database,
  type DatabaseOptions,
  type Db,
  type ExecuteSql,
  openDatabase,
  schema,
} from './client.ts';
