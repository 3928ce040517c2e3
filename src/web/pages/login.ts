import { html, type Html } from '../../report/html.js';

/** The login form: the browser cannot send the bearer header, so it posts the token once for a session cookie. */
export function loginPage(error?: string): Html {
  return html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <form method="post" action="/login" class="login">
      <input type="text" name="username" value="trainyard" autocomplete="username" hidden />
      <label for="token">Token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
      <button type="submit">Log in</button>
    </form>
    <p class="muted">
      The token the server was started with (<code>--token</code> or <code>TRAINYARD_TOKEN</code>), the same one MCP clients send.
    </p>`;
}
