import type { OperationSummary } from './schemas.js';

/**
 * One next step: the tool, the arguments to call it with, and why. Results carry them as
 * `next_steps` (Claude Code gives the model the structured content, not the text) and the text
 * rendering lists the same strings, so the two cannot differ.
 */
export function nextStep(tool: string, args: Record<string, unknown>, why: string): string {
  return `${tool} ${JSON.stringify(args)}: ${why}`;
}

/** Next steps for an operation (a training run or a backtest) as its summary stands. */
export function operationNextSteps(op: OperationSummary): string[] {
  const id = { operation_id: op.operation_id };
  const r = op.result ?? {};
  const modelId = typeof r['model_id'] === 'string' ? r['model_id'] : undefined;
  switch (op.status) {
    case 'pending':
    case 'running':
      return [nextStep('get_status', id, `poll until it ends${op.eta ? ` (ETA ${op.eta})` : ''}`)];
    case 'completed':
      if (!modelId) return [];
      if (op.type === 'training') {
        if (r['training_gate_passed'] === false)
          return [
            nextStep('evaluate_gate', { gate: 'training', model_id: modelId }, 'see which training-gate checks failed'),
            nextStep(
              'start_training',
              { strategy: '<revised strategy>' },
              'revise the strategy (features, labels, model) or train on more data',
            ),
          ];
        return [
          nextStep('run_backtest', { model_id: modelId }, 'out-of-sample backtest against buy-and-hold'),
          nextStep('promote_model', { model_id: modelId, to_stage: 'staging', reason: '<why>' }, 'the training gate passed'),
        ];
      }
      if (op.type === 'backtest')
        return [
          nextStep(
            'evaluate_gate',
            { gate: 'promotion', model_id: modelId },
            'judge the backtest against production and the trials so far',
          ),
          nextStep('get_model', { model_id: modelId }, 'the model card with its stored gates'),
        ];
      return [];
    case 'failed':
    case 'cancelled':
    case 'interrupted': {
      const again = op.type === 'backtest' ? 'run_backtest' : op.type === 'training' ? 'start_training' : undefined;
      if (!again) return [];
      const why =
        op.status === 'failed'
          ? `fix what failed (${op.error?.code ?? 'see error'}), then start it again`
          : `it was ${op.status}; start it again if still wanted`;
      return [nextStep(again, {}, why)];
    }
    default:
      return [];
  }
}

/** Next steps after a gate: promote when it passed; when it failed, what can change the outcome. */
export function gateNextSteps(gate: string, passed: boolean, modelId: string, failing: readonly string[] = []): string[] {
  const m = { model_id: modelId };
  if (passed) {
    if (gate === 'training')
      return [
        nextStep('run_backtest', m, 'out-of-sample backtest against buy-and-hold'),
        nextStep('promote_model', { ...m, to_stage: 'staging', reason: '<why>' }, 'the training gate passed'),
      ];
    if (gate === 'backtest') return [nextStep('evaluate_gate', { gate: 'promotion', ...m }, 'the gate promote_model runs for production')];
    return [nextStep('promote_model', { ...m, to_stage: 'production', reason: '<why>' }, 'the promotion gate passed')];
  }
  const steps: string[] = [];
  if (failing.includes('human_approval'))
    steps.push(
      `a person approves it: trainyard models approve ${modelId} --reason "<why>", or promote_model from a client that supports elicitation (it asks the person); an agent cannot, and force does not replace it`,
    );
  if (failing.includes('feature_drift'))
    steps.push(nextStep('check_drift', { ...m, data: 'store:' }, 'which features drifted on recent data'));
  if (gate === 'backtest' || gate === 'promotion')
    steps.push(nextStep('run_backtest', { ...m, walk_forward: { windows: 4 } }, 'does the edge hold across periods or only in one'));
  steps.push(
    nextStep(
      'start_training',
      { strategy: '<revised strategy>' },
      'revise features, labels or model (validate_strategy checks it), or train on more data',
    ),
  );
  if (failing.some((name) => name !== 'human_approval'))
    steps.push(
      nextStep('promote_model', { ...m, force: true, reason: '<why the failing checks are acceptable>' }, 'only as a recorded override'),
    );
  return steps;
}
