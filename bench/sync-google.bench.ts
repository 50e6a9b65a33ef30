/**
 * Gmail: initial and incremental sync through the real adapter, engine and app.
 * Figures measured on the 2-core reference machine are in bench/README.md.
 */
import { defineSyncBenchmark } from './support/sync-scenario';

defineSyncBenchmark('google', {
  // Quota-bound, not CPU-bound: this mailbox costs 5.6 units a message (raw get, plus a full get
  // for attachments), so 250 units/s caps it at ~45 msg/s; the limiter keeps 250 units per 1.2 s
  // (see GMAIL_USER_QUOTA) so Google never refuses, which caps it at ~37. Measured 31.1 with both
  // cores busy; 26 leaves ~15 % for noise and still catches a serialized fetch or a 429 storm.
  initialMessagesPerSecond: { value: 26, why: 'measured 31.1 msg/s, quota-bound (limiter ceiling ~37 msg/s for 5.6 units/msg)' },
  quotaUsePercent: { value: 62, why: 'measured 73.5 % of 250 units/s; the limiter itself stops at 83 %' },
  quotaRejections: { value: 0, why: 'the limiter knows the budget: the provider should never have to refuse a request' },
  firstPageMs: { value: 3_000, why: 'product requirement (acceptance 4): newest mail visible within 3 s at 100 ms latency' },
  incrementalSeconds: { value: 8, why: 'measured 3.4-4.4 s for 50 new + 30 changed at 100 ms latency' },
  incrementalRequests: { value: 140, why: 'measured 117-125: ~88 message gets (50 new, 30 changed, retried 429s), history, 2x label counts (36)' },
  peakRssGrowthMb: { value: 300, why: 'measured 42-229 MB (GC timing decides the peak); a page at a time, whatever the mailbox size' },
  retainedHeapMb: { value: 25, why: 'measured 4-7 MB after GC; 2,000 retained messages would be far above' },
});
