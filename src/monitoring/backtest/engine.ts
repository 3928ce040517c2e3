/** What the engine needs of a symbol's bars. */
export interface PriceSeries {
  open: Float64Array;
  close: Float64Array;
}

export interface ExecutionCosts {
  /** Commission per unit of position changed, in basis points of the traded value. */
  cost_bps: number;
  /** Slippage per unit of position changed, in basis points. */
  slippage_bps: number;
}

export interface EngineOutput {
  /** Equity at each bar's close, starting from 1 before the first bar. */
  equity: Float64Array;
  /** Return of each bar (after costs). */
  returns: Float64Array;
  /** Position held during each bar (after the open's execution). */
  position: Int8Array;
  trades: { entry_bar: number; exit_bar: number; side: 1 | -1; return: number }[];
}

/**
 * Bar-by-bar simulation, one position per symbol. `signal[t]` is decided at bar t's close and
 * executed at bar t+1's open (never the bar that produced it); a change of position pays
 * |change| x (cost + slippage) at that open. Between opens the position is marked at each close.
 * Loops over typed arrays only: millions of bars per second.
 */
export function simulate(prices: PriceSeries, signal: Int8Array, costs: ExecutionCosts): EngineOutput {
  const n = prices.close.length;
  const equity = new Float64Array(n);
  const returns = new Float64Array(n);
  const position = new Int8Array(n);
  const trades: EngineOutput['trades'] = [];
  const fee = (costs.cost_bps + costs.slippage_bps) / 10_000;
  let eq = 1;
  let pos = 0;
  let tradeStart = -1;
  let tradeGrowth = 1;
  const closeTrade = (exitBar: number) => {
    if (pos !== 0) trades.push({ entry_bar: tradeStart, exit_bar: exitBar, side: pos as 1 | -1, return: tradeGrowth - 1 });
  };
  for (let t = 0; t < n; t++) {
    const open = prices.open[t]!;
    const close = prices.close[t]!;
    const target = t === 0 ? 0 : signal[t - 1]!;
    let growth = 1;
    if (target !== pos) {
      // The old position is carried from the previous close to this open and closed there paying
      // its exit cost; the new one pays its entry cost and is marked from the open to the close.
      // Positions are -1, 0 or +1, so |target - pos| = |pos| + |target|: exit + entry.
      const carry = t === 0 ? 1 : 1 + pos * (open / prices.close[t - 1]! - 1);
      const exit = 1 - Math.abs(pos) * fee;
      const entry = 1 - Math.abs(target) * fee;
      const intrabar = 1 + target * (close / open - 1);
      tradeGrowth *= carry * exit;
      closeTrade(t);
      pos = target;
      tradeStart = t;
      tradeGrowth = entry * intrabar;
      growth = carry * exit * entry * intrabar;
    } else if (t > 0) {
      growth = 1 + pos * (close / prices.close[t - 1]! - 1);
      if (pos !== 0) tradeGrowth *= growth;
    }
    eq *= growth;
    equity[t] = eq;
    returns[t] = growth - 1;
    position[t] = pos;
  }
  closeTrade(n);
  return { equity, returns, position, trades };
}
