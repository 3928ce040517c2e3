import { html, type Html } from '../report/html.js';

const NAV: [string, string][] = [
  ['/', 'Models'],
  ['/operations', 'Operations'],
  ['/drift', 'Drift'],
  ['/performance', 'Performance'],
  ['/research', 'Research'],
];

/** The page shell: navigation, the stylesheet and the one script, both served from /assets. */
export function page(o: { title: string; active?: string; body: Html; loggedIn?: boolean }): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${o.title} · trainyard</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/dashboard.css" />
        <script src="/assets/dashboard.js" defer></script>
      </head>
      <body>
        <nav>
          <strong>trainyard</strong>
          ${o.active === undefined ? '' : NAV.map(([href, label]) => html`<a href="${href}" ${href === o.active ? html`aria-current="page"` : ''}>${label}</a>`)}
          ${
            o.loggedIn
              ? html`<form method="post" action="/logout" class="logout">
                  <button type="submit">Log out</button>
                </form>`
              : ''
          }
        </nav>
        <main>
          <h1>${o.title}</h1>
          ${o.body}
        </main>
      </body>
    </html>`;
}
