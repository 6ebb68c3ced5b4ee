export { createFilesFeature, type FilesFeatureOptions } from './files.feature.js';
export { parseFileRoot, parseFileRoots, type DeclaredRoot } from './file-roots.js';
export { FileRefused } from './confine.js';
