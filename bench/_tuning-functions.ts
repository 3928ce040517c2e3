// Standard test functions for the tuning-samplers bench, each with its search space. The same
// definitions are in bench/optuna_tuning.py; keep the two in step.
import type { ParamValue, SearchSpace } from '../src/tuning/types.js';

export interface TestFunction {
  name: string;
  space: SearchSpace;
  /** Known minimum, to read the figures against. */
  optimum: number;
  f: (p: Record<string, ParamValue>) => number;
}

const num = (p: Record<string, ParamValue>, k: string) => p[k] as number;

// Branin-Hoo on [-5, 10] x [0, 15]; three global minima of 0.397887.
const branin: TestFunction = {
  name: 'branin',
  space: {
    params: [
      { name: 'x1', distribution: { kind: 'float', low: -5, high: 10, log: false } },
      { name: 'x2', distribution: { kind: 'float', low: 0, high: 15, log: false } },
    ],
  },
  optimum: 0.397887,
  f: (p) => {
    const x1 = num(p, 'x1');
    const x2 = num(p, 'x2');
    const b = 5.1 / (4 * Math.PI ** 2);
    return (x2 - b * x1 * x1 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
  },
};

// Hartmann 6-D on [0, 1]^6; global minimum -3.32237.
const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];
const ALPHA = [1, 1.2, 3, 3.2];
const hartmann6: TestFunction = {
  name: 'hartmann6',
  space: { params: Array.from({ length: 6 }, (_, i) => ({ name: `x${i}`, distribution: { kind: 'float', low: 0, high: 1, log: false } })) },
  optimum: -3.32237,
  f: (p) => {
    let total = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += A[i]![j]! * (num(p, `x${j}`) - P[i]![j]!) ** 2;
      total -= ALPHA[i]! * Math.exp(-inner);
    }
    return total;
  },
};

// Shifted quadratics in log space: a learning rate over 1e-5..1, a weight decay over 1e-6..1e-1 and
// an int batch size over 8..1024 (log int). Minimum 0 at lr 10^-2.7, wd 10^-4.3, batch 64.
const logscale: TestFunction = {
  name: 'logscale',
  space: {
    params: [
      { name: 'lr', distribution: { kind: 'float', low: 1e-5, high: 1, log: true } },
      { name: 'wd', distribution: { kind: 'float', low: 1e-6, high: 0.1, log: true } },
      { name: 'batch', distribution: { kind: 'int', low: 8, high: 1024, log: true } },
    ],
  },
  optimum: 0,
  f: (p) =>
    (Math.log10(num(p, 'lr')) + 2.7) ** 2 + 0.5 * (Math.log10(num(p, 'wd')) + 4.3) ** 2 + 0.1 * (Math.log2(num(p, 'batch')) - 6) ** 2,
};

// Categorical + conditional float + int + stepped float + float. Minimum 0: adam, 3 layers, dropout 0.15, x 0.7.
const OPT_OFFSET: Record<string, number> = { adam: 0, sgd: 0.3, rmsprop: 0.15 };
const mixed: TestFunction = {
  name: 'mixed',
  space: {
    params: [
      { name: 'optimizer', distribution: { kind: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] } },
      {
        name: 'momentum',
        distribution: { kind: 'float', low: 0, high: 0.99, log: false },
        condition: { parent: 'optimizer', values: ['sgd'] },
      },
      { name: 'layers', distribution: { kind: 'int', low: 1, high: 8, log: false } },
      { name: 'dropout', distribution: { kind: 'float', low: 0, high: 0.5, log: false, step: 0.05 } },
      { name: 'x', distribution: { kind: 'float', low: -2, high: 2, log: false } },
    ],
  },
  optimum: 0,
  f: (p) => {
    const opt = p['optimizer'] as string;
    const momentum = opt === 'sgd' ? 2 * (num(p, 'momentum') - 0.9) ** 2 : 0;
    return (
      OPT_OFFSET[opt]! + momentum + 0.05 * (num(p, 'layers') - 3) ** 2 + 4 * (num(p, 'dropout') - 0.15) ** 2 + (num(p, 'x') - 0.7) ** 2
    );
  },
};

export const testFunctions: readonly TestFunction[] = [branin, hartmann6, logscale, mixed];
