/**
 * A minimal MCP Apps host for the view test, run in Chromium: embeds a view's HTML in a sandboxed
 * iframe and bridges it with the ext-apps AppBridge; tool calls and resource reads from the view go
 * to the test's real MCP client through functions the test exposes on the page.
 */
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';

type Params = Record<string, unknown>;
interface HostWindow {
  hostCallTool(params: Params): Promise<Record<string, unknown>>;
  hostReadResource(params: Params): Promise<Record<string, unknown>>;
  showView(html: string, tool: string, args: Params): Promise<void>;
}
const host = window as unknown as Window & HostWindow;

host.showView = async (html, tool, args) => {
  const iframe = document.createElement('iframe');
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.style.cssText = 'width: 860px; height: 2400px; border: 1px solid #ccc';
  iframe.srcdoc = html;
  document.body.append(iframe);
  const bridge = new AppBridge(
    null,
    { name: 'trainyard-test-host', version: '1.0.0' },
    { serverTools: {}, serverResources: {} },
    { hostContext: { theme: 'light', displayMode: 'inline' } },
  );
  bridge.oncalltool = async (params) => (await host.hostCallTool(params as Params)) as never;
  bridge.onreadresource = async (params) => (await host.hostReadResource(params as Params)) as never;
  bridge.onsizechange = ({ height }) => {
    if (height) iframe.style.height = `${Math.ceil(height) + 4}px`;
  };
  const initialized = new Promise<void>((resolve) => {
    bridge.oninitialized = () => resolve();
  });
  await bridge.connect(new PostMessageTransport(iframe.contentWindow!, iframe.contentWindow!));
  await initialized;
  // What a host does for a tool with a view: the arguments, then the result of the real call.
  await bridge.sendToolInput({ arguments: args });
  await bridge.sendToolResult((await host.hostCallTool({ name: tool, arguments: args })) as never);
};
