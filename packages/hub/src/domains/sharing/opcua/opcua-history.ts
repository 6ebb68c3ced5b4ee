import type * as UA from 'node-opcua';
import type { DataType as PointType } from '@outpost/protocol';
import type { RollupRow, RollupTier, StreamValue, StreamsReader } from '../../streams/index.js';
import { badStatusOf } from '../point-status.js';

// HistoryRead of one point: raw values from the streams domain's raw history, processed ones
// (Average, Minimum, Maximum, Count) from its roll-ups, the tier chosen by the processing interval.

const MAX_RAW = 10_000;

type Ua = typeof UA;

export type AggregateName = 'average' | 'minimum' | 'maximum' | 'count';

export function tierFor(processingIntervalMs: number): RollupTier {
  if (processingIntervalMs >= 86_400_000) return '1d';
  if (processingIntervalMs >= 3_600_000) return '1h';
  return '1m';
}

export function aggregateOf(ua: Ua, aggregateType: UA.NodeId | undefined): AggregateName | null {
  const id = aggregateType?.value;
  const ids = ua.ObjectIds;
  if (id === ids.AggregateFunction_Average) return 'average';
  if (id === ids.AggregateFunction_Minimum) return 'minimum';
  if (id === ids.AggregateFunction_Maximum) return 'maximum';
  if (id === ids.AggregateFunction_Count) return 'count';
  return null;
}

export function rollupValue(row: RollupRow, agg: AggregateName): number {
  return agg === 'average' ? row.mean : agg === 'minimum' ? row.min : agg === 'maximum' ? row.max : row.count;
}

export function historyReader(
  ua: Ua,
  streams: Pick<StreamsReader, 'raw' | 'rollups'>,
  point: { deviceId: string; point: string; type: PointType },
  nowMs: () => number,
): UA.HistoryReadFunc {
  const variantType = ua.DataType[point.type === 'number' ? 'Double' : point.type === 'boolean' ? 'Boolean' : 'String'];
  const rawValue = (v: StreamValue) =>
    new ua.DataValue({
      value: v.value === null ? undefined : { dataType: variantType, value: v.value },
      statusCode:
        v.quality === 'good'
          ? ua.StatusCodes.Good
          : v.quality === 'uncertain'
            ? ua.StatusCodes.Uncertain
            : ua.StatusCodes[badStatusOf(v.reason)],
      sourceTimestamp: new Date(v.sourceTs),
      serverTimestamp: new Date(v.receivedAt),
    });

  async function read(
    details: UA.ReadRawModifiedDetails | UA.ReadProcessedDetails | unknown,
  ): Promise<UA.HistoryReadResult> {
    const bad = (code: UA.StatusCode) => new ua.HistoryReadResult({ statusCode: code });
    if (details instanceof ua.ReadRawModifiedDetails) {
      if (details.isReadModified) return bad(ua.StatusCodes.BadHistoryOperationUnsupported);
      const from = details.startTime?.getTime() ?? 0;
      const to = details.endTime?.getTime() ?? nowMs();
      const limit = Math.min(details.numValuesPerNode || MAX_RAW, MAX_RAW);
      const rows = await streams.raw({ deviceId: point.deviceId, point: point.point, from, to, limit });
      return new ua.HistoryReadResult({
        statusCode: ua.StatusCodes.Good,
        historyData: new ua.HistoryData({ dataValues: rows.map(rawValue) }),
      });
    }
    if (details instanceof ua.ReadProcessedDetails) {
      const agg = aggregateOf(ua, details.aggregateType?.[0]);
      if (!agg) return bad(ua.StatusCodes.BadAggregateNotSupported);
      if (point.type === 'string') return bad(ua.StatusCodes.BadAggregateInvalidInputs);
      const tier = tierFor(details.processingInterval);
      const rows = await streams.rollups({
        deviceId: point.deviceId,
        point: point.point,
        from: details.startTime?.getTime() ?? 0,
        to: details.endTime?.getTime() ?? nowMs(),
        tier,
      });
      const dataValues = rows.map(
        (r) =>
          new ua.DataValue({
            value: { dataType: ua.DataType.Double, value: rollupValue(r, agg) },
            statusCode: ua.StatusCodes.Good,
            sourceTimestamp: new Date(r.ts),
          }),
      );
      return new ua.HistoryReadResult({
        statusCode: ua.StatusCodes.Good,
        historyData: new ua.HistoryData({ dataValues }),
      });
    }
    return bad(ua.StatusCodes.BadHistoryOperationUnsupported);
  }

  return (_context, details, _indexRange, _encoding, _continuation, callback) => {
    read(details).then(
      (r) => callback(null, r),
      () => callback(null, new ua.HistoryReadResult({ statusCode: ua.StatusCodes.BadInternalError })),
    );
  };
}
