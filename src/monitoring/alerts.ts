import type { Logger } from 'pino';

/**
 * What a person or an agent should hear about without asking: a retraining run that failed, a
 * production model whose live performance degraded or whose inputs drifted, a retrained version
 * ready for a human's production decision, a retrain rejected by its gates, a trigger that fired.
 */
export type AlertKind = 'retrain_failed' | 'degradation' | 'drift' | 'promotion_ready' | 'gates_failed' | 'trigger_fired';

/** MCP logging levels (RFC 5424 names) that alerts use. */
export type AlertLevel = 'info' | 'notice' | 'warning' | 'error';

export interface Alert {
  kind: AlertKind;
  level: AlertLevel;
  /** Registered model name. */
  name: string;
  message: string;
  at: string;
  trigger_id?: string | undefined;
  model_id?: string | undefined;
  operation_id?: string | undefined;
  data?: Record<string, unknown> | undefined;
}

export type AlertListener = (a: Alert) => void;

const PINO_LEVEL: Record<AlertLevel, 'info' | 'warn' | 'error'> = { info: 'info', notice: 'info', warning: 'warn', error: 'error' };

/**
 * The alert bus: the scheduler emits, the MCP server forwards to connected clients. Every alert
 * is logged once here (not once per connected client); a failing listener is logged, never fatal.
 */
export function createAlerts(logger: Logger) {
  const listeners = new Set<AlertListener>();
  const log = logger.child({ component: 'alerts' });
  return {
    emit(a: Alert): void {
      log[PINO_LEVEL[a.level]]({ alert: a.kind, name: a.name, trigger_id: a.trigger_id, model_id: a.model_id }, a.message);
      for (const l of listeners) {
        try {
          l(a);
        } catch (err) {
          log.warn({ err }, 'alert listener failed');
        }
      }
    },
    on(listener: AlertListener): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

export type Alerts = ReturnType<typeof createAlerts>;
