export { createDataFeature, type DataFeature, type DataFeatureOptions, type GuardRoute } from './data.feature.js';
export { parseDataConfig, DataConfigError, type DataConfig, type SourceConfig } from './data-config.js';
export { createBatchQueue, type BatchQueue, type StoredBatch } from './batch-queue.js';
export { decodeValue, encodeValue, type RegisterLayout } from './register-codec.js';
export { judged, bad, type DataSource, type Sample, type PointReporting } from './data-sample.js';
