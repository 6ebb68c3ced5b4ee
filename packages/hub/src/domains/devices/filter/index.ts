// Public API of the device filter language.
export { parseFilter, MAX_FILTER_LENGTH, MAX_FILTER_DEPTH } from './filter-parser.js';
export { compileFilter, compileFilterText, MAX_GROUP_EXPANSIONS } from './filter-compiler.js';
export { collectGroups, groupPathsIn, MAX_GROUP_NESTING, type GroupLoader } from './filter-groups.js';
export { escapeLike } from './filter-sql.js';
export type * from './filter.types.js';
export { renameGroupInFilter, renamedPath, type FilterRewrite } from './filter-rename.js';
