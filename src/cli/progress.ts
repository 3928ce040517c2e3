import type { PipelineProgress } from '../pipeline/result.js';

export interface ProgressSink {
  update(p: PipelineProgress): void;
  done(): void;
}

const WIDTH = 24;

/** A terminal progress bar on stderr, redrawn in place, at most ~10 times a second. */
function ttyProgress(out: NodeJS.WriteStream): ProgressSink {
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const t = Date.now();
      const important = p.phase !== 'model_training' || p.val_accuracy !== undefined;
      if (!important && t - last < 100) return;
      last = t;
      const filled = Math.round((p.progress_pct / 100) * WIDTH);
      const bar = '█'.repeat(filled) + '░'.repeat(WIDTH - filled);
      const line = `${bar} ${p.progress_pct.toFixed(0).padStart(3)}% ${p.phase.replace('_', ' ')} · ${p.message}`;
      out.write(`\r\x1b[2K${line.slice(0, (out.columns || 120) - 1)}`);
      shown = true;
    },
    done() {
      if (shown) out.write('\r\x1b[2K');
    },
  };
}

/** Plain lines on stderr: phase changes and epoch ends only, so logs stay readable. */
function lineProgress(out: NodeJS.WritableStream): ProgressSink {
  let phase = '';
  return {
    update(p) {
      if (p.phase !== phase || p.val_accuracy !== undefined) {
        phase = p.phase;
        out.write(`[${p.progress_pct.toFixed(0).padStart(3)}%] ${p.phase}: ${p.message}\n`);
      }
    },
    done() {},
  };
}

export function createProgress(stderr: NodeJS.WriteStream, quiet: boolean): ProgressSink {
  if (quiet) return { update() {}, done() {} };
  return stderr.isTTY ? ttyProgress(stderr) : lineProgress(stderr);
}
