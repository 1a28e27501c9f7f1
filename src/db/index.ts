export {
  type Database,
  DatabaseInUseError,
  type DatabaseOptions,
  type Db,
  type ExecuteSql,
  openDatabase,
  schema,
} from './client.ts';
export { selectValues, updateRow } from './rows.ts';
