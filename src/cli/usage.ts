export const USAGE = `trainyard — train, gate and manage trading-strategy models

Usage:
  trainyard demo                         one offline research cycle on the bundled S&P 500 data, printed in full
  trainyard research [--cycles N] [--goal "..."] [--designer claude|offline] [--data <spec>] [--program P] [--seed N] [--json]
                                         autonomous research: design, train, gate, backtest, assess, learn
                                         (Claude when ANTHROPIC_API_KEY is set; Ctrl-C cancels the run)
  trainyard research --resume <run_id>   continue a run that trainyard's stop interrupted
  trainyard tune <strategy> [--trials N] [--sampler tpe|random] [--pruner hyperband|successive_halving|none]
                 [--objective val_loss|val_sharpe] [--cv K] [--data <spec>] [--parallel N] [--seed N]
                 [--epochs N] [--search file|yaml] [--no-retrain] [--json]
                                         hyperparameter search over the strategy's search: section; the best is registered
  trainyard tune --resume <run_id> [--trials N]   continue a stopped tuning study
  trainyard train <strategy> [options]   train a strategy (a name under strategies/, a path, or YAML)
  trainyard strategies                   list the example strategies
  trainyard validate <strategy>          check a strategy file and list every problem
  trainyard serve [--read-only]          MCP server over stdio (for Claude Code and other clients)
  trainyard worker --queue redis://H:6379 [--concurrency 1]   run training and trial jobs from a Redis queue (a coordinator is serve or any command with --queue)
  trainyard serve --http [--host 127.0.0.1] [--port 7777] [--token T]   MCP over Streamable HTTP at /mcp
  trainyard status [operation_id]        one operation, or the recent ones
  trainyard backtest <model_id> [options]   backtest a model against buy-and-hold (its test segment by default)
  trainyard models list [--name N] [--stage S]
  trainyard models show <model_id>       model card: lineage, metrics, stage history
  trainyard models promote <model_id> --to staging|production --reason "<why>" [--skip-staging] [--force]
  trainyard models rollback <name> --reason "<why>"   previous production version back
  trainyard models approve <model_id> --reason "<why>"   a person's approval for production (when config requires one)
  trainyard models history <name>        every stage change (who, when, why)
  trainyard report <model_id> [--out report.html]   one self-contained HTML page: model card, gates, charts, backtest, drift, performance
  trainyard chart <model_id>             the charts a model has (training_curves, equity, drift, ...)
  trainyard chart <model_id> <name> [--png] [--scale N] [--out f]   one chart as SVG (default) or PNG ("--out -": stdout)
  trainyard chart --program P [--png]    a research program's progress: trials, best and deflated Sharpe, PBO
  trainyard chart --tuning <run_id> [--png]   a tuning run's study: each trial's objective, the best so far, per epoch
  trainyard drift <model_id> --data <spec> [--from D] [--to D]   feature, prediction and concept drift on recent data
  trainyard data show <spec> [--rows N]   what a data spec loads to: bars, span, timeframe, close range, notes, first rows
  trainyard ingest --data <spec> [--symbols A,B] [--replace]   append new bars; production models score them
  trainyard monitor [--name N] [--update]   live performance of production models (accuracy, win rate, Sharpe, importance)
  trainyard watch [--once] [--interval S] [--json]   retraining scheduler in the foreground (config "triggers");
                                         --once: one check, waits for the runs it started, exits (for cron)
  trainyard triggers [--name N] [--type T] [--limit N]   recorded retraining triggers and their outcomes

Train options:
  --data <spec>        csv:<path> | sample:sp500 | synthetic:seed=1,bars=5000[,family=mean_reversion][,signal=0.3][,regimes=2] | store:[A,B][,timeframe=1d]
  --symbols A,B        only these symbols
  --from YYYY-MM-DD    first bar (inclusive)     --to YYYY-MM-DD   last bar (inclusive)
  --timeframe 4h       resample to this bar size (must be coarser than the data's)
  --epochs N           override training.epochs  --seed N          override training.seed
  --priority high      jump the training queue
  --json               print only the result object (JSON) on stdout (any command)
  --quiet              no progress output

Backtest options:
  --data <spec>        trade this data instead of the model's test segment (--from/--to limit the bars)
  --walk-forward expanding|rolling   retrain per window and trade each following test part
  --windows N          walk-forward test parts (default 4)   --test-bars N   bars per test part
  --min-train-bars N   training bars per window (default 250) --train-bars N  rolling training length
  --epochs N           epochs per window (default: as the model was trained)
  --json               print the full report (JSON) on stdout

Global options:
  --home <dir>         state directory (default ./state, env TRAINYARD_HOME)
  --backend <name>     auto | tensorflow-gpu | tensorflow | wasm | cpu (env TRAINYARD_BACKEND)
  --log-level <level>  fatal | error | warn | info | debug | trace | silent (env TRAINYARD_LOG_LEVEL)
  --config <file>      YAML/JSON settings file (env TRAINYARD_CONFIG)
  -h, --help           this help            --version   print the version

Exit codes: 0 success, 1 invalid input or failed run, 2 usage error, 130 cancelled.`;
