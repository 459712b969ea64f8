import { createHash } from 'crypto';
import { WEB_SCRIPT } from './webScript.js';

/** The page's styles, inline like its script (the dashboard's look). */
const WEB_STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:1rem;color:#222}
header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.2rem}
h1{font-size:1.4rem;margin:0}h2{font-size:1.1rem;margin:1.2rem 0 .4rem;border-bottom:1px solid #ddd}h3{font-size:1rem;margin:.8rem 0 .3rem}
#connection{padding:.1rem .5rem;border-radius:.8rem;background:#eee}
#connection[data-state=open]{background:#d8f0de;color:#1a7f37}#connection[data-state=closed]{background:#fbe0e0;color:#c62828}
#totals,#version,.hint{color:#555}
table{border-collapse:collapse;margin:.3rem 0}td,th{border:1px solid #ddd;padding:.15rem .4rem;text-align:left}
th{background:#f4f4f4;font-weight:600}
#torrents td[data-field=size],#torrents td[data-field=down],#torrents td[data-field=up],#torrents td[data-field=peers]{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
#torrents tr[data-state=paused]{background:#fff6d6}#torrents tr[data-state=error]{background:#fbe0e0}#torrents tr.selected{outline:2px solid #3366cc}
#torrents progress{width:8rem;vertical-align:middle}
button{font:inherit;font-size:13px;margin-right:2px}button.link{border:0;background:none;color:#3366cc;cursor:pointer;padding:0;text-align:left}
input{font:inherit}input[type=text]{width:22rem}.limits input{width:6rem}
#piece-map{display:block;width:600px;height:16px;border:1px solid #ddd}
#notices{list-style:none;padding:0;margin:.5rem 0}#notices li[data-kind=error]{color:#c62828}#notices li[data-kind=ok]{color:#1a7f37}
.panel{border:1px solid #ccd;border-radius:.4rem;padding:.6rem 1rem;margin:.6rem 0;background:#f8f9fc}
dialog{border:1px solid #999;border-radius:.4rem}dialog p{margin:.5rem 0}td.none{color:#999}
`;

/** An arrow down into a tray, in the page's green: the favicon, as SVG. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#2f7d4a"/><path d="M16 5v14m-6-6 6 6 6-6M7 22v4h18v-4" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/** The whole page; constant, so its CSP hashes are too. What it shows comes from the API. */
export const WEB_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>swarmlab</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>${WEB_STYLE}</style></head>
<body>
<header><h1>swarmlab</h1><span id="connection" data-state="connecting">connecting</span><span id="totals"></span>
<button type="button" id="add-open">Add torrent\u2026</button>
<span class="limits">limits \u2193 <input id="limit-down" aria-label="download limit"> \u2191 <input id="limit-up" aria-label="upload limit"> <button type="button" id="limits-set">Set</button></span>
<span id="version"></span></header>
<div id="token-box" class="panel" hidden><p>This daemon asks for its API token (in its data folder, file <code>api-token</code>).</p>
<p><input type="text" id="token" aria-label="API token"> <button type="button" id="token-save">Use it</button></p></div>
<section id="first-run" class="panel" hidden><h2>Welcome to swarmlab</h2>
<p>Where should downloads go? <input type="text" id="first-run-dir" aria-label="download folder"></p>
<p>The port peers reach you on: <input id="first-run-port" aria-label="peer port" size="6"> <span class="hint">(from the next start of the daemon, unless its --port says otherwise)</span></p>
<p><button type="button" id="first-run-save">Save</button></p></section>
<ul id="notices" aria-live="polite"></ul>
<table id="torrents"><thead><tr><th>name</th><th>state</th><th>progress</th><th>size</th><th>down</th><th>up</th><th>peers</th><th></th></tr></thead><tbody></tbody></table>
<p id="empty" class="hint">No torrents yet: add one with a magnet link, a URL or a .torrent file.</p>
<section id="detail" hidden><h2 id="detail-name"></h2><p id="detail-facts" class="hint"></p><button type="button" id="detail-close">Close</button>
<h3>Pieces</h3><canvas id="piece-map" width="600" height="16"></canvas>
<h3>Files</h3><p><label><input type="checkbox" id="first-last"> each wanted file's first and last pieces first (a preview)</label></p>
<table id="files"><thead><tr><th>path</th><th>size</th><th>done</th><th>priority</th></tr></thead><tbody></tbody></table>
<h3>Peers</h3><table id="peers"><thead><tr><th>address</th><th>client</th><th>flags</th><th>down</th><th>up</th><th>has</th></tr></thead><tbody></tbody></table>
<h3>Trackers</h3><table id="trackers"><thead><tr><th>URL</th><th>tier</th><th>status</th></tr></thead><tbody></tbody></table></section>
<dialog id="add-dialog"><h2>Add a torrent</h2>
<p><label>Magnet link or URL of a .torrent<br><input type="text" id="add-link"></label></p>
<p><label>or a .torrent file <input type="file" id="add-file" accept=".torrent,application/x-bittorrent"></label></p>
<p><label>Folder (empty: the download folder)<br><input type="text" id="add-dir"></label></p>
<p><label><input type="checkbox" id="add-paused"> add paused</label></p>
<p><button type="button" id="add-submit">Add</button> <button type="button" id="add-cancel">Cancel</button></p></dialog>
<script>${WEB_SCRIPT}</script>
</body></html>
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Only the page's own script and style run; it talks to its own origin only; no other site may frame it (its buttons delete files). */
export const WEB_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256(WEB_SCRIPT)}`,
  `style-src ${sha256(WEB_STYLE)}`,
  "connect-src 'self'",
  "img-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
