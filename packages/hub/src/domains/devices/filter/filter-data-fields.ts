import { DATA_POINT_RE, DATA_QUALITIES } from '@outpost/protocol';
import { FilterFault } from './filter-fault.js';
import type { Token } from './filter-lexer.js';
import type { DataFieldRef, FilterValue } from './filter.types.js';

// `data.<point>` fields: a device's latest value of one data point; `data.<point>.quality` its
// quality. Point names may hold dots (`data.pump1.run`); a final `.quality` names the quality.

export const DATA_PREFIX = 'data.';
const QUALITY_SUFFIX = '.quality';

export function dataField(lower: string, t: Token): DataFieldRef {
  const rest = lower.slice(DATA_PREFIX.length);
  const quality = rest.endsWith(QUALITY_SUFFIX) && rest.length > QUALITY_SUFFIX.length;
  const point = quality ? rest.slice(0, -QUALITY_SUFFIX.length) : rest;
  if (!DATA_POINT_RE.test(point)) {
    throw FilterFault.syntax(
      `invalid data point "${point}" at position ${t.position + DATA_PREFIX.length}: lowercase letters, digits, "_", "-" and ".", starting with a letter`,
      t.position,
      t.length,
    );
  }
  return { name: 'data', point, part: quality ? 'quality' : 'value' };
}

export function qualityValue(raw: Token): FilterValue {
  const text = raw.text.toLowerCase();
  if ((DATA_QUALITIES as readonly string[]).includes(text))
    return { type: 'text', text, position: raw.position, length: raw.length };
  throw FilterFault.syntax(
    `a quality is one of ${DATA_QUALITIES.join(', ')}, not "${raw.text}" at position ${raw.position}`,
    raw.position,
    raw.length,
  );
}
