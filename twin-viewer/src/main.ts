import './styles.css';
import type { Viewer } from 'cesium';
import { ApiClient } from './api/client.ts';
import { createBuildingsPrimitive, createStreetsPrimitive } from './buildings/buildings-primitive.ts';
import { loadBuildingFile } from './buildings/load-buildings.ts';
import { cesium } from './cesium.ts';
import { createLayers } from './layers/index.ts';
import type { Layer, LayerHost } from './layers/layer.ts';
import { showPlaceDeLaMonnaie } from './scene/camera.ts';
import { addLandmarkLabels } from './scene/landmarks.ts';
import { createOfflineViewer } from './scene/viewer.ts';
import { installTestHook, type TestHookState } from './test-hook.ts';
import { el } from './ui/format.ts';
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

async function main(): Promise<void> {
  const viewer = createOfflineViewer(byId('scene'));
  const status = new StatusLine(byId('status'));
  const panel = new SidePanel(byId('panel'));
  const api = new ApiClient('/api/v1', (err) => status.set('api', err));
  const layers: Layer[] = createLayers();
  const state: TestHookState = { ready: false, buildings: 0 };
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
  const buildingsDrawn = loadBuildingFile()
    .then((file) => {
      viewer.scene.primitives.add(createStreetsPrimitive(file));
      viewer.scene.primitives.add(createBuildingsPrimitive(file));
      addLandmarkLabels(viewer);
      for (const b of file.buildings) buildingHeights.set(b.id, { h: b.h, hs: b.hs });
      state.buildings = file.buildings.length;
      byId('attribution').textContent = file.attribution;
    })
    .catch((err: unknown) => status.set('buildings', err as Error));

  renderLegends(byId('legend'), layers.map((l) => l.legend()));
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
      panel.show('Building', buildingDetails(id, building));
    }
  }, C.ScreenSpaceEventType.LEFT_CLICK);

  await Promise.all([buildingsDrawn, layersReady, groundLoaded(viewer)]);
  await nextFrame(viewer);
  state.ready = true;
}

function buildingDetails(id: string, b: { h: number; hs: string }): HTMLElement {
  const source = { candidate: 'UrbIS DSM − DTM candidate', p75: 'UrbIS DSM − DTM p75', default: 'default (median)' }[b.hs] ?? b.hs;
  return el('dl', { className: 'facts' }, [
    el('dt', { text: 'UrbIS id' }),
    el('dd', { text: id }),
    el('dt', { text: 'Height' }),
    el('dd', { text: `${b.h.toFixed(1)} m` }),
    el('dt', { text: 'Height from' }),
    el('dd', { text: source }),
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
