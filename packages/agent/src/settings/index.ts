export { createSettingsFeature, type SettingsFeature, type SettingsFeatureOptions } from './settings.feature.js';
export { createMemorySettingsStore, type MemorySettingsStore } from './memory.settings-store.js';
export { createJsonFileSettingsStore, type JsonFileStoreOptions } from './json-file.settings-store.js';
export { createCommandSettingsStore, type CommandStoreOptions } from './command.settings-store.js';
export { flatten, digestOf, type SettingsStore, type Settings, type SettingsState } from './settings.store.js';
export { tamperedValue } from './settings.drift.js';
