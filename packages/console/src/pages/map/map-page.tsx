import { useCallback, useMemo, useState } from 'react';
import { GEOFENCES_ROUTES, MAP_ROUTES } from '@outpost/protocol';
import { num } from '../../app/format.js';
import type { DeviceLocations } from '../../app/route-types.js';
import { href, navigate, useLocation } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useRoute } from '../../app/use-route.js';
import { ErrorBox, Loading, PageHeader } from '../../ui/bits.js';
import { FilterBar, problemOf } from '../devices/filter-bar.js';
import { colorFunction, formatPlace, legendOf, parsePlace, type ColorBy } from './map-colors.js';
import { shapeOfFence } from './fence-shapes.js';
import { MapView, type MapPlace } from './map-view.js';
import { TileSetting } from './tile-setting.js';
import { TrackPanel } from './track-panel.js';

/** The fleet on a map: the device list's filter, dots by presence or health, a device's track. */
export function MapPage() {
  const { query } = useLocation();
  const can = useCan();
  const filter = query.get('filter') ?? '';
  const colorBy: ColorBy = query.get('color') === 'health' ? 'health' : 'presence';
  const place = useMemo(() => parsePlace(query.get('view')), [query.get('view')]);
  // Health verdicts cost the hub a read of every device's last report: asked only when shown.
  const withHealth = colorBy === 'health';
  const points = useRoute(MAP_ROUTES.points, {
    query: { filter: filter || undefined, health: withHealth || undefined },
  });
  const settings = useRoute(MAP_ROUTES.settings);
  // The fences the caller may see, drawn under the devices; the map works without them.
  const fences = useRoute(GEOFENCES_ROUTES.list);
  const shapes = useMemo(() => (fences.data?.items ?? []).map(shapeOfFence), [fences.data]);
  const [track, setTrack] = useState<{ deviceId: string; locations: DeviceLocations } | null>(null);
  const problem = problemOf(points.error);

  const set = (q: { filter?: string; color?: string; view?: string }) =>
    navigate(
      href('/map', {
        filter: filter || undefined,
        color: colorBy === 'presence' ? undefined : colorBy,
        view: query.get('view') ?? undefined,
        ...q,
      }),
      { replace: 'view' in q },
    );
  const data = points.data;
  const colorOf = useMemo(() => (data ? colorFunction(colorBy, data) : undefined), [data, colorBy]);
  const tracks = useMemo(
    () =>
      track
        ? [{ id: track.deviceId, points: track.locations.points.map((p) => [p.lat, p.lon] as [number, number]) }]
        : [],
    [track],
  );
  const onPlaceChange = useCallback((p: MapPlace) => set({ view: formatPlace(p) }), [filter, colorBy]);

  return (
    <>
      <PageHeader
        title="Map"
        subtitle={
          data
            ? `${num(data.ids.length)} located device${data.ids.length === 1 ? '' : 's'}${filter ? ' match the filter' : ''}${data.truncated ? ' (the first 200,000 drawn)' : ''}`
            : 'Where the devices last reported their position.'
        }
        actions={can('admin') && settings.data ? <TileSetting current={settings.data.tileUrl} /> : null}
      />
      <FilterBar applied={filter} problem={problem} onApply={(f) => set({ filter: f || undefined })} />
      <div className="map-bar">
        <div className="segmented" role="group" aria-label="Colour devices by">
          {(['presence', 'health'] as const).map((c) => (
            <button
              key={c}
              type="button"
              className="chip"
              aria-pressed={colorBy === c}
              onClick={() => set({ color: c === 'presence' ? undefined : c })}
            >
              {c === 'presence' ? 'Presence' : 'Health'}
            </button>
          ))}
        </div>
        <ul className="map-legend" aria-label="Legend">
          {legendOf(colorBy).map(([name, color]) => (
            <li key={name}>
              <span className="map-swatch" style={{ background: color }} />
              {name.replace('_', ' ')}
            </li>
          ))}
        </ul>
      </div>
      <TrackPanel onTrack={setTrack} />
      {points.error && !problem ? <ErrorBox error={points.error} title="The map could not load the devices" /> : null}
      {data && settings.data ? (
        <MapView
          points={data}
          colorOf={colorOf}
          tracks={tracks}
          shapes={shapes}
          tileUrl={settings.data.tileUrl}
          place={place}
          onPlaceChange={onPlaceChange}
          onDeviceClick={(i) => navigate(`/devices/${encodeURIComponent(data.ids[i])}`)}
          label={`Map of ${num(data.ids.length)} devices`}
        />
      ) : points.error || settings.error ? null : (
        <Loading label="Loading the map…" />
      )}
    </>
  );
}
