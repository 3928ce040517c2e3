import fs from 'node:fs';
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { mcpAccess } from '../config/access.js';
import { DomainError } from '../domain/errors.js';
import { strategySchema } from '../domain/strategy.js';
import { MODEL_CHARTS } from '../services/charts.js';
import type { Services } from '../services/index.js';

const json = (uri: string, value: unknown) => ({ contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] });
const startsWith = (values: string[], prefix: string) => values.filter((v) => v.startsWith(prefix)).slice(0, 50);

/** Read-only views for agents: model cards, operations, strategies, the registry, the strategy schema. */
export function registerResources(server: McpServer, services: Services): void {
  const { models, operations } = services.registry;
  server.registerResource(
    'model',
    new ResourceTemplate('trainyard://models/{model_id}', {
      list: () => ({
        resources: models
          .list({ limit: 100 })
          .map((m) => ({ uri: `trainyard://models/${m.model_id}`, name: m.model_id, description: `${m.stage} model version` })),
      }),
      complete: {
        model_id: (value) =>
          startsWith(
            models.list({ limit: 1000 }).map((m) => m.model_id),
            value,
          ),
      },
    }),
    { title: 'Model card', description: 'A model version: stage, lineage, metrics and promotion history', mimeType: 'application/json' },
    (uri, { model_id }) => {
      const m = models.get(String(model_id));
      return json(uri.href, { ...m, history: models.history(m.name) });
    },
  );
  server.registerResource(
    'model_chart',
    new ResourceTemplate('trainyard://models/{model_id}/charts/{name}.png', {
      // Listing every chart of every model would render nothing but read every model's files: the
      // model card's get_model {charts: true} lists a model's charts with these URIs.
      list: undefined,
      complete: {
        model_id: (value) =>
          startsWith(
            models.list({ limit: 1000 }).map((m) => m.model_id),
            value,
          ),
        name: (value, context) => {
          const id = context?.arguments?.['model_id'];
          const names = id ? services.charts.list(String(id)).map((c) => c.name) : [...MODEL_CHARTS];
          return startsWith(names, value);
        },
      },
    }),
    {
      title: 'Model chart',
      description: `A chart of a model version as PNG: ${MODEL_CHARTS.join(', ')}`,
      mimeType: 'image/png',
    },
    async (uri, { model_id, name }) => {
      const chart = await services.charts.render(String(model_id), String(name), { format: 'png' });
      return { contents: [{ uri: uri.href, mimeType: 'image/png', blob: chart.png!.toString('base64') }] };
    },
  );
  server.registerResource(
    'operation',
    new ResourceTemplate('trainyard://operations/{id}', {
      list: () => ({
        resources: operations
          .list({ limit: 50 })
          .map((o) => ({ uri: `trainyard://operations/${o.id}`, name: o.id, description: `${o.type} ${o.status}` })),
      }),
      complete: {
        id: (value) =>
          startsWith(
            operations.list({ limit: 500 }).map((o) => o.id),
            value,
          ),
      },
    }),
    { title: 'Operation', description: 'A long-running operation and its progress or outcome', mimeType: 'application/json' },
    (uri, { id }) => json(uri.href, operations.get(String(id))),
  );
  server.registerResource(
    'strategy',
    new ResourceTemplate('trainyard://strategies/{name}', {
      list: () => ({
        resources: services.strategies.list().map((n) => ({ uri: `trainyard://strategies/${n}`, name: n, mimeType: 'application/yaml' })),
      }),
      complete: { name: (value) => startsWith(services.strategies.list(), value) },
    }),
    { title: 'Strategy YAML', description: 'An example strategy file, trainable as is', mimeType: 'application/yaml' },
    (uri, { name }) => {
      // Only the listed names: a resource URI is a name under strategies/, never a path to any file.
      if (!services.strategies.list().includes(String(name))) {
        throw new DomainError(
          'STRATEGY_NOT_FOUND',
          `No strategy "${String(name).slice(0, 100)}" under strategies/. Call list_strategies for names.`,
        );
      }
      const s = services.strategies.resolve(String(name), mcpAccess(services.config));
      return { contents: [{ uri: uri.href, mimeType: 'application/yaml', text: fs.readFileSync(s.source, 'utf8') }] };
    },
  );
  server.registerResource(
    'registry',
    'trainyard://registry',
    {
      title: 'Registry summary',
      description: 'Model names with their production version, candidates and recent stage changes',
      mimeType: 'application/json',
    },
    (uri) =>
      json(uri.href, {
        names: models.names().map((name) => ({
          name,
          production: models.production(name)?.model_id ?? null,
          versions: models.list({ name, limit: 5 }).map((m) => `${m.model_id} ${m.stage}`),
        })),
        total_versions: models.count(),
        running: services.jobs.stats(),
      }),
  );
  server.registerResource(
    'strategy-schema',
    'trainyard://schema/strategy',
    {
      title: 'Strategy format (JSON Schema)',
      description: 'Every field of a strategy file, with defaults and allowed values',
      mimeType: 'application/schema+json',
    },
    (uri) => json(uri.href, z.toJSONSchema(strategySchema, { io: 'input', unrepresentable: 'any' })),
  );
}
