import type { Viewer } from 'cesium';
import { cesium } from '../cesium.ts';
import { PLACE_DE_LA_MONNAIE } from './place-de-la-monnaie.ts';

/**
 * A Viewer that never leaves the origin: Cesium's bundled Natural Earth II imagery
 * (Assets/Textures/NaturalEarthII, served with the app), the WGS 84 ellipsoid as terrain, and no
 * ion-backed widget (geocoder, base-layer picker). `Ion.defaultAccessToken` is never read or set.
 *
 * The scene renders on request only (`requestRenderMode`): layers call `scene.requestRender()`
 * when they change something, which keeps an idle twin at 0 % CPU.
 */
/** True when WebGL runs on a CPU rasteriser (as in headless CI). */
function isSoftwareRenderer(canvas: HTMLCanvasElement): boolean {
  // getContext returns the context Cesium already created on this canvas.
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (!gl) return false;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return /swiftshader|llvmpipe|software/i.test(renderer);
}

export function createOfflineViewer(container: HTMLElement): Viewer {
  const C = cesium();
  const imagery = C.TileMapServiceImageryProvider.fromUrl(C.buildModuleUrl('Assets/Textures/NaturalEarthII'));
  const viewer = new C.Viewer(container, {
    // Muted, so the streets and the sensor colours carry the picture.
    baseLayer: C.ImageryLayer.fromProviderAsync(imagery, { brightness: 0.75, saturation: 0.55 }),
    terrainProvider: new C.EllipsoidTerrainProvider(),
    baseLayerPicker: false,
    geocoder: false,
    homeButton: false,
    sceneModePicker: false,
    navigationHelpButton: false,
    animation: false,
    timeline: false,
    fullscreenButton: false,
    infoBox: false,
    selectionIndicator: false,
    // Few translucent things are drawn (hollow sensor rings); plain alpha blending is enough
    // and saves OIT's extra render targets on every frame.
    orderIndependentTranslucency: false,
    requestRenderMode: true,
    maximumRenderTimeChange: Number.POSITIVE_INFINITY,
  });
  const scene = viewer.scene;
  const globe = scene.globe;
  globe.baseColor = C.Color.fromCssColorString('#5b6470');
  globe.enableLighting = false;
  globe.showGroundAtmosphere = false;
  globe.depthTestAgainstTerrain = false;
  // The ellipsoid has no relief and Natural Earth II stops at level 2 (~10 km a pixel here), so
  // fine tiles add nothing; EllipsoidTerrainProvider's 16×16 meshes stay within centimetres of
  // the ellipsoid at the levels this still loads.
  globe.maximumScreenSpaceError = 4;
  // In request-render mode nothing draws the next frame while tiles stream in: ask for one each
  // time the load queue changes, or the ground stays blank until the user moves the camera.
  globe.tileLoadProgressEvent.addEventListener(() => scene.requestRender());
  // Fog also culls and coarsens distant tiles towards the horizon, most of the ground in an oblique view.
  scene.fog.enabled = true;
  scene.fog.density = 0.0015;
  scene.fog.screenSpaceErrorFactor = 4;
  if (isSoftwareRenderer(scene.canvas)) {
    // On a CPU rasteriser (SwiftShader, llvmpipe: headless CI, machines without a GPU) each of
    // these full-screen effects costs about as much as the city itself (measured with
    // SwiftShader: 0.5 → 2.3 frames/s without them), and tiles only stream in while frames are
    // drawn. The sky becomes a flat colour; the city and the data look the same.
    scene.msaaSamples = 1;
    scene.postProcessStages.fxaa.enabled = false;
    if (scene.skyAtmosphere) scene.skyAtmosphere.show = false;
    scene.skyBox?.destroy();
    scene.skyBox = undefined;
    if (scene.sun) scene.sun.show = false;
    if (scene.moon) scene.moon.show = false;
    scene.backgroundColor = C.Color.fromCssColorString('#9fb7cc');
  }
  scene.screenSpaceCameraController.minimumZoomDistance = 30;
  scene.screenSpaceCameraController.maximumZoomDistance = 20_000;
  // A fixed late-morning sun from the south-east: the lighting (and screenshots) do not depend
  // on the clock, and every façade facing the default camera is lit.
  const enu = C.Transforms.eastNorthUpToFixedFrame(C.Cartesian3.fromDegrees(PLACE_DE_LA_MONNAIE.lon, PLACE_DE_LA_MONNAIE.lat));
  const towardGround = C.Matrix4.multiplyByPointAsVector(enu, new C.Cartesian3(-0.55, 0.65, -0.45), new C.Cartesian3());
  scene.light = new C.DirectionalLight({ direction: C.Cartesian3.normalize(towardGround, towardGround), intensity: 0.85 });
  return viewer;
}
