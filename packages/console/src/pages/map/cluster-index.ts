import Supercluster, { type ClusterProperties, type PointFeature } from 'supercluster';
import type { Bounds } from './projection.js';

/** Located devices as parallel columns (the hub's MapPoints, or any subset of its columns). */
export interface PointColumns {
  lat: ArrayLike<number>;
  lon: ArrayLike<number>;
}

/** What the map draws at one place: a bubble standing for `count` devices, or one device (row `index`). */
export type MapItem =
  | { kind: 'cluster'; clusterId: number; count: number; lat: number; lon: number }
  | { kind: 'device'; index: number; lat: number; lon: number };

export interface ClusterIndex {
  /** Clusters and single devices inside the bounds at the (fractional) zoom. */
  itemsIn(b: Bounds, zoom: number): MapItem[];
  /** The zoom at which a cluster breaks up into smaller ones. */
  expansionZoom(clusterId: number): number;
  readonly size: number;
}

/** Screen pixels within which devices merge into one bubble. */
export const CLUSTER_RADIUS_PX = 44;
/** From this zoom on every device is drawn alone. */
export const CLUSTER_MAX_ZOOM = 16;

type Props = { index: number };

/** Builds the cluster hierarchy once per set of points (about a second per million on a laptop). */
export function buildClusterIndex(points: PointColumns): ClusterIndex {
  const features: Array<PointFeature<Props>> = new Array(points.lat.length);
  for (let i = 0; i < points.lat.length; i++)
    features[i] = {
      type: 'Feature',
      properties: { index: i },
      geometry: { type: 'Point', coordinates: [points.lon[i], points.lat[i]] },
    };
  // extent 256: the radius counts in the 256-pixel tiles the projection uses.
  const sc = new Supercluster<Props, Record<string, never>>({
    radius: CLUSTER_RADIUS_PX,
    extent: 256,
    maxZoom: CLUSTER_MAX_ZOOM,
    minPoints: 2,
  }).load(features);
  return {
    size: features.length,
    itemsIn(b, zoom) {
      const z = Math.max(0, Math.min(CLUSTER_MAX_ZOOM + 1, Math.floor(zoom)));
      const out: MapItem[] = [];
      for (const f of sc.getClusters([b.west, b.south, b.east, b.north], z)) {
        const [lon, lat] = f.geometry.coordinates;
        const p = f.properties as Props | ClusterProperties;
        if ('cluster' in p && p.cluster)
          out.push({ kind: 'cluster', clusterId: p.cluster_id, count: p.point_count, lat, lon });
        else {
          // The device's own position, not the index's rounded copy of it.
          const i = (p as Props).index;
          out.push({ kind: 'device', index: i, lat: points.lat[i], lon: points.lon[i] });
        }
      }
      return out;
    },
    expansionZoom: (id) => sc.getClusterExpansionZoom(id),
  };
}

/** How many devices the items stand for. */
export const deviceCount = (items: readonly MapItem[]) =>
  items.reduce((n, it) => n + (it.kind === 'cluster' ? it.count : 1), 0);
