import type { Command } from 'commander';
import type { GeofenceShape } from '@outpost/protocol';
import { clientFrom } from './credentials.js';
import { output, printJson } from './output.js';

type Common = { hub?: string; token?: string; caFile?: string; json?: boolean };

function common(cmd: Command): Command {
  return cmd
    .option('--hub <url>', 'hub URL (OUTPOST_HUB)')
    .option('--token <apiToken>', 'API token (OUTPOST_TOKEN)')
    .option('--ca-file <file>', 'hub CA certificate')
    .option('--json', 'print JSON for scripts');
}

const num = (text: string, what: string) => {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v)) throw new Error(`${what} must be a number, not "${text.trim()}"`);
  return v;
};

/** `LAT,LON,RADIUS_M` → a circle. */
export function parseCircle(text: string): GeofenceShape {
  const parts = text.split(',');
  if (parts.length !== 3) throw new Error(`--circle takes LAT,LON,RADIUS_M (e.g. 52.52,13.40,500), not "${text}"`);
  const [lat, lon, radiusM] = parts.map((p, i) => num(p, ['latitude', 'longitude', 'radius'][i]));
  return { kind: 'circle', center: { lat, lon }, radiusM };
}

/** `"lat lon, lat lon, …"` → a polygon; the ring is closed when the last point does not repeat the first. */
export function parsePolygon(text: string): GeofenceShape {
  const ring = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p, i): [number, number] => {
      const xy = p.split(/\s+/);
      if (xy.length !== 2)
        throw new Error(`--polygon point ${i + 1} is "${p}": give "lat lon" pairs separated by commas`);
      return [num(xy[0], 'latitude'), num(xy[1], 'longitude')];
    });
  const [first, last] = [ring[0], ring[ring.length - 1]];
  if (ring.length > 0 && (first[0] !== last[0] || first[1] !== last[1])) ring.push([first[0], first[1]]);
  return { kind: 'polygon', ring };
}

function describeShape(s: GeofenceShape): string {
  if (s.kind === 'circle') return `circle ${s.center.lat},${s.center.lon} r=${s.radiusM} m`;
  return `polygon of ${s.ring.length - 1} vertices`;
}

/** `outpost geofences list|create|delete`: circles and polygons whose crossings become events and alerts. */
export function registerGeofencesCommands(program: Command) {
  const g = program
    .command('geofences')
    .description('geofences: areas on a group or a device; entering or leaving one is a device event (and an alert)');

  common(g.command('list').description('the geofences inside your scope'))
    .option('--group <path>', 'only the fences of this group')
    .option('--device <id>', 'only the fences of this device')
    .action(async (o: Common & { group?: string; device?: string }) => {
      const r = await (
        await clientFrom(o)
      ).geofences.list({ ...(o.group ? { group: o.group } : {}), ...(o.device ? { deviceId: o.device } : {}) });
      output(
        o.json,
        r,
        r.items.map((f) => ({
          id: f.id,
          name: f.name,
          applies: f.group ? `group ${f.group}` : `device ${f.deviceId}`,
          shape: describeShape(f.shape),
        })),
        ['id', 'name', 'applies', 'shape'],
      );
    });

  common(
    g
      .command('create <name>')
      .description('create a geofence on a group (and the groups below it) or on one device (operator)'),
  )
    .option('--circle <lat,lon,radiusM>', 'a circle: centre and radius in metres')
    .option('--polygon <"lat lon, lat lon, …">', 'a polygon: at least 3 vertices, at most 500 (closed for you)')
    .option('--group <path>', 'the group whose devices it applies to')
    .option('--device <id>', 'the one device it applies to')
    .action(
      async (name: string, o: Common & { circle?: string; polygon?: string; group?: string; device?: string }) => {
        if (Boolean(o.circle) === Boolean(o.polygon)) throw new Error('give exactly one of --circle or --polygon');
        if (Boolean(o.group) === Boolean(o.device)) throw new Error('give exactly one of --group or --device');
        const shape = o.circle ? parseCircle(o.circle) : parsePolygon(o.polygon!);
        const f = await (
          await clientFrom(o)
        ).geofences.create({ name, shape, ...(o.group ? { group: o.group } : { deviceId: o.device! }) });
        if (o.json) return printJson(f);
        console.log(
          `geofence ${f.id} (${f.name}): ${describeShape(f.shape)} on ${f.group ? `group ${f.group}` : `device ${f.deviceId}`}`,
        );
      },
    );

  common(g.command('delete <id>').description('delete a geofence (operator)')).action(async (id: string, o: Common) => {
    await (await clientFrom(o)).geofences.delete(id);
    if (o.json) return printJson({ deleted: id });
    console.log(`geofence ${id} deleted`);
  });
}
