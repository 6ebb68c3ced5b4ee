import { groupPathColumn } from '../../platform/group-rename.js';

/** Remote-access policies granted on the renamed group keep applying to its devices. */
export const accessPolicyGroupReferences = groupPathColumn('access policies', 'access_policies');
