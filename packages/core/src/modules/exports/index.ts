/** Exports of sessions, CDRs and meter values (CSV, XLSX) as background jobs. */
export { EXPORT_FORMATS, EXPORT_KINDS, type ExportFilter, type ExportFormat, type ExportKind } from './definitions.js';
export type { ExportJob, ExportStatus } from './repository.js';
export type { ExportFile, ExportRequest } from './service.js';
