/**
 * Browser JavaScript shared by the pages our servers serve (the course
 * swarm's dashboard, the daemon's web UI): functions pasted at the top of each
 * page script's own scope, so each page stays one inline script its CSP can
 * hash. Plain ES5 in a string, like the scripts; every text goes in through
 * textContent.
 * - element(tag, attributes, text): a new element;
 * - formatRate(bytesPerSecond) '1.5 MiB/s', formatBytes(bytes) '1.5 MiB';
 * - drawPieces(canvas, hex, count): a piece map from the wire's bitfield in hex.
 */
export const PAGE_LIBRARY = String.raw`
  // One cell per piece when they fit; else each pixel column shaded by the share of its pieces held.
  function drawPieces(canvas, hex, count) {
    var context = canvas.getContext('2d');
    var width = canvas.width;
    var height = canvas.height;
    context.fillStyle = '#e4e7ec';
    context.fillRect(0, 0, width, height);
    if (!count) return;
    var bytes = new Uint8Array(hex.length / 2);
    for (var j = 0; j < bytes.length; j++) bytes[j] = parseInt(hex.substr(2 * j, 2), 16);
    function has(i) { return (bytes[i >> 3] >> (7 - (i & 7))) & 1; }
    context.fillStyle = '#2f7d4a';
    if (count <= width) {
      var cellWidth = width / count;
      var gap = cellWidth >= 4 ? 1 : 0;
      for (var i = 0; i < count; i++) {
        if (!has(i)) continue;
        var x = Math.floor(i * cellWidth);
        context.fillRect(x, 0, Math.max(1, Math.floor((i + 1) * cellWidth) - x - gap), height);
      }
      return;
    }
    for (var column = 0; column < width; column++) {
      var from = Math.floor(column * count / width);
      var to = Math.floor((column + 1) * count / width);
      var held = 0;
      for (var piece = from; piece < to; piece++) held += has(piece);
      if (held === 0) continue;
      context.globalAlpha = 0.25 + 0.75 * held / (to - from);
      context.fillRect(column, 0, 1, height);
    }
    context.globalAlpha = 1;
  }

  function formatRate(bytesPerSecond) {
    var units = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s'];
    var value = bytesPerSecond;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return (unit === 0 ? String(Math.round(value)) : value.toFixed(value < 10 ? 1 : 0)) + ' ' + units[unit];
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function formatBytes(bytes) {
    return formatRate(bytes).replace('/s', '');
  }
`;
