/** The report's whole stylesheet: inline, no web fonts, readable on screen and on paper. */
export const REPORT_CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 "DejaVu Sans", system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1d; margin: 0; background: #f6f6f4; }
main { max-width: 1000px; margin: 0 auto; padding: 24px; }
header h1 { font-size: 24px; margin: 0 0 4px; }
header p { margin: 0; color: #555; }
section { background: white; border: 1px solid #e2e2e2; border-radius: 6px; padding: 16px 20px; margin: 16px 0; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 16px 0 8px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid #ececec; vertical-align: top; }
th { font-weight: 600; color: #444; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dt { color: #555; }
dd { margin: 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.pass { background: #d8f0e6; color: #005c40; }
.fail { background: #fbe0d3; color: #8a2f00; }
.stage { background: #dcebf7; color: #004a7a; }
.muted { color: #666; }
figure { margin: 12px 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #555; margin-top: 4px; }
code { font-size: 12px; background: #f1f1ee; padding: 1px 4px; border-radius: 3px; word-break: break-all; }
@media print { body { background: white; } section { border: none; page-break-inside: avoid; } }
`;
