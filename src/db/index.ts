export {
  type Database,
  DatabaseInUseError,
  type DatabaseOptions,
  type Db,
  type ExecuteSql,
  openDatabase,
  schema,
} from './client.ts';
