/**
 * Shared HTTP framework of the local provider emulators (dev/test only, never loaded by the plugin).
 *
 * A provider module builds a Router with its API routes, calls createEmulatorServer with a
 * fault renderer (provider-shaped errors), an identify hook (who a request belongs to) and
 * optionally a quota policy, then registers its own control routes on `server.controls`
 * (`POST /__control/seed`, `POST /__control/deliver`, `POST /__control/reset`, extras).
 * The core owns faults, latency, quota, request log and counters under `/__control/*`.
 */
export { Router, type RouteMatch, type RouterOptions } from './router';
export { createRequest, type RequestParts } from './request';
export { FaultRegistry, validateFault, type FaultAction, type FaultRenderer } from './faults';
export { QuotaTracker } from './quota';
export { RequestLog } from './log';
export {
  createEmulatorServer,
  encodeResponse,
  sleep,
  type EmulatorServer,
  type EmulatorServerOptions,
} from './server';
export { EmulatorControl, type EmulatorControlOptions } from './control-client';
export { FAULT_KINDS } from './types';
export type {
  ActiveFault,
  Counters,
  DeliverOptions,
  DeliverResult,
  EmulatorRequest,
  EmulatorResponse,
  FaultKind,
  FaultSpec,
  Handler,
  LogEntry,
  QuotaPolicy,
  QuotaRejection,
  QuotaSettings,
  QuotaWindow,
  SeedOptions,
  SeedResult,
  SeedUser,
} from './types';
