import { PAGE_LIBRARY } from '../control/pageLibrary.js';

/**
 * The dashboard page's script, run by the browser: it opens the WebSocket,
 * draws what the server pushes, and sends the buttons' commands. Plain
 * browser JavaScript in a string (the project compiles for Node, without DOM
 * types); a unit test checks that it parses. Every text from the swarm goes in
 * through textContent, never as HTML. No template literals inside: this is one.
 * element(), formatRate() and drawPieces() come from the page library.
 */
export const PAGE_SCRIPT = String.raw`
'use strict';
(function () {
${PAGE_LIBRARY}
  var MAX_EVENTS = 300;
  var MAX_NOTICES = 5;
  /** The piece strip's pixel columns (its CSS width too). */
  var STRIP_WIDTH = 280;
  var RATE_HINT = 'e.g. 500KiB/s or 2MB/s, then Enter or Set; empty: unlimited';
  var peersBody = document.querySelector('#peers tbody');
  var matrix = document.getElementById('matrix');
  var events = document.getElementById('events');
  var notices = document.getElementById('notices');
  var facts = null;
  var rows = new Map();
  var pending = new Map();
  var nextId = 1;
  // How the run ended, once it has; until then and while connected, the controls work.
  var runEnd = null;
  var connected = false;
  var socket = new WebSocket('ws://' + location.host + '/ws');

  socket.onopen = function () {
    connected = true;
    setConnection('open', 'live');
  };
  socket.onclose = function () {
    connected = false;
    if (runEnd) setConnection('ended', 'ended: ' + runEnd.summary + ' (the dashboard has closed)');
    else setConnection('closed', 'disconnected: the swarm or the dashboard has ended (reload to reconnect)');
    rows.forEach(refreshState);
  };
  socket.onmessage = function (event) { handle(JSON.parse(event.data)); };

  function handle(message) {
    switch (message.type) {
      case 'snapshot': return showSnapshot(message);
      case 'status': return message.statuses.forEach(showStatus);
      case 'log':
        message.entries.forEach(function (entry) { addEvent(entry.peerId, entry.line, ''); });
        if (message.dropped > 0) addEvent(null, message.dropped + ' log lines not shown (too many at once)', 'dropped');
        return;
      case 'lifecycle':
        showLifecycle(message.peerId, message.state);
        return addEvent(message.peerId, 'peer ' + message.peerId + ' ' + message.state + (message.detail ? ': ' + message.detail : ''), 'lifecycle');
      case 'ended': return showEnd(message);
      case 'result': return notice(describe(message.id) + ': done', 'ok');
      case 'error': return notice((message.id !== undefined ? describe(message.id) + ': ' : '') + message.message, 'error');
    }
  }

  function showSnapshot(message) {
    facts = message.facts;
    document.title = facts.title;
    document.getElementById('title').textContent = facts.title;
    document.getElementById('facts').textContent = facts.fileName + ': ' + facts.fileSize + ' bytes in ' + facts.pieceCount + ' pieces; k = ' +
      facts.preferredNeighbours + ' preferred neighbours, chosen every p = ' + facts.unchokingIntervalSeconds + ' s; optimistic unchoke every m = ' +
      facts.optimisticIntervalSeconds + ' s';
    peersBody.replaceChildren();
    rows.clear();
    message.peers.forEach(function (peer) { addRow(peer); });
    buildMatrix(message.peers.map(function (peer) { return peer.peerId; }));
    message.peers.forEach(function (peer) {
      showLifecycle(peer.peerId, peer.lifecycle);
      if (peer.status) showStatus(peer.status);
    });
    events.replaceChildren();
    message.log.forEach(function (entry) { addEvent(entry.peerId, entry.line, ''); });
    if (message.ended) showEnd(message.ended);
  }

  // The run is over: say how, and no control can do anything any more.
  function showEnd(ended) {
    runEnd = ended;
    setConnection('ended', 'ended: ' + ended.summary);
    document.getElementById('connection').dataset.outcome = ended.allFinished ? 'finished' : 'failed';
    rows.forEach(refreshState);
    addEvent(null, 'the run has ended: ' + ended.summary, 'lifecycle');
  }

  // One table row per peer; its cells are kept in row.fields by name.
  function addRow(peer) {
    var tr = element('tr', { 'data-peer': peer.peerId, 'data-role': peer.hasFile ? 'seeder' : 'leecher', 'data-pieces-held': 0 });
    var fields = {};
    function cell(name, child) {
      var td = element('td', { 'data-field': name });
      if (child) td.append(child);
      tr.append(td);
      fields[name] = td;
      return td;
    }
    cell('id').textContent = String(peer.peerId);
    cell('role').textContent = peer.hasFile ? 'seeder' : 'leecher';
    cell('state');
    var canvas = element('canvas', { width: STRIP_WIDTH, height: 14, 'data-field': 'canvas' });
    cell('pieces', canvas);
    cell('held');
    cell('neighbours');
    cell('down');
    cell('up');
    var controls = cell('controls');
    ['pause', 'resume', 'kill', 'restart'].forEach(function (action) {
      var button = element('button', { type: 'button', 'data-action': action });
      button.textContent = action[0].toUpperCase() + action.slice(1);
      button.onclick = function () { sendCommand(peer.peerId, action, {}); };
      controls.append(button);
    });
    var limits = cell('limits');
    var up = element('input', { 'data-field': 'limit-up', size: 9, 'aria-label': 'upload limit of peer ' + peer.peerId, title: RATE_HINT });
    var down = element('input', { 'data-field': 'limit-down', size: 9, 'aria-label': 'download limit of peer ' + peer.peerId, title: RATE_HINT });
    var set = element('button', { type: 'button', 'data-action': 'set-limits' });
    set.textContent = 'Set';
    set.onclick = function () { sendCommand(peer.peerId, 'set-limits', { upload: up.value, download: down.value }); };
    [up, down].forEach(function (input) {
      input.onkeydown = function (event) { if (event.key === 'Enter') set.click(); };
    });
    limits.append(up, ' / ', down, set);
    peersBody.append(tr);
    rows.set(peer.peerId, { tr: tr, fields: fields, canvas: canvas, up: up, down: down, hasFile: peer.hasFile, lifecycle: 'waiting', status: null, drawn: null });
  }

  function showLifecycle(peerId, state) {
    var row = rows.get(peerId);
    if (!row) return;
    row.lifecycle = state;
    row.tr.dataset.lifecycle = state;
    // A peer that is not running has no neighbours, whatever its last status said.
    if (state !== 'running') clearMatrixRow(peerId);
    refreshState(row);
  }

  function showStatus(status) {
    var row = rows.get(status.peerId);
    if (!row) return;
    row.status = status;
    row.tr.dataset.state = status.state;
    row.tr.dataset.piecesHeld = status.piecesHeld;
    row.fields.held.textContent = status.piecesHeld + ' / ' + status.pieceCount;
    row.tr.dataset.neighbours = status.neighbours.length;
    row.up.placeholder = formatLimit(status.limits.uploadBytesPerSecond);
    row.down.placeholder = formatLimit(status.limits.downloadBytesPerSecond);
    if (row.drawn !== status.bitfieldHex) {
      drawPieces(row.canvas, status.bitfieldHex, status.pieceCount);
      row.drawn = status.bitfieldHex;
    }
    refreshState(row);
    showUnchokes(status);
  }

  // The State column: the process's life first; while it runs, what the peer says of itself.
  function refreshState(row) {
    var running = row.lifecycle === 'running';
    var state = running && row.status ? row.status.state : row.lifecycle;
    var done = !row.hasFile && row.status && row.status.piecesHeld === row.status.pieceCount && row.status.pieceCount > 0;
    // A leecher with every piece stays to serve the others; the Held column already says it is complete once it has gone.
    var complete = done && state === 'running';
    row.fields.state.textContent = complete ? 'complete' : state;
    row.fields.state.title = complete ? 'has every piece; still serving the others' : '';
    // A peer pushes its status while something changes: paused or gone, its last rates would be stale, and it has no connection to move bytes over.
    var moving = running && state !== 'paused' && row.status;
    row.fields.neighbours.textContent = running && row.status ? String(row.status.neighbours.length) : '\u2014';
    row.fields.down.textContent = moving ? formatRate(row.status.downloadRate) : '\u2014';
    row.fields.up.textContent = moving ? formatRate(row.status.uploadRate) : '\u2014';
    row.tr.classList.toggle('paused', running && state === 'paused');
    row.tr.classList.toggle('gone', row.lifecycle === 'exited' || row.lifecycle === 'killed');
    // Once the run has ended or the page lost its connection, nothing would carry a command out.
    var live = connected && !runEnd;
    var enabled = {
      pause: live && running && state === 'running',
      resume: live && running && state === 'paused',
      kill: live && (running || row.lifecycle === 'starting'),
      restart: live && (row.lifecycle === 'exited' || row.lifecycle === 'killed'),
      'set-limits': live && running,
    };
    row.tr.querySelectorAll('button[data-action]').forEach(function (button) { button.disabled = !enabled[button.dataset.action]; });
    row.up.disabled = row.down.disabled = !enabled['set-limits'];
  }

  // Row: who unchokes; column: whom. From each peer's own preferred and optimistic sets.
  function buildMatrix(peerIds) {
    matrix.replaceChildren();
    var head = element('tr', {});
    head.append(element('th', {}, 'unchokes \u2193 / \u2192'));
    peerIds.forEach(function (id) { head.append(element('th', { scope: 'col' }, String(id))); });
    matrix.append(head);
    peerIds.forEach(function (from) {
      var tr = element('tr', { 'data-from': from });
      tr.append(element('th', { scope: 'row' }, String(from)));
      peerIds.forEach(function (to) {
        tr.append(element('td', { 'data-from': from, 'data-to': to, 'data-kind': from === to ? 'self' : 'none' }, from === to ? '\u2014' : ''));
      });
      matrix.append(tr);
    });
  }

  function showUnchokes(status) {
    var connected = new Set(status.neighbours.map(function (n) { return n.peerId; }));
    matrix.querySelectorAll('td[data-from="' + status.peerId + '"]').forEach(function (td) {
      var to = Number(td.dataset.to);
      if (to === status.peerId) return;
      var kind = status.preferred.indexOf(to) >= 0 ? 'preferred' : status.optimistic === to ? 'optimistic' : connected.has(to) ? 'choked' : 'none';
      setMatrixCell(td, kind);
    });
  }

  function clearMatrixRow(peerId) {
    matrix.querySelectorAll('td[data-from="' + peerId + '"]').forEach(function (td) {
      if (td.dataset.kind !== 'self') setMatrixCell(td, 'none');
    });
  }

  var MARKS = { preferred: 'P', optimistic: 'O', choked: '\u00b7', none: '' };
  function setMatrixCell(td, kind) {
    if (td.dataset.kind === kind) return;
    td.dataset.kind = kind;
    td.textContent = MARKS[kind];
    // Flash the change, so each p and m interval's new choice is visible.
    td.classList.remove('changed');
    void td.offsetWidth;
    td.classList.add('changed');
  }

  function addEvent(peerId, text, kind) {
    var atBottom = events.scrollTop + events.clientHeight >= events.scrollHeight - 4;
    var li = element('li', { 'data-peer': peerId === null ? '' : peerId, 'data-kind': kind });
    if (peerId !== null) li.append(element('span', { class: 'tag' }, String(peerId)));
    li.append(document.createTextNode(text));
    events.append(li);
    while (events.childElementCount > MAX_EVENTS) events.firstElementChild.remove();
    if (atBottom) events.scrollTop = events.scrollHeight;
  }

  function sendCommand(peerId, action, extra) {
    if (socket.readyState !== WebSocket.OPEN) return notice('not connected', 'error');
    var id = nextId++;
    pending.set(id, 'peer ' + peerId + ' ' + action);
    socket.send(JSON.stringify(Object.assign({ type: 'command', id: id, peerId: peerId, action: action }, extra)));
  }

  function describe(id) {
    var text = pending.get(id) || 'request ' + id;
    pending.delete(id);
    return text;
  }

  function notice(text, kind) {
    var li = element('li', { 'data-kind': kind }, text);
    notices.prepend(li);
    while (notices.childElementCount > MAX_NOTICES) notices.lastElementChild.remove();
  }

  function setConnection(state, text) {
    var badge = document.getElementById('connection');
    badge.dataset.state = state;
    badge.textContent = text;
  }

  function formatLimit(bytesPerSecond) {
    return bytesPerSecond === undefined ? 'unlimited' : formatRate(bytesPerSecond).replace(' ', '');
  }

})();
`;
