import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../domain/errors.js';
import { parse } from './args.js';
import { str, withServices, writeJson, type CliIo } from './context.js';

/** A file name from a model id: "momentum@3" -> "momentum-v3". */
const fileStem = (modelId: string) => modelId.replace('@', '-v');

function writeOut(io: CliIo, out: string, content: string | Buffer): string {
  const file = path.resolve(io.cwd, out);
  try {
    fs.writeFileSync(file, content);
  } catch (err) {
    throw new DomainError(
      'INVALID_ARGUMENT',
      `--out ${out}: cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
      {
        out,
      },
    );
  }
  return file;
}

/** `trainyard report <model_id> [--out report.html] [--json]`: one self-contained HTML page (model card, gates, backtest, drift, performance). */
export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string' }, json: { type: 'boolean' } });
  const modelId = positionals[0];
  if (!modelId)
    throw new DomainError(
      'INVALID_ARGUMENT',
      'trainyard report needs a model id, e.g. "trainyard report momentum@3" (see "trainyard models list").',
    );
  const out = str(values['out']) ?? `${fileStem(modelId)}-report.html`;
  return withServices(values, io, async (s) => {
    const page = await s.reports.modelHtml(modelId);
    if (out === '-') {
      io.stdout.write(page);
      return 0;
    }
    const file = writeOut(io, out, page);
    const charts = s.charts.list(modelId).map((c) => c.name);
    if (values['json']) writeJson(io, { model_id: modelId, path: file, bytes: Buffer.byteLength(page), charts });
    else io.stdout.write(`wrote ${file} (${(Buffer.byteLength(page) / 1024).toFixed(0)} KB; charts: ${charts.join(', ') || 'none'})\n`);
    return 0;
  });
}

/**
 * `trainyard chart <model_id>`: the charts a model has; `trainyard chart <model_id> <name> [--png]
 * [--scale N] [--out f]`: one of them as SVG or PNG; `trainyard chart --program P`: a research program's progress;
 * `trainyard chart --tuning <run_id>`: a tuning run's study (each trial's objective, the best so far, per epoch).
 */
export async function chartCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    png: { type: 'boolean' },
    scale: { type: 'string' },
    out: { type: 'string' },
    program: { type: 'string' },
    tuning: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [modelId, name] = positionals;
  const program = str(values['program']);
  const tuning = str(values['tuning']);
  if (!modelId && !program && !tuning)
    throw new DomainError(
      'INVALID_ARGUMENT',
      'trainyard chart needs a model id ("trainyard chart momentum@3" lists its charts), --program <name> for a research program or --tuning <run_id> for a tuning run.',
    );
  const rawScale = str(values['scale']);
  const scale = rawScale === undefined ? undefined : Number(rawScale);
  if (scale !== undefined && !(scale > 0 && scale <= 4))
    throw new DomainError('INVALID_ARGUMENT', `--scale must be a number above 0 and at most 4, got "${rawScale}".`, { scale: rawScale });
  const format = values['png'] ? 'png' : 'svg';
  return withServices(values, io, async (s) => {
    if (modelId && !name && !program && !tuning) {
      const list = s.charts.list(modelId);
      if (values['json']) writeJson(io, list);
      else
        io.stdout.write(
          list.length
            ? list.map((c) => `${c.name.padEnd(20)} ${c.title}  (${c.source})`).join('\n') + '\n'
            : `${modelId} has no chart yet.\n`,
        );
      return 0;
    }
    const chart = program
      ? await s.charts.renderResearch(program, { format, scale })
      : tuning
        ? await s.charts.renderTuning(tuning, { format, scale })
        : await s.charts.render(modelId!, name!, { format, scale });
    const content = format === 'png' ? chart.png! : chart.svg!;
    const stem = program
      ? `research-${program.replace(/[^\w.-]+/g, '_')}`
      : tuning
        ? `tuning-${tuning.replace(/[^\w.-]+/g, '_')}`
        : `${fileStem(modelId!)}-${name}`;
    const out = str(values['out']) ?? `${stem}.${format}`;
    if (out === '-') {
      io.stdout.write(content);
      return 0;
    }
    const file = writeOut(io, out, content);
    if (values['json'])
      writeJson(io, { name: chart.name, title: chart.title, alt: chart.alt, format, width: chart.width, height: chart.height, path: file });
    else io.stdout.write(`wrote ${file} (${chart.width}x${chart.height})\n${chart.alt}\n`);
    return 0;
  });
}
