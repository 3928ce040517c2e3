import { LoggingMessageNotificationSchema, type LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../src/monitoring/alerts.js';
import { connectClient } from '../helpers/mcp.js';
import { tempServices } from '../helpers/services.js';

const alert = (level: Alert['level'], kind: Alert['kind']): Alert => ({
  kind,
  level,
  name: 'momentum_test',
  message: `${kind} for momentum_test`,
  at: '2026-11-22T02:05:00.000Z',
});

describe('escalations reach MCP clients as logging notifications', () => {
  const { services } = tempServices();
  afterAll(() => services.close());

  it('forwards every alert to each connected client, honours logging/setLevel, and stops after the client leaves', async () => {
    const a = await connectClient(services);
    const b = await connectClient(services);
    const got: { a: LoggingMessageNotification['params'][]; b: LoggingMessageNotification['params'][] } = { a: [], b: [] };
    a.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.a.push(n.params));
    b.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.b.push(n.params));
    await b.client.setLoggingLevel('error');

    services.alerts.emit(alert('notice', 'promotion_ready'));
    services.alerts.emit(alert('error', 'retrain_failed'));
    await vi.waitFor(() => expect(got.a).toHaveLength(2));
    expect(got.a[0]).toEqual({ level: 'notice', logger: 'trainyard', data: alert('notice', 'promotion_ready') });
    await vi.waitFor(() => expect(got.b.map((p) => (p.data as Alert).kind)).toEqual(['retrain_failed']));

    await b.close();
    expect(() => services.alerts.emit(alert('warning', 'drift'))).not.toThrow();
    await vi.waitFor(() => expect(got.a).toHaveLength(3));
    expect(got.b).toHaveLength(1);
    await a.close();
  });
});
