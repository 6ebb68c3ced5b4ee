import { groupPathColumn } from '../../platform/group-rename.js';

/** Enrollment tokens made for the renamed group enroll into it under its new name. */
export const enrollmentTokenGroupReferences = groupPathColumn('enrollment tokens', 'enrollment_tokens');
