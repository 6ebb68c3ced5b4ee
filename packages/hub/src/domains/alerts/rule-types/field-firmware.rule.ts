import { OK, ParamReader, defineRuleType, type AnyRuleType } from './rule-type.js';

/** A field device behind a gateway, as the guard domain lists it. */
export interface FieldDeviceRecordLite {
  deviceId: string;
  target: string;
  protocol: string;
  address: number;
  vendor: string | null;
  product: string | null;
  revision: string | null;
}

export interface FieldFirmwareSource {
  /** Field devices of these gateways whose firmware is older than `below` (vendor/product: substrings). */
  olderThan(q: {
    below: string;
    vendor?: string;
    product?: string;
    deviceIn: readonly string[];
    limit: number;
  }): Promise<FieldDeviceRecordLite[]>;
}

interface Params {
  minVersion: string;
  vendor?: string;
  product?: string;
}

const MAX_LOADED = 50_000;
const NAMED_IN_TEXT = 5;

const optionalText = (p: ParamReader, raw: Record<string, unknown>, name: string) =>
  raw[name] === undefined ? undefined : p.str(name, { maxLength: 128 });

function label(f: FieldDeviceRecordLite): string {
  const what = [f.vendor, f.product].filter(Boolean).join(' ') || 'unknown device';
  const where = `${f.target} ${f.protocol === 'dnp3' ? 'outstation' : 'unit'} ${f.address}`;
  return `${what} at ${where} runs ${f.revision ?? '?'}`;
}

// A gateway whose guards saw a field device (matching vendor/product) report firmware older than
// `minVersion`: the alert names those devices; it resolves once every one reports a newer version.
export function fieldFirmwareRule(source: FieldFirmwareSource): AnyRuleType {
  return defineRuleType<Params, Map<string, FieldDeviceRecordLite[]>>({
    type: 'field_firmware',
    title: 'field device firmware older than allowed',
    params: {
      minVersion: 'lowest firmware version allowed (required), e.g. 2.4.0',
      vendor: 'only field devices whose vendor contains this text (default: any)',
      product: 'only field devices whose product contains this text (default: any)',
    },
    parse(given) {
      // A version typed as `2` arrives as a number from the command line's name=value parsing.
      const raw = typeof given.minVersion === 'number' ? { ...given, minVersion: String(given.minVersion) } : given;
      const p = new ParamReader(raw);
      const minVersion = p.str('minVersion', { maxLength: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9._+-]*$/ });
      const vendor = optionalText(p, raw, 'vendor');
      const product = optionalText(p, raw, 'product');
      p.done();
      return { minVersion, ...(vendor ? { vendor } : {}), ...(product ? { product } : {}) };
    },
    async load(ctx, p) {
      const rows = await source.olderThan({
        below: p.minVersion,
        vendor: p.vendor,
        product: p.product,
        deviceIn: ctx.devices.map((d) => d.id),
        limit: MAX_LOADED,
      });
      const by = new Map<string, FieldDeviceRecordLite[]>();
      for (const r of rows) by.set(r.deviceId, [...(by.get(r.deviceId) ?? []), r]);
      return by;
    },
    evaluate(dev, p, loaded) {
      const old = loaded.get(dev.id);
      if (!old?.length) return { ...OK, value: 0 };
      const named = old.slice(0, NAMED_IN_TEXT).map(label).join('; ');
      const more = old.length > NAMED_IN_TEXT ? ` and ${old.length - NAMED_IN_TEXT} more` : '';
      return {
        status: 'breach',
        value: old.length,
        text: `${old.length} field device(s) below firmware ${p.minVersion}: ${named}${more}`,
      };
    },
  });
}
