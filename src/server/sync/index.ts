/** Public surface of the sync engine for the plugin and the actions. */
export { createSyncEngine, defaultRunnerId, type SyncEngine, type SyncEngineOptions } from './engine';
export { SyncScheduler, SCHEDULABLE_STATUSES } from './scheduler';
export { SyncRunner, RunAborted, type MailboxFactory, type MailboxHooks, type RunOptions, type RunSummary, type SyncKind, type SyncLogger } from './runner';
export { MailStore, type PageChanges, type PageOutcome } from './store';
export { AccountLease, LeaseLost, DEFAULT_LEASE_MS } from './lease';
export { failureStatus, type AccountStatus, type FailureStatus } from './failure-status';
export type { RunKind, RunRecord, RunError, SkippedReason, FolderMismatch } from './run-recorder';
