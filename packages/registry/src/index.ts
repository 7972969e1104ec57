/**
 * `@x/registry`: an integrity-checked model registry a TypeScript trading service embeds.
 *
 * @packageDocumentation
 */
export { ARTIFACT_METADATA_KEYS, decodeArtifact, encodeArtifact } from './artifact.js';
export { type CacheStats, LruCache } from './cache.js';
export { CLI_EXIT, type CliIo, runCli } from './cli.js';
export {
  type AuditAction,
  type AuditEntry,
  emptyDocument,
  type ModelRecord,
  type RegistryDocument,
  referencedDigests,
  STAGES,
  type Stage,
  type TrafficSplit,
  type VersionRecord,
} from './document.js';
export { StorageUnavailableError } from './errors.js';
export { FsStorage, type FsStorageOptions } from './fs-storage.js';
export {
  abortCanary,
  type ChangeContext,
  canTransition,
  checkModelName,
  getModel,
  getVersion,
  type NewVersion,
  type RegisteredVersion,
  registerVersion,
  resolveRef,
  rollbackProduction,
  STAGE_TRANSITIONS,
  setAlias,
  setStage,
  setTraffic,
  type VersionBump,
} from './lifecycle.js';
export {
  ModelMetrics,
  type ModelMetricsOptions,
  VersionMetrics,
  type VersionSeries,
  type WindowStats,
} from './metrics.js';
export {
  type ChangeOptions,
  type GcReport,
  type GuardedChangeOptions,
  ModelRegistry,
  type RegisterOptions,
  type RegistryOptions,
  type RollbackResult,
  type VerifyProblem,
  type VerifyReport,
} from './registry.js';
export {
  type DecisionCounts,
  RollbackController,
  type RollbackControllerOptions,
  type RollbackEvent,
  type RollbackPolicy,
  type SloCheck,
  type SloMetric,
  type WindowDecision,
  type WindowOutcome,
} from './rollback.js';
export {
  CANARY_BUCKETS,
  canaryBucket,
  type RouteRole,
  Router,
  type RouterOptions,
  type RouteTarget,
} from './router.js';
export {
  dtypeBytes,
  parseSafetensors,
  SAFETENSORS_DTYPES,
  SAFETENSORS_MAX_HEADER_BYTES,
  type SafetensorsArray,
  type SafetensorsDtype,
  type SafetensorsEntry,
  type SafetensorsFile,
  type SafetensorsInput,
  serializeSafetensors,
  tensorView,
} from './safetensors.js';
export {
  type BlobInfo,
  type CasResult,
  isDigest,
  type MetadataSnapshot,
  type RegistryStorage,
  type StorageProblem,
  type SweepOptions,
} from './storage.js';
export type { RegistryWatch, WatchListener, WatchOptions } from './watch.js';
