export * from './index.js';
export {
  DEFAULT_AUDIT_SIZE,
  DEFAULT_MAX_HAMMING,
  DEFAULT_SSIM_THRESHOLD,
  duplicatesFromPixels,
  findDuplicates,
  readAuditPixels,
  type AuditPixels,
  type AuditProgress,
  type DuplicateResult,
  type DuplicateStats,
  type FindDuplicatesOptions,
} from './find-duplicates.js';
export { auditDataset, pixelProfile, summarizeAudit, type AuditOptions, type AuditReport, type AuditSummary } from './audit-dataset.js';
export { grayPng, writeAudit, type WrittenAudit } from './write-audit.js';
