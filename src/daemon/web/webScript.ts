import { PAGE_LIBRARY } from '../../control/pageLibrary.js';

/**
 * The web UI's script, run by the browser: the torrent list from the API's
 * event stream, the selected torrent's page (files, peers, trackers, piece
 * map) fetched each second while it is open, and the buttons and dialogs
 * that call the API (contract.ts). Plain browser JavaScript in a string, like
 * the dashboard's; every text from the daemon goes in through textContent.
 * When the daemon asks for a token (it listens beyond 127.0.0.1), the page
 * asks the user for it once and keeps it for the tab.
 */
export const WEB_SCRIPT = String.raw`
'use strict';
(function () {
${PAGE_LIBRARY}
  var API = '/api/v1';
  var STRIP_WIDTH = 600;
  var list = document.querySelector('#torrents tbody');
  var notices = document.getElementById('notices');
  var rows = new Map();
  var selected = null;
  var detailTimer = null;
  var events = null;
  var token = sessionStorage.getItem('swarmlab-token') || '';

  function call(method, route, body, contentType) {
    var headers = {};
    if (token) headers.authorization = 'Bearer ' + token;
    // Every state-changing request says JSON, a body or not (a DELETE has none): the daemon refuses those that do not, as a plain form could send them.
    if (body !== undefined || method !== 'GET') headers['content-type'] = contentType || 'application/json';
    var payload = body === undefined ? undefined : contentType ? body : JSON.stringify(body);
    return fetch(API + route, { method: method, headers: headers, body: payload }).then(function (response) {
      if (response.status === 401) askForToken();
      if (response.status === 204) return null;
      return response.text().then(function (text) {
        var value = text ? JSON.parse(text) : null;
        if (!response.ok) throw new Error(value && value.error ? value.error : response.status + ' ' + response.statusText);
        return value;
      });
    });
  }

  function askForToken() {
    document.getElementById('token-box').hidden = false;
  }
  document.getElementById('token-save').onclick = function () {
    token = document.getElementById('token').value.trim();
    sessionStorage.setItem('swarmlab-token', token);
    document.getElementById('token-box').hidden = true;
    start();
  };

  function notice(text, kind) {
    var li = element('li', { 'data-kind': kind }, text);
    notices.prepend(li);
    while (notices.childElementCount > 5) notices.lastElementChild.remove();
  }

  function failed(what) {
    return function (error) { notice(what + ': ' + error.message, 'error'); };
  }

  function setConnection(state, text) {
    var badge = document.getElementById('connection');
    badge.dataset.state = state;
    badge.textContent = text;
  }

  // The list: one row per torrent, kept by id, redrawn from each 'torrents' event.
  function showTorrents(torrents) {
    var seen = new Set();
    var down = 0;
    var up = 0;
    torrents.forEach(function (torrent) {
      seen.add(torrent.id);
      down += torrent.downloadRate;
      up += torrent.uploadRate;
      var row = rows.get(torrent.id) || addRow(torrent.id);
      showRow(row, torrent);
    });
    rows.forEach(function (row, id) { if (!seen.has(id)) removeRow(id); });
    document.getElementById('empty').hidden = torrents.length > 0;
    document.getElementById('totals').textContent = torrents.length + ' torrent' + (torrents.length === 1 ? '' : 's') + ', \u2193 ' + formatRate(down) + ' \u2191 ' + formatRate(up);
  }

  function addRow(id) {
    var tr = element('tr', { 'data-id': id });
    var cells = {};
    ['name', 'state', 'progress', 'size', 'down', 'up', 'peers', 'actions'].forEach(function (name) {
      cells[name] = element('td', { 'data-field': name });
      tr.append(cells[name]);
    });
    var open = element('button', { type: 'button', class: 'link', 'data-action': 'open' });
    open.onclick = function () { select(id); };
    cells.name.append(open);
    var bar = element('progress', { max: 1, value: 0 });
    var percent = element('span', {});
    cells.progress.append(bar, percent);
    [['pause', 'Pause'], ['resume', 'Resume'], ['recheck', 'Recheck']].forEach(function (pair) {
      var button = element('button', { type: 'button', 'data-action': pair[0] }, pair[1]);
      button.onclick = function () { act(id, pair[0]); };
      cells.actions.append(button);
    });
    [['remove', 'Remove', false], ['remove-data', 'Remove + data', true]].forEach(function (spec) {
      var button = element('button', { type: 'button', 'data-action': spec[0] }, spec[1]);
      button.onclick = function () { remove(id, spec[2]); };
      cells.actions.append(button);
    });
    list.append(tr);
    var row = { tr: tr, cells: cells, open: open, bar: bar, percent: percent, torrent: null };
    rows.set(id, row);
    return row;
  }

  function showRow(row, torrent) {
    row.torrent = torrent;
    var tr = row.tr;
    tr.dataset.state = torrent.state;
    tr.dataset.progress = String(torrent.progress);
    row.open.textContent = torrent.name;
    row.open.title = torrent.id;
    row.cells.state.textContent = torrent.state + (torrent.error ? ': ' + torrent.error : '');
    row.bar.value = torrent.progress;
    row.percent.textContent = ' ' + (Math.floor(torrent.progress * 1000) / 10).toFixed(1) + '%';
    row.cells.size.textContent = torrent.sizeBytes === null ? '?' : formatBytes(torrent.sizeBytes);
    row.cells.down.textContent = formatRate(torrent.downloadRate);
    row.cells.up.textContent = formatRate(torrent.uploadRate);
    row.cells.peers.textContent = torrent.peers + (torrent.seeds ? ' (' + torrent.seeds + ' seeds)' : '');
    var stopped = torrent.state === 'paused' || torrent.state === 'error';
    tr.querySelector('button[data-action="pause"]').disabled = stopped;
    tr.querySelector('button[data-action="resume"]').disabled = !stopped;
    tr.querySelector('button[data-action="recheck"]').disabled = torrent.sizeBytes === null;
    if (selected === torrent.id) document.getElementById('detail').dataset.state = torrent.state;
  }

  function removeRow(id) {
    var row = rows.get(id);
    if (!row) return;
    row.tr.remove();
    rows.delete(id);
    if (selected === id) select(null);
  }

  function act(id, action) {
    call('POST', '/torrents/' + id + '/' + action, {}).then(function (answer) {
      var row = rows.get(id);
      if (row) showRow(row, answer.torrent);
      notice(answer.torrent.name + ': ' + action + ' done', 'ok');
    }, failed(action));
  }

  function remove(id, withData) {
    var row = rows.get(id);
    var name = row && row.torrent ? row.torrent.name : id;
    if (!confirm('Remove ' + name + (withData ? ' and delete its files' : ' (its files stay)') + '?')) return;
    call('DELETE', '/torrents/' + id + (withData ? '?deleteData=true' : '')).then(function () {
      removeRow(id);
      notice(name + ' removed' + (withData ? ' with its files' : ''), 'ok');
    }, failed('remove'));
  }

  // The torrent's page: fetched now and each second while it is open.
  function select(id) {
    selected = id;
    clearInterval(detailTimer);
    var detail = document.getElementById('detail');
    detail.hidden = id === null;
    rows.forEach(function (row, rowId) { row.tr.classList.toggle('selected', rowId === id); });
    if (id === null) return;
    detail.dataset.id = id;
    refreshDetail();
    detailTimer = setInterval(refreshDetail, 1000);
  }
  document.getElementById('detail-close').onclick = function () { select(null); };

  function refreshDetail() {
    var id = selected;
    Promise.all([call('GET', '/torrents/' + id), call('GET', '/torrents/' + id + '/peers')]).then(function (answers) {
      if (selected !== id) return;
      showDetail(answers[0], answers[1].peers);
      // Its row says what its page says (the daemon's events come on state changes, not on every piece).
      if (rows.has(id)) showRow(rows.get(id), answers[0]);
    }, function (error) { if (selected === id) notice('torrent ' + id + ': ' + error.message, 'error'); });
  }

  function showDetail(torrent, peers) {
    document.getElementById('detail-name').textContent = torrent.name;
    document.getElementById('detail-facts').textContent = torrent.id + ' \u2014 ' + torrent.state + ', ' +
      (torrent.pieceCount === null ? 'metadata not known yet' : torrent.pieceCount + ' pieces of ' + formatBytes(torrent.pieceLength)) + ', in ' + torrent.dir;
    var map = document.getElementById('piece-map');
    map.dataset.held = String(countHeld(torrent.pieces, torrent.pieceCount || 0));
    drawPieces(map, torrent.pieces, torrent.pieceCount || 0);
    showFiles(torrent);
    document.getElementById('first-last').checked = torrent.firstAndLastFirst;
    fill('peers', peers, function (peer) {
      return [peer.address, peer.client, peer.flags, formatRate(peer.downloadRate), formatRate(peer.uploadRate), Math.round(peer.progress * 100) + '%'];
    });
    fill('trackers', torrent.trackers, function (tracker) {
      return [tracker.url, String(tracker.tier), tracker.status + (tracker.message ? ': ' + tracker.message : '')];
    });
  }

  // The files' rows are kept while the page is open, so a priority being chosen is not redrawn under the pointer.
  var fileRows = new Map();
  var PRIORITIES = ['skip', 'low', 'normal', 'high'];
  function showFiles(torrent) {
    var body = document.querySelector('#files tbody');
    if (body.dataset.id !== torrent.id) {
      body.replaceChildren();
      fileRows.clear();
      body.dataset.id = torrent.id;
    }
    torrent.files.forEach(function (file) {
      var row = fileRows.get(file.index);
      if (!row) {
        row = { tr: element('tr', { 'data-file': file.index }), done: element('td', {}), select: element('select', { 'aria-label': 'priority of ' + file.path }) };
        PRIORITIES.forEach(function (priority) { row.select.append(element('option', { value: priority }, priority)); });
        row.select.onchange = function () { setPriority(torrent.id, file.index, row.select.value); };
        var priorityCell = element('td', {});
        priorityCell.append(row.select);
        row.tr.append(element('td', {}, file.path), element('td', {}, formatBytes(file.sizeBytes)), row.done, priorityCell);
        body.append(row.tr);
        fileRows.set(file.index, row);
      }
      row.done.textContent = (file.sizeBytes ? (Math.floor(file.doneBytes / file.sizeBytes * 1000) / 10).toFixed(1) + '%' : '100.0%') +
        ' (' + file.piecesHeld + '/' + file.pieceCount + ' pieces)';
      row.tr.dataset.priority = file.priority;
      if (document.activeElement !== row.select) row.select.value = file.priority;
    });
  }

  function setPriority(id, index, priority) {
    call('PATCH', '/torrents/' + id, { files: [{ index: index, priority: priority }] }).then(function (torrent) {
      if (selected === id) showFiles(torrent);
      notice(torrent.files.filter(function (f) { return f.index === index; })[0].path + ': ' + priority, 'ok');
    }, failed('priority'));
  }

  document.getElementById('first-last').onchange = function (event) {
    var id = selected;
    call('PATCH', '/torrents/' + id, { firstAndLastFirst: event.target.checked }).then(function () {
      notice('first and last pieces first: ' + (event.target.checked ? 'on' : 'off'), 'ok');
    }, failed('first and last pieces first'));
  };

  function countHeld(hex, count) {
    var held = 0;
    for (var i = 0; i < count; i++) if ((parseInt(hex.substr(i >> 2, 1), 16) >> (3 - (i & 3))) & 1) held++;
    return held;
  }

  function fill(tableId, items, cellsOf) {
    var body = document.querySelector('#' + tableId + ' tbody');
    body.replaceChildren();
    items.forEach(function (item) {
      var tr = element('tr', {});
      cellsOf(item).forEach(function (text) { tr.append(element('td', {}, text)); });
      body.append(tr);
    });
    if (items.length > 0) return;
    var empty = element('tr', {});
    empty.append(element('td', { colspan: 6, class: 'none' }, 'none'));
    body.append(empty);
  }

  // The add dialog: a magnet link or URL, or a .torrent file; a folder; paused or not.
  var dialog = document.getElementById('add-dialog');
  document.getElementById('add-open').onclick = function () { dialog.showModal(); };
  document.getElementById('add-cancel').onclick = function () { dialog.close(); };
  document.getElementById('add-submit').onclick = function () {
    var link = document.getElementById('add-link').value.trim();
    var file = document.getElementById('add-file').files[0];
    var dir = document.getElementById('add-dir').value.trim();
    var paused = document.getElementById('add-paused').checked;
    if (!link && !file) return notice('add: give a magnet link, a URL or a .torrent file', 'error');
    var sent = file ? file.arrayBuffer().then(function (bytes) { return { torrent: base64(new Uint8Array(bytes)) }; })
      : Promise.resolve(/^magnet:/i.test(link) ? { magnet: link } : { url: link });
    sent.then(function (request) {
      if (dir) request.dir = dir;
      if (paused) request.paused = true;
      return call('POST', '/torrents', request);
    }).then(function (answer) {
      dialog.close();
      document.getElementById('add-link').value = '';
      document.getElementById('add-file').value = '';
      notice(answer.torrent.name + (answer.added ? ' added' : ' is already there'), 'ok');
      showRow(rows.get(answer.torrent.id) || addRow(answer.torrent.id), answer.torrent);
    }, failed('add'));
  };

  function base64(bytes) {
    var text = '';
    for (var i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(text);
  }

  // Limits and the first-run screen: the daemon's settings.
  function showInfo(info) {
    document.getElementById('limit-down').placeholder = info.limits.downloadRate === null ? 'unlimited' : formatRate(info.limits.downloadRate);
    document.getElementById('limit-up').placeholder = info.limits.uploadRate === null ? 'unlimited' : formatRate(info.limits.uploadRate);
    document.getElementById('version').textContent = 'swarmlab ' + info.version + ', peers on port ' + info.peerPort;
    document.getElementById('first-run').hidden = !info.firstRun;
    document.getElementById('first-run-dir').value = info.downloadDir;
    document.getElementById('first-run-port').value = String(info.configuredPeerPort || info.peerPort);
  }

  // KiB/s by default: "500", "500k", "2M", "1.5 MiB/s"; empty: unlimited.
  function parseRate(text) {
    var match = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:i?B)?(?:\/s)?\s*$/.exec(text);
    if (!text.trim()) return null;
    if (!match) throw new Error('"' + text + '" is not a rate (e.g. 500k or 2M, in bytes per second; empty: unlimited)');
    var scale = { '': 1024, k: 1024, m: 1048576, g: 1073741824 }[match[2].toLowerCase()];
    return Math.round(Number(match[1]) * scale);
  }

  document.getElementById('limits-set').onclick = function () {
    var limits;
    try {
      limits = { downloadRate: parseRate(document.getElementById('limit-down').value), uploadRate: parseRate(document.getElementById('limit-up').value) };
    } catch (error) { return notice('limits: ' + error.message, 'error'); }
    call('PATCH', '/settings', { limits: limits }).then(function (info) {
      showInfo(info);
      document.getElementById('limit-down').value = document.getElementById('limit-up').value = '';
      notice('limits set', 'ok');
    }, failed('limits'));
  };

  document.getElementById('first-run-save').onclick = function () {
    var port = Number(document.getElementById('first-run-port').value);
    call('PATCH', '/settings', { downloadDir: document.getElementById('first-run-dir').value.trim(), peerPort: port, firstRun: false }).then(showInfo, failed('settings'));
  };

  function start() {
    call('GET', '/info').then(showInfo, failed('the daemon'));
    if (events) events.close();
    events = new EventSource(API + '/events' + (token ? '?token=' + encodeURIComponent(token) : ''));
    events.onopen = function () { setConnection('open', 'live'); };
    events.onerror = function () { setConnection('closed', 'reconnecting\u2026'); };
    events.addEventListener('torrents', function (event) { showTorrents(JSON.parse(event.data).torrents); });
    events.addEventListener('removed', function (event) { removeRow(JSON.parse(event.data).id); });
  }
  start();
})();
`;
