/**
 * Versions in ascending order, each entry newer than the one before it (entries in one inner
 * list name the same release). The filter language, rollout preflight and anti-rollback checks
 * are all tested against this one table.
 */
export const VERSION_ORDER_EXAMPLES: readonly (readonly string[])[] = [
  ['0.9.0'],
  ['0.10.0'],
  ['1.0.0-alpha'],
  ['1.0.0-alpha.1'],
  ['1.0.0-alpha.beta'],
  ['1.0.0-beta.2'],
  ['1.0.0-beta.11'],
  ['1.0.0-rc.1'],
  ['1.0.0', '1.0', '1', 'v1.0.0', '1.0.0+build.7'],
  ['2.1.0-rc1'],
  ['2.1.0-rc2'],
  ['2.1.0-rc10'],
  ['2.1.0', '2.1', '2.01.0'],
  ['2.1.0.9'],
  ['2.1.0.10'],
  ['2.1.1'],
  ['2.9.0'],
  ['2.10.0'],
  ['10.0.0'],
];
