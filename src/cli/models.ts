import { DomainError } from '../domain/errors.js';
import { stages, type ModelVersion, type PromotionRecord, type Stage } from '../domain/model-version.js';
import { parse } from './args.js';
import { cliActor, str, withServices, writeJson, type CliIo } from './context.js';

const pct = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '-');

function modelLine(m: ModelVersion): string {
  return `${m.model_id.padEnd(30)} ${m.stage.padEnd(10)} ${m.created_at.slice(0, 19).replace('T', ' ')}  test acc ${pct(m.metrics.test['accuracy'])} (baseline ${pct(m.metrics.test['baseline_accuracy'])})`;
}

function historyLine(h: PromotionRecord): string {
  return `${h.at.slice(0, 19).replace('T', ' ')}  ${h.model_id.padEnd(28)} ${h.from_stage} -> ${h.to_stage} (${h.action}${h.forced ? ', forced' : ''}) by ${h.actor}: ${h.reason}`;
}

function stageOption(v: string | undefined, flag: string): Stage | undefined {
  if (v === undefined) return undefined;
  if (!(stages as readonly string[]).includes(v))
    throw new DomainError('INVALID_ARGUMENT', `--${flag} must be one of ${stages.join(', ')}, got "${v}".`);
  return v as Stage;
}

function required(v: string | undefined, what: string): string {
  if (!v) throw new DomainError('INVALID_ARGUMENT', what);
  return v;
}

/** `trainyard models list|show|promote|approve|rollback|history`. */
export async function modelsCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    name: { type: 'string' },
    stage: { type: 'string' },
    to: { type: 'string' },
    reason: { type: 'string' },
    force: { type: 'boolean' },
    'skip-staging': { type: 'boolean' },
    by: { type: 'string' },
    json: { type: 'boolean' },
  });
  const json = Boolean(values['json']);
  const actor = cliActor(io.env);
  return withServices(values, io, async (s) => {
    const models = s.registry.models;
    switch (sub) {
      case 'list': {
        const list = models.list({ name: str(values['name']), stage: stageOption(str(values['stage']), 'stage') });
        if (json) writeJson(io, list);
        else
          io.stdout.write(
            list.length ? list.map(modelLine).join('\n') + '\n' : 'No model versions yet. Train one with "trainyard train <strategy>".\n',
          );
        return 0;
      }
      case 'show': {
        const id = required(
          positionals[0],
          'trainyard models show needs a model id, e.g. rsi_mean_reversion@1 (see "trainyard models list").',
        );
        const m = models.get(id);
        const history = models.history(id);
        const gates = s.registry.evaluations.latestGates(id);
        const approval = s.registry.evaluations.approval(id);
        if (json) writeJson(io, { ...m, gates, approval, history });
        else {
          io.stdout.write(
            [
              modelLine(m),
              `  artifacts  ${m.artifact_path}`,
              `  lineage    strategy ${m.lineage.strategy_hash.slice(0, 12)} · data ${m.lineage.data_source} ${m.lineage.data_hash.slice(0, 12)} · code ${m.lineage.code_version} · seed ${m.lineage.seed} · ${m.lineage.backend}${m.lineage.device ? ` on ${m.lineage.device}` : ''}`,
              `  operation  ${m.operation_id ?? '-'} · created by ${m.created_by}`,
              ...gates.map(
                (g) =>
                  `  ${`${g.result.gate} gate`.padEnd(15)} ${g.result.passed ? 'passed' : 'FAILED'} (${g.context}, ${g.at.slice(0, 19).replace('T', ' ')}): ${
                    g.result.checks
                      // The lockbox's one look is worth showing whole, passed or not.
                      .filter((c) => !c.passed || g.result.gate === 'lockbox')
                      .map((c) => c.reason)
                      .join('; ') || 'every check passed'
                  }`,
              ),
              ...(approval
                ? [`  approved   by ${approval.approved_by} at ${approval.at.slice(0, 19).replace('T', ' ')}: ${approval.reason}`]
                : []),
              ...history.map((h) => `  ${historyLine(h)}`),
            ].join('\n') + '\n',
          );
        }
        return 0;
      }
      case 'promote': {
        const id = required(positionals[0], 'trainyard models promote needs a model id.');
        const to = stageOption(required(str(values['to']), 'trainyard models promote needs --to staging|production.'), 'to')!;
        const reason = required(str(values['reason']), 'trainyard models promote needs --reason "<why>" (kept in the promotion history).');
        if (to !== 'staging' && to !== 'production')
          throw new DomainError(
            'INVALID_ARGUMENT',
            `--to must be staging or production, got "${to}" (use rollback to bring back an older version).`,
          );
        const out = await s.gates.promote(
          { model_id: id, to_stage: to, reason, force: Boolean(values['force']), skip_staging: Boolean(values['skip-staging']) },
          actor,
        );
        s.mirror.touch();
        if (json) writeJson(io, out);
        else
          io.stdout.write(
            `${out.model.model_id} is now ${out.model.stage}${out.retired ? `; ${out.retired.model_id} retired` : ''}${out.record.forced ? ' (forced past a failed gate)' : ''}.\n`,
          );
        return 0;
      }
      case 'approve': {
        const id = required(positionals[0], 'trainyard models approve needs a model id, e.g. rsi_mean_reversion@3.');
        const reason = required(
          str(values['reason']),
          'trainyard models approve needs --reason "<why you approve it>" (kept with the approval).',
        );
        const approval = s.registry.evaluations.approve(id, str(values['by']) ? `${actor} as ${str(values['by'])}` : actor, reason);
        if (json) writeJson(io, approval);
        else
          io.stdout.write(
            `${id} approved for production by ${approval.approved_by}. Promote it with: trainyard models promote ${id} --to production --reason "..."\n`,
          );
        return 0;
      }
      case 'rollback': {
        const name = required(positionals[0], 'trainyard models rollback needs a model name, e.g. rsi_mean_reversion.');
        const reason = required(str(values['reason']), 'trainyard models rollback needs --reason "<why>".');
        const out = models.rollback(name, reason, actor);
        s.mirror.touch();
        if (json) writeJson(io, out);
        else io.stdout.write(`${out.model.model_id} is production again; ${out.retired.model_id} retired.\n`);
        return 0;
      }
      case 'history': {
        const name = required(positionals[0], 'trainyard models history needs a model name or id.');
        const history = models.history(name);
        if (json) writeJson(io, history);
        else io.stdout.write(history.length ? history.map(historyLine).join('\n') + '\n' : `No stage changes recorded for "${name}".\n`);
        return 0;
      }
      default:
        throw new DomainError(
          'INVALID_ARGUMENT',
          `Unknown models command "${sub ?? ''}". Use: models list | show <id> | promote <id> --to <stage> --reason <text> | approve <id> --reason <text> | rollback <name> --reason <text> | history <name>.`,
        );
    }
  });
}
