export {
  type ScannedStatement,
  type SqlDialect,
  SqlStatementScanner,
} from './sql-statement-scanner.js';
