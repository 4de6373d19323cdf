import './styles.css';
import type { Viewer } from 'cesium';
import { ApiClient } from './api/client.ts';
import { createBuildingsPrimitive, createStreetsPrimitive } from './buildings/buildings-primitive.ts';
import { loadBuildingFile } from './buildings/load-buildings.ts';
import { cesium } from './cesium.ts';
import { currentLanguage, initialLanguage, onLanguageChange, setLanguage, t, type MessageKey } from './i18n/i18n.ts';
import { createLayers } from './layers/index.ts';
import type { Layer, LayerHost } from './layers/layer.ts';
import { showPlaceDeLaMonnaie } from './scene/camera.ts';
import { addLandmarkLabels } from './scene/landmarks.ts';
import { createOfflineViewer } from './scene/viewer.ts';
import { installTestHook, type TestHookState } from './test-hook.ts';
import { el, formatValue } from './ui/format.ts';
import { renderLanguageSwitcher } from './ui/language-switcher.ts';
import { renderLegends } from './ui/legend.ts';
import { SidePanel } from './ui/side-panel.ts';
import { StatusLine } from './ui/status-line.ts';

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`index.html lacks #${id}`);
  return node;
}

/** Resolves after the scene has rendered one more frame (the scene renders on request only). */
function nextFrame(viewer: Viewer): Promise<void> {
  return new Promise((resolve) => {
    const remove = viewer.scene.postRender.addEventListener(() => {
      remove();
      resolve();
    });
    viewer.scene.requestRender();
  });
}

/** Resolves once the globe has loaded every tile the current view needs. */
function groundLoaded(viewer: Viewer): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!viewer.scene.globe.tilesLoaded) return;
      remove();
      resolve();
    };
    const remove = viewer.scene.postRender.addEventListener(check);
    viewer.scene.requestRender();
  });
}

/** The page's own texts (its title, the names of its regions) in the current language. */
function labelPage(): void {
  document.documentElement.lang = currentLanguage();
  const attribution = byId('attribution');
  if (attribution.textContent) attribution.textContent = t('attribution.buildings');
  document.title = t('app.title');
  byId('scene').setAttribute('aria-label', t('ui.scene'));
  byId('panel').setAttribute('aria-label', t('ui.details'));
}

async function main(): Promise<void> {
  setLanguage(initialLanguage(window.location.search, navigator.languages));
  labelPage();
  renderLanguageSwitcher(byId('language'));
  const viewer = createOfflineViewer(byId('scene'));
  const status = new StatusLine(byId('status'));
  const panel = new SidePanel(byId('panel'));
  const api = new ApiClient('/api/v1', (err) => status.set('api', err));
  const layers: Layer[] = createLayers();
  const state: TestHookState = { ready: false, buildings: 0, labelsDrawn: Promise.resolve() };
  installTestHook(viewer, layers, state);
  showPlaceDeLaMonnaie(viewer);

  const host: LayerHost = {
    viewer,
    api,
    requestRender: () => viewer.scene.requestRender(),
    showPanel: (title, content) => panel.show(title, content),
    reportStatus: (source, error) => status.set(source, error),
  };

  const buildingHeights = new Map<string, { h: number; hs: string }>();
  let relabelLandmarks = (): Promise<void> => Promise.resolve();
  const buildingsDrawn = loadBuildingFile()
    .then((file) => {
      viewer.scene.primitives.add(createStreetsPrimitive(file));
      viewer.scene.primitives.add(createBuildingsPrimitive(file));
      relabelLandmarks = addLandmarkLabels(viewer).relabel;
      for (const b of file.buildings) buildingHeights.set(b.id, { h: b.h, hs: b.hs });
      state.buildings = file.buildings.length;
      byId('attribution').textContent = t('attribution.buildings');
    })
    .catch((err: unknown) => status.set('buildings', err as Error));

  const visible = new Map<string, boolean>();
  renderLegends(byId('legend'), layers, visible);
  // A panel's texts were built in the old language: close it rather than show two languages.
  onLanguageChange(() => {
    labelPage();
    renderLegends(byId('legend'), layers, visible);
    state.labelsDrawn = relabelLandmarks();
    panel.close();
  });
  const layersReady = Promise.all(layers.map((l) => l.init(host).catch((err: unknown) => status.set(l.id, err as Error))));

  const C = cesium();
  const clicks = new C.ScreenSpaceEventHandler(viewer.scene.canvas);
  clicks.setInputAction((event: { position: import('cesium').Cartesian2 }) => {
    const picked: unknown = viewer.scene.pick(event.position);
    if (picked === undefined) return;
    if (layers.some((l) => l.pick?.(picked))) return;
    const id = (picked as { id?: unknown }).id;
    const building = typeof id === 'string' ? buildingHeights.get(id) : undefined;
    if (typeof id === 'string' && building) {
      panel.show(t('building.title'), buildingDetails(id, building));
    }
  }, C.ScreenSpaceEventType.LEFT_CLICK);

  await Promise.all([buildingsDrawn, layersReady, groundLoaded(viewer)]);
  await nextFrame(viewer);
  state.ready = true;
}

const HEIGHT_SOURCES: Readonly<Record<string, MessageKey>> = {
  candidate: 'building.source.candidate',
  p75: 'building.source.p75',
  default: 'building.source.default',
};

function buildingDetails(id: string, b: { h: number; hs: string }): HTMLElement {
  const source = HEIGHT_SOURCES[b.hs];
  return el('dl', { className: 'facts' }, [
    el('dt', { text: t('building.urbis-id') }),
    el('dd', { text: id }),
    el('dt', { text: t('building.height') }),
    el('dd', { text: `${formatValue(b.h)} m` }),
    el('dt', { text: t('building.height-from') }),
    el('dd', { text: source ? t(source) : b.hs }),
  ]);
}

main().catch((err: unknown) => {
  const node = document.getElementById('status');
  if (node) {
    node.hidden = false;
    node.textContent = (err as Error).message;
  }
  console.error(err);
});
