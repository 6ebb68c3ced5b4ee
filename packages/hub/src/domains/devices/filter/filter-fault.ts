import type { FilterError, FilterErrorCode } from './filter.types.js';

/**
 * Raised inside the parser and compiler to unwind deep recursion in one step;
 * the public entry points catch it and return it as a result, so it never escapes.
 */
export class FilterFault extends Error {
  constructor(readonly error: FilterError) {
    super(error.message);
    this.name = 'FilterFault';
  }

  static of(code: FilterErrorCode, message: string, position: number, length?: number): FilterFault {
    return new FilterFault(length === undefined ? { code, message, position } : { code, message, position, length });
  }

  static syntax(message: string, position: number, length?: number): FilterFault {
    return FilterFault.of('filter_syntax', message, position, length);
  }
}
