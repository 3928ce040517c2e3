/**
 * Builds the MCP Apps views (src/server/apps/view/) into single HTML files under dist/views/:
 * the view code and the ext-apps App client bundled by esbuild into one inline script, the CSS
 * inline, nothing loaded from the network. Run by `npm run build`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src', 'server', 'apps', 'view');
const OUT = path.join(ROOT, 'dist', 'views');

/** Keeps inline script text from closing its element or opening an HTML comment (both legal inside JS strings). */
const inlineScript = (js: string) => js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
const inlineStyle = (css: string) => css.replace(/<\/(style)/gi, '<\\/$1');

/**
 * zod (under the App client's protocol schemas) re-exports its ~50 message locales (260 KB
 * minified); the view only needs English, which zod loads itself.
 */
const englishOnlyZod: Plugin = {
  name: 'english-only-zod',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
    }));
  },
};

async function buildView(name: string): Promise<{ file: string; bytes: number }> {
  const bundle = await build({
    entryPoints: [path.join(SRC, `${name}.ts`)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
    plugins: [englishOnlyZod],
  });
  const js = bundle.outputFiles[0]!.text;
  const css = fs.readFileSync(path.join(SRC, `${name}.css`), 'utf8');
  const template = fs.readFileSync(path.join(SRC, `${name}.html`), 'utf8');
  // Function replacers: a `$` in the bundle must not be read as a replacement pattern.
  const html = template.replace('/*CSS*/', () => inlineStyle(css)).replace('/*JS*/', () => inlineScript(js));
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.html`);
  fs.writeFileSync(`${file}.tmp`, html);
  fs.renameSync(`${file}.tmp`, file);
  return { file, bytes: Buffer.byteLength(html) };
}

const built = await buildView('model-card');
process.stderr.write(`views: ${path.relative(ROOT, built.file)} (${Math.round(built.bytes / 1024)} KiB)\n`);
