#!/usr/bin/env bash
# Smoke test with the official MCP Inspector in its non-interactive CLI mode, against the built
# stdio server: lists tools, resources and prompts, and calls two read tools. The Inspector is a
# devDependency (npm install); test/integration/real-clients.test.ts runs the same checks in
# `npm test`. Usage: npm run smoke:inspector
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
inspect() { HOME="$home" node_modules/.bin/mcp-inspector --cli node dist/cli.js serve --home "$home" "$@"; }
expected=$(node -e 'import("./dist/tools/index.js").then((m) => console.log(m.allTools.length))')
inspect --method tools/list | node -e 'const t=JSON.parse(require("fs").readFileSync(0,"utf8")).tools; const n=Number(process.argv[1]); if (t.length !== n) throw new Error("expected "+n+" tools, got "+t.length); console.log("tools:", t.map(x=>x.name).join(", "))' "$expected"
inspect --method resources/templates/list | node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8")).resourceTemplates; console.log("resource templates:", r.map(x=>x.uriTemplate).join(", "))'
inspect --method prompts/list | node -e 'const p=JSON.parse(require("fs").readFileSync(0,"utf8")).prompts; console.log("prompts:", p.map(x=>x.name).join(", "))'
inspect --method tools/call --tool-name list_strategies | node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8")); if (r.isError) throw new Error(JSON.stringify(r)); console.log("list_strategies:", r.structuredContent.strategies.map(s=>s.name).join(", "))'
inspect --method tools/call --tool-name validate_strategy --tool-arg strategy=rsi_mean_reversion | node -e 'const r=JSON.parse(require("fs").readFileSync(0,"utf8")); if (!r.structuredContent.valid) throw new Error(JSON.stringify(r)); console.log("validate_strategy: valid")'
echo "inspector smoke test passed"
