import type { Db } from '../../storage/database.js';

/** What the engine remembers about one rule on one device between evaluations. */
export interface TimerState {
  /** Since when (epoch ms) the condition has held, counting towards the rule's `for`. */
  breachSince?: number;
  /** Since when it has been clear, counting towards `clearFor` (or the flapping quiet time). */
  clearSince?: number;
  /** Recent firing times, for flap damping. */
  fires: number[];
  /** Resolved by hand while the condition held: do not fire again until it has cleared once. */
  manualHold?: boolean;
}

export interface AlertTimersStore {
  /** Every stored timer by `ruleId|deviceId`, and when the engine last ran (null: never). */
  load(): Promise<{ lastRunAt: number | null; states: Map<string, TimerState> }>;
  /** Writes the timers that changed and drops the ones that went idle, with the time of this run. */
  save(at: number, changed: Array<[string, TimerState]>, dropped: string[]): Promise<void>;
}

const RUN_ROW = 'engine';
const CHUNK = 400;

export const timerKey = (ruleId: string, deviceId: string) => `${ruleId}|${deviceId}`;
function splitKey(key: string): [string, string] {
  const i = key.indexOf('|');
  return [key.slice(0, i), key.slice(i + 1)];
}

export function createAlertTimersStore(db: Db): AlertTimersStore {
  return {
    async load() {
      const [rows, run] = await Promise.all([
        db.selectFrom('alert_timers').selectAll().execute(),
        db.selectFrom('alert_engine_runs').select('last_run_at').where('id', '=', RUN_ROW).executeTakeFirst(),
      ]);
      const states = new Map<string, TimerState>();
      for (const r of rows) {
        let fires: number[] = [];
        try {
          const parsed: unknown = JSON.parse(r.fires_json);
          if (Array.isArray(parsed)) fires = parsed.filter((f): f is number => typeof f === 'number');
        } catch {
          // A damaged row loses its flap history, nothing else.
        }
        states.set(timerKey(r.rule_id, r.device_id), {
          breachSince: r.breach_since === null ? undefined : Number(r.breach_since),
          clearSince: r.clear_since === null ? undefined : Number(r.clear_since),
          fires,
          manualHold: r.manual_hold === 1 || undefined,
        });
      }
      return { lastRunAt: run ? Number(run.last_run_at) : null, states };
    },

    async save(at, changed, dropped) {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < changed.length; i += CHUNK) {
          const values = changed.slice(i, i + CHUNK).map(([key, st]) => {
            const [rule_id, device_id] = splitKey(key);
            return {
              rule_id,
              device_id,
              breach_since: st.breachSince ?? null,
              clear_since: st.clearSince ?? null,
              fires_json: JSON.stringify(st.fires),
              manual_hold: st.manualHold ? 1 : 0,
            };
          });
          await trx
            .insertInto('alert_timers')
            .values(values)
            .onConflict((oc) =>
              oc.columns(['rule_id', 'device_id']).doUpdateSet((eb) => ({
                breach_since: eb.ref('excluded.breach_since'),
                clear_since: eb.ref('excluded.clear_since'),
                fires_json: eb.ref('excluded.fires_json'),
                manual_hold: eb.ref('excluded.manual_hold'),
              })),
            )
            .execute();
        }
        const byRule = new Map<string, string[]>();
        for (const key of dropped) {
          const [ruleId, deviceId] = splitKey(key);
          byRule.set(ruleId, [...(byRule.get(ruleId) ?? []), deviceId]);
        }
        for (const [ruleId, ids] of byRule) {
          for (let i = 0; i < ids.length; i += CHUNK) {
            await trx
              .deleteFrom('alert_timers')
              .where('rule_id', '=', ruleId)
              .where('device_id', 'in', ids.slice(i, i + CHUNK))
              .execute();
          }
        }
        await trx
          .insertInto('alert_engine_runs')
          .values({ id: RUN_ROW, last_run_at: at })
          .onConflict((oc) => oc.column('id').doUpdateSet({ last_run_at: at }))
          .execute();
      });
    },
  };
}
