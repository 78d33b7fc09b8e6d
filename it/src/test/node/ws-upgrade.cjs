// WebSocketIT's clients: Node's `ws`, which never reconnects or retries on its own. Usage:
//   node ws-upgrade.cjs <port> <sockets>
// Opens the sockets to ws://127.0.0.1:<port>/ws, prints "READY <pid>" once each has heard the pid it landed on, then
// sends a numbered message on each socket every 250 ms, and three more as soon as the server says it is draining.
// When a socket is closed, it reconnects once, by hand, and notes where it landed. Once every socket has done so
// (or after 120 s) it prints "RESULT <json>" and exits.
'use strict';
const WebSocket = require('ws');

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const url = `ws://127.0.0.1:${port}/ws`;
const started = Date.now();
const sockets = [];
let ready = 0;
let done = 0;
let finished = false;

function socket(i) {
  const s = {
    i, sent: 0, answered: 0, rejected: 0, pending: new Set(), oldPid: null, closeCode: null, closeReason: null,
    closedAt: null, reportedHandled: null, newPid: null, newGen: null, echoAfterReconnect: false, errors: [],
    answeredAfterClose: 0, timer: null,
  };
  const ws = new WebSocket(url);
  s.ws = ws;
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.pid !== undefined) {
      s.oldPid = message.pid;
      if (++ready === count) {
        console.log(`READY ${message.pid}`);
        sockets.forEach(start);
      }
    } else if (message.type === 'reconnect') {
      s.reportedHandled = message.handled;
      // Messages sent just before the close, on purpose: each must be answered or seen unanswered at the close.
      for (let k = 0; k < 3; k++) {
        send(s);
      }
    } else if (message.echo !== undefined) {
      if (s.closedAt !== null) {
        s.answeredAfterClose++;
      } else if (s.pending.delete(message.echo)) {
        s.answered++;
      }
    }
  });
  ws.on('close', (code, reason) => {
    clearInterval(s.timer);
    s.closeCode = code;
    s.closeReason = reason.toString();
    s.closedAt = Date.now() - started;
    // Sent, unanswered, and the close came first: the client knows these were not processed.
    s.rejected += s.pending.size;
    s.pending.clear();
    reconnect(s);
  });
  ws.on('error', (e) => s.errors.push(String(e)));
  return s;
}

function start(s) {
  // A random phase, so that the sockets do not all send in the same millisecond.
  setTimeout(() => {
    s.timer = setInterval(() => send(s), 250);
  }, Math.floor(Math.random() * 250));
}

function send(s) {
  if (s.ws.readyState !== WebSocket.OPEN) {
    return;
  }
  const text = `m${s.i}-${s.sent++}`;
  s.pending.add(text);
  s.ws.send(text, (error) => {
    if (error && s.pending.delete(text)) {
      s.rejected++; // the send itself failed, visibly
    }
  });
}

function reconnect(s) {
  const ws = new WebSocket(url);
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.pid !== undefined) {
      s.newPid = message.pid;
      s.reconnectMs = Date.now() - started - s.closedAt;
      s.newGen = message.gen;
      ws.send('after');
    } else if (message.echo === 'after') {
      s.echoAfterReconnect = true;
      ws.close(1000);
    }
  });
  ws.on('close', () => {
    if (++done === count) {
      finish();
    }
  });
  ws.on('error', (e) => s.errors.push('reconnect: ' + String(e)));
}

function finish() {
  if (finished) {
    return;
  }
  finished = true;
  const closes = sockets.map((s) => s.closedAt).filter((t) => t !== null);
  const codes = {};
  sockets.forEach((s) => { codes[s.closeCode] = (codes[s.closeCode] || 0) + 1; });
  const newPids = [...new Set(sockets.map((s) => s.newPid))];
  const result = {
    sockets: count,
    ready,
    codes,
    firstCloseMs: Math.min(...closes),
    lastCloseMs: Math.max(...closes),
    reconnected: sockets.filter((s) => s.newPid !== null && s.echoAfterReconnect).length,
    // From a socket's close to the first message on its new connection: reconnected and answered by the new pid.
    reconnectMedianMs: median(sockets.map((s) => s.reconnectMs).filter((t) => t !== undefined)),
    reconnectMaxMs: Math.max(...sockets.map((s) => s.reconnectMs).filter((t) => t !== undefined)),
    oldPids: [...new Set(sockets.map((s) => s.oldPid))],
    newPids,
    sent: sockets.reduce((n, s) => n + s.sent, 0),
    answered: sockets.reduce((n, s) => n + s.answered, 0),
    rejected: sockets.reduce((n, s) => n + s.rejected, 0),
    // Sent, but neither answered nor known to be rejected.
    silent: sockets.reduce((n, s) => n + s.sent - s.answered - s.rejected, 0),
    answeredAfterClose: sockets.reduce((n, s) => n + s.answeredAfterClose, 0),
    // The server's own count of handled messages (sent just before its 1012) against the answers that arrived.
    handledNotAnswered: sockets.filter((s) => s.reportedHandled !== null && s.reportedHandled !== s.answered).length,
    withoutHandledReport: sockets.filter((s) => s.reportedHandled === null).length,
    errors: sockets.flatMap((s) => s.errors).slice(0, 10),
  };
  console.log('RESULT ' + JSON.stringify(result));
  process.exit(0);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? null : sorted[Math.floor(sorted.length / 2)];
}

for (let i = 0; i < count; i++) {
  sockets.push(socket(i));
}
setTimeout(finish, 120000);
