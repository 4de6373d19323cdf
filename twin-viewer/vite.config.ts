import { createReadStream, existsSync, statSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const cesiumBuild = path.join(path.dirname(createRequire(import.meta.url).resolve('cesium/package.json')), 'Build/Cesium');
/** What Cesium.js needs at run time next to it (CESIUM_BASE_URL). */
const CESIUM_PARTS = ['Cesium.js', 'Workers', 'Assets', 'Widgets', 'ThirdParty'];

/**
 * Cesium is not bundled: Rollup/Rolldown would re-bundle ~5 MB of pre-built, minified code on
 * every build. The page loads Cesium's own prebuilt `Cesium.js` as the global `Cesium` (types
 * still come from `import type ... from 'cesium'`), and this plugin serves it in dev and copies
 * it with its workers and assets to `dist/cesium/` on build.
 */
function cesiumPrebuilt(): Plugin {
  return {
    name: 'zenne-cesium-prebuilt',
    configureServer(server) {
      server.middlewares.use('/cesium', (req, res, next) => {
        const rel = decodeURIComponent((req.url ?? '/').split('?')[0]!);
        const file = path.join(cesiumBuild, path.normalize(rel));
        if (!file.startsWith(cesiumBuild) || !existsSync(file) || !statSync(file).isFile()) return next();
        const type = { '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' }[
          path.extname(file)
        ];
        if (type) res.setHeader('Content-Type', type);
        createReadStream(file).pipe(res);
      });
    },
    async writeBundle(options) {
      const outDir = options.dir ?? path.join(root, 'dist');
      await Promise.all(
        CESIUM_PARTS.map((part) => cp(path.join(cesiumBuild, part), path.join(outDir, 'cesium', part), { recursive: true })),
      );
    },
  };
}

export default defineConfig({
  root,
  // Relative URLs: the cloud may serve the viewer under any path.
  base: './',
  // The generated building file (scripts/build-buildings.ts) ends up in dist/data/.
  publicDir: path.join(root, 'generated'),
  plugins: [cesiumPrebuilt()],
  build: { outDir: path.join(root, 'dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
  // `npm run dev -w twin-viewer`: the API comes from a running cloud (ZENNE_CLOUD_URL, default
  // the cloud's default port), as the built viewer gets it from the cloud that serves it.
  server: { port: 5173, proxy: { '/api': process.env.ZENNE_CLOUD_URL ?? 'http://127.0.0.1:8080' } },
});
