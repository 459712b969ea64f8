import { createHash } from 'crypto';
import { PAGE_SCRIPT } from './pageScript.js';

/** The page's styles, inline like the script: the page fetches nothing but its WebSocket. */
const PAGE_STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:1rem;color:#222}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.5rem 1.5rem}
h1{font-size:1.4rem;margin:0}h2{font-size:1.05rem;margin:1.2rem 0 .4rem;border-bottom:1px solid #ddd}
#facts{margin:0;color:#555}
#connection{padding:.1rem .5rem;border-radius:.8rem;background:#eee}
#connection[data-state=open]{background:#d8f0de;color:#1a7f37}#connection[data-state=closed]{background:#fbe0e0;color:#c62828}
#connection[data-state=ended]{background:#e3e8f4;color:#28407a}#connection[data-outcome=failed]{background:#fbe0e0;color:#c62828}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.15rem .3rem;text-align:left}td{white-space:nowrap}
th{background:#f4f4f4;font-weight:600;vertical-align:bottom}
#peers td[data-field=held],#peers td[data-field=neighbours],#peers td[data-field=down],#peers td[data-field=up]{text-align:right;font-variant-numeric:tabular-nums}
#peers canvas{display:block;width:280px;height:14px}
#peers tr.paused{background:#fff6d6}#peers tr.gone{color:#999}
#peers button{margin-right:2px;padding:1px 4px;font-size:12px}#peers input{font:inherit;font-size:12px;width:66px}
.lower{display:flex;flex-wrap:wrap;gap:2rem;align-items:flex-start}
#matrix td{width:2rem;text-align:center;font-weight:600}
#matrix td[data-kind=preferred],.key[data-kind=preferred]{background:#cfe8d6;color:#1a5f30}#matrix td[data-kind=optimistic],.key[data-kind=optimistic]{background:#fde2b8;color:#8a4b00}
#matrix td[data-kind=choked]{color:#999}#matrix td[data-kind=self]{background:#f4f4f4;color:#bbb}
#matrix td.changed{animation:flash 1s}@keyframes flash{from{outline:2px solid #3366cc}to{outline:2px solid transparent}}
.matrix{max-width:100%;overflow-x:auto}
.legend{margin:.2rem 0;color:#555;max-width:40rem}
.key{display:inline-block;min-width:1.1rem;padding:0 .15rem;text-align:center;font-weight:600;border:1px solid #ddd}.key[data-kind=changed]{outline:2px solid #3366cc;outline-offset:-2px}
.events{flex:1;min-width:28rem}
#events{font:12px/1.4 ui-monospace,monospace;height:22rem;overflow-y:auto;margin:0;padding:.3rem .5rem;list-style:none;background:#f8f8f8;border:1px solid #ddd}
#events .tag{display:inline-block;min-width:3.2rem;color:#3366cc}
#events li[data-kind=lifecycle]{color:#8a4b00}#events li[data-kind=dropped]{color:#999}
#notices{list-style:none;padding:0;margin:.5rem 0}#notices li[data-kind=error]{color:#c62828}#notices li[data-kind=ok]{color:#1a7f37}
`;

/** The whole page; constant, so its CSP hashes are too. The title and facts arrive in the first WebSocket message. */
export const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>swarmlab dashboard</title>
<style>${PAGE_STYLE}</style></head>
<body>
<header><h1 id="title">swarmlab dashboard</h1><p id="facts"></p><span id="connection" data-state="connecting">connecting</span></header>
<ul id="notices" aria-live="polite"></ul>
<h2>Peers</h2>
<table id="peers"><thead><tr><th>peer</th><th>role</th><th>state</th><th>pieces (green: held)</th><th>held</th><th>neigh&shy;bours</th><th>down</th><th>up</th><th></th><th>rate limit up / down</th></tr></thead><tbody></tbody></table>
<p class="legend" id="limits-legend">Rate limits: type e.g. 500KiB/s or 2MB/s and press Enter or Set; empty: unlimited. The grey text in a box is the limit in force.</p>
<div class="lower">
<section class="matrix"><h2>Who unchokes whom</h2>
<p class="legend" id="matrix-legend">Row unchokes column: <span class="key" data-kind="preferred">P</span> preferred (re-chosen every p s), <span class="key" data-kind="optimistic">O</span> optimistic (every m s), <span class="key">&middot;</span> connected but choked. <span class="key" data-kind="changed">&nbsp;</span> blue outline, for 1 s: the cell just changed (a new choice at the p or m interval, or a peer that came or went).</p>
<table id="matrix"></table></section>
<section class="events"><h2>Events</h2><ol id="events"></ol></section>
</div>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Only this page's own inline script and style run, it may connect only to the
 * dashboard's WebSocket, and no other site may frame it (its buttons kill peers).
 */
export function pageSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    `script-src ${sha256(PAGE_SCRIPT)}`,
    `style-src ${sha256(PAGE_STYLE)}`,
    `connect-src ws://127.0.0.1:${port} ws://localhost:${port}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
