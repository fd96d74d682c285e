// The migrations live in store/tables.ts with the rest of notify's SQL; alerter/api still
// imports them from here.
export { migrateNotify } from './store/tables';
