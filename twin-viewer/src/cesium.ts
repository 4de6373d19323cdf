import type * as CesiumModule from 'cesium';

declare global {
  interface Window {
    /** Cesium's prebuilt bundle (index.html loads cesium/Cesium.js before the app). */
    Cesium?: typeof CesiumModule;
    /** Where Cesium.js fetches its workers and assets from. */
    CESIUM_BASE_URL?: string;
  }
}

/**
 * The Cesium namespace at run time. The app never imports 'cesium' as a value (that would bundle
 * it); it reads the global the prebuilt Cesium.js defines, typed by the package's declarations.
 */
export function cesium(): typeof CesiumModule {
  const c = window.Cesium;
  if (!c) throw new Error('Cesium.js did not load: cesium/Cesium.js is missing next to index.html');
  return c;
}
