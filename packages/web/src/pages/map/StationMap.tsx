import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GeoJSONSource, LngLatBounds, Map as MapLibre, Marker, NavigationControl, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { offlineStyle } from './basemap';
import { AVAILABILITY_COLORS, type Availability, type MapStation } from './types';

// The bundler moves MapLibre's worker: tell MapLibre where it went.
setWorkerUrl(workerUrl);

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };
/** Whole France when there is no station to fit. */
const HOME = { center: [2.35, 46.6] as [number, number], zoom: 4.6 };
/** Zoom for one station: streets apart, clusters split (clusterMaxZoom is 13). */
const SELECTED_ZOOM = 14;

function toGeoJson(stations: MapStation[]): GeoJSON.FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: stations.map((s) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [s.lng, s.lat] },
      properties: { id: s.id, name: s.name ?? s.id, availability: s.availability },
    })),
  };
}

export interface StationMapProps {
  stations: MapStation[];
  selectedId: string | null;
  onSelect(id: string): void;
  /** VOLTLANE_MAP_STYLE_URL; null: the bundled offline basemap. */
  styleUrl: string | null;
}

/**
 * The MapLibre map: stations in a clustered GeoJSON source, drawn as HTML markers (buttons,
 * coloured by availability) so that no glyphs are needed and markers are keyboard-reachable.
 * A cluster shows its size and zooms in when pressed. If WebGL is unavailable the map says so
 * and the page's list still works.
 */
export default function StationMap({ stations, selectedId, onSelect, styleUrl }: StationMapProps) {
  const { t } = useTranslation('map');
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibre | null>(null);
  const markers = useRef(new Map<string, { marker: Marker; el: HTMLButtonElement }>());
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const fitted = useRef(false);
  // Marker DOM is built outside React: it reads the latest props through refs.
  const latest = useRef({ onSelect, selectedId, t });
  latest.current = { onSelect, selectedId, t };

  useEffect(() => {
    let map: MapLibre | undefined;
    let cancelled = false;
    const sync = () => {
      if (map) syncMarkers(map, markers.current, latest.current);
    };
    void (async () => {
      let style: string | StyleSpecification;
      try {
        style = styleUrl ?? (await offlineStyle(matchMedia('(prefers-color-scheme: dark)').matches));
      } catch (err) {
        console.warn('offline basemap not loaded', err);
        style = { version: 8, sources: {}, layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#dbe9f4' } }] };
      }
      if (cancelled || !box.current) return;
      try {
        map = new MapLibre({ container: box.current, style, ...HOME, dragRotate: false, pitchWithRotate: false, attributionControl: { compact: true } });
      } catch (err) {
        console.warn('map not available (WebGL?)', err);
        setFailed(true);
        return;
      }
      map.touchZoomRotate.disableRotation();
      map.keyboard.disableRotation();
      map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
      map.on('error', (e) => console.warn('map:', e.error?.message ?? e));
      map.on('load', () => {
        map!.addSource('stations', {
          type: 'geojson', data: EMPTY, cluster: true, clusterRadius: 44, clusterMaxZoom: 13,
          clusterProperties: { available: ['+', ['case', ['==', ['get', 'availability'], 'available'], 1, 0]] },
        });
        // Invisible: makes MapLibre load and cluster the source; markers are HTML.
        map!.addLayer({ id: 'stations-anchor', type: 'circle', source: 'stations', paint: { 'circle-radius': 1, 'circle-opacity': 0 } });
        mapRef.current = map!;
        setReady(true);
      });
      map.on('moveend', sync);
      map.on('sourcedata', (e) => {
        if (e.sourceId === 'stations' && e.isSourceLoaded) sync();
      });
    })();
    return () => {
      cancelled = true;
      for (const m of markers.current.values()) m.marker.remove();
      markers.current.clear();
      map?.remove();
      mapRef.current = null;
      fitted.current = false;
      setReady(false);
    };
  }, [styleUrl]);

  // New data (filters, live status): replace the source; fit the view once.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    (map.getSource('stations') as GeoJSONSource | undefined)?.setData(toGeoJson(stations));
    if (!fitted.current && stations.length) {
      fitted.current = true;
      // A station given in the URL (shared link, back from its page): show it close up.
      const chosen = stations.find((s) => s.id === latest.current.selectedId);
      if (chosen) map.jumpTo({ center: [chosen.lng, chosen.lat], zoom: SELECTED_ZOOM });
      else {
        const bounds = new LngLatBounds();
        for (const s of stations) bounds.extend([s.lng, s.lat]);
        map.fitBounds(bounds, { padding: 64, maxZoom: 13, duration: 0 });
      }
    }
    syncMarkers(map, markers.current, latest.current);
  }, [stations, ready]);

  // A station picked in the list: show it.
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    syncMarkers(map, markers.current, latest.current);
    const s = stations.find((x) => x.id === selectedId);
    // Off screen or inside a cluster: go close enough to see it on its own.
    if (s && (!map.getBounds().contains([s.lng, s.lat]) || !markers.current.has(`station:${s.id}`))) map.easeTo({ center: [s.lng, s.lat], zoom: Math.max(map.getZoom(), SELECTED_ZOOM) });
  }, [selectedId]); // only on selection changes, not on every data refresh

  if (failed) return <p className="card notice map-box map-failed" role="status">{t('noWebgl')}</p>;
  return <div ref={box} className="map-box" role="region" aria-label={t('mapLabel')} />;
}

type Latest = { onSelect(id: string): void; selectedId: string | null; t: (key: string, opts?: Record<string, unknown>) => string };

/** Adds, updates and removes HTML markers to match the source's current clusters and points. */
function syncMarkers(map: MapLibre, markers: Map<string, { marker: Marker; el: HTMLButtonElement }>, latest: Latest): void {
  if (!map.getSource('stations')) return;
  const seen = new Set<string>();
  for (const f of map.querySourceFeatures('stations')) {
    const p = f.properties as Record<string, unknown>;
    const coords = (f.geometry as GeoJSON.Point).coordinates as [number, number];
    const key = p.cluster ? `cluster:${String(p.cluster_id)}` : `station:${String(p.id)}`;
    if (seen.has(key)) continue; // a point near a tile edge comes once per tile
    seen.add(key);
    let m = markers.get(key);
    if (!m) {
      const el = document.createElement('button');
      el.type = 'button';
      const marker = new Marker({ element: el }).setLngLat(coords).addTo(map);
      m = { marker, el };
      markers.set(key, m);
      el.addEventListener('click', (e) => {
        e.stopPropagation();
        const props = (el as HTMLButtonElement & { _props?: Record<string, unknown> })._props ?? {};
        if (props.cluster) {
          void (map.getSource('stations') as GeoJSONSource).getClusterExpansionZoom(Number(props.cluster_id)).then((zoom) => map.easeTo({ center: m!.marker.getLngLat(), zoom }));
        } else latest.onSelect(String(props.id));
      });
    } else m.marker.setLngLat(coords);
    (m.el as HTMLButtonElement & { _props?: Record<string, unknown> })._props = p;
    drawMarker(m.el, p, latest);
  }
  for (const [key, m] of markers) {
    if (!seen.has(key)) {
      m.marker.remove();
      markers.delete(key);
    }
  }
}

function drawMarker(el: HTMLButtonElement, p: Record<string, unknown>, { selectedId, t }: Latest): void {
  if (p.cluster) {
    const count = Number(p.point_count);
    const available = Number(p.available ?? 0);
    el.className = `map-cluster${available > 0 ? ' has-available' : ''}`;
    el.textContent = String(count);
    el.setAttribute('aria-label', t('cluster', { count, available }));
    el.removeAttribute('data-station-id');
    el.removeAttribute('aria-pressed');
    return;
  }
  const availability = String(p.availability) as Availability;
  el.className = `map-marker availability-${availability}`;
  el.style.setProperty('--marker', AVAILABILITY_COLORS[availability] ?? AVAILABILITY_COLORS.offline);
  el.textContent = '';
  el.dataset.stationId = String(p.id);
  el.dataset.availability = availability;
  el.setAttribute('aria-label', `${String(p.name)}: ${t(`availability.${availability}`)}`);
  el.setAttribute('aria-pressed', String(selectedId === p.id));
  el.title = `${String(p.name)} · ${t(`availability.${availability}`)}`;
}
