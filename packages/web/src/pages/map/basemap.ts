import type { StyleSpecification } from 'maplibre-gl';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
// Served as a static file of the app (same origin, cached), not parsed as a JS module.
import countriesUrl from 'world-atlas/countries-50m.json?url';

/** Colours of the offline basemap, light and dark. */
const THEMES = {
  light: { sea: '#dbe9f4', land: '#f4f1ea', border: '#b9b2a3' },
  dark: { sea: '#0f1b26', land: '#202a33', border: '#3d4955' },
};

/**
 * A MapLibre style that needs no network: land and country borders from Natural Earth
 * (world-atlas 1:50m TopoJSON, bundled with the app). It has no text layers, so it needs no
 * glyphs or sprites; station markers are HTML. Loaded on demand (the data is ~750 kB).
 * @example new maplibregl.Map({ container, style: await offlineStyle(prefersDark) });
 */
export async function offlineStyle(dark: boolean): Promise<StyleSpecification> {
  const res = await fetch(countriesUrl);
  if (!res.ok) throw new Error(`basemap ${countriesUrl}: HTTP ${res.status}`);
  const topo = (await res.json()) as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
  const c = dark ? THEMES.dark : THEMES.light;
  const attribution = 'Natural Earth';
  return {
    version: 8,
    sources: {
      land: { type: 'geojson', data: feature(topo, topo.objects.land), attribution },
      borders: { type: 'geojson', data: mesh(topo, topo.objects.countries, (a, b) => a !== b) },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': c.sea } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': c.land } },
      { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': c.border, 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.5, 8, 1.5] } },
    ],
  };
}
