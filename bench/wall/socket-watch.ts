import type { CDPSession } from 'playwright-core';

/**
 * What the wall's socket received, read from Chromium's own record of the WebSocket frames (CDP
 * Network domain), so the board under test is not changed to be watched. Socket.IO frames are
 * `42[event, payload]` (an event) or `43<id>[payload]` (an ack: the answer to `live:resync`); every live
 * payload ends with its `seq` (contracts/api.ts Sequenced).
 */
export interface FrameNote { at: number; kind: 'snapshot' | 'batch' | 'resync'; seq: number | null }
export interface Mention extends FrameNote { state: string | null }
export interface SocketWatch {
  /** the last seq seen, and counts since the start */
  readonly stats: { lastSeq: number | null; batches: number; snapshots: number; resyncs: number; restarts: number; gaps: { at: number; expected: number; got: number }[] };
  /** the last frames, newest last */
  recent(): FrameNote[];
  /** from now on, note every frame that carries this alarm (and its state in it) */
  watch(alarmId: string): void;
  mentions(): Mention[];
}

const RECENT = 40;
const SEQ_AT_END = /"seq":(\d+)\}\]$/;

export async function watchSocket(cdp: CDPSession): Promise<SocketWatch> {
  await cdp.send('Network.enable');
  const stats: SocketWatch['stats'] = { lastSeq: null, batches: 0, snapshots: 0, resyncs: 0, restarts: 0, gaps: [] };
  const recent: FrameNote[] = [];
  let watching: string | null = null;
  let mentions: Mention[] = [];
  cdp.on('Network.webSocketFrameReceived', ({ response }) => {
    const data = response.payloadData;
    const m = /^4([23])\d*(\[[\s\S]*)$/.exec(data);
    if (!m) return; // engine.io pings and the handshake
    const json = m[2]!;
    let kind: FrameNote['kind'];
    if (m[1] === '3') kind = 'resync';
    else if (json.startsWith('["live:batch"')) kind = 'batch';
    else if (json.startsWith('["live:snapshot"')) kind = 'snapshot';
    else return;
    const seqMatch = SEQ_AT_END.exec(json);
    const seq = seqMatch ? Number(seqMatch[1]) : null;
    const at = Date.now();
    if (kind === 'batch') {
      stats.batches++;
      // a lower seq is a new connection (its numbering starts again), not a gap
      if (seq !== null && stats.lastSeq !== null && seq < stats.lastSeq) stats.restarts++;
      else if (seq !== null && stats.lastSeq !== null && seq !== stats.lastSeq + 1) stats.gaps.push({ at, expected: stats.lastSeq + 1, got: seq });
    } else if (kind === 'snapshot') stats.snapshots++;
    else stats.resyncs++;
    if (seq !== null) stats.lastSeq = seq;
    recent.push({ at, kind, seq });
    if (recent.length > RECENT) recent.shift();
    if (watching && json.includes(`"id":"${watching}"`)) mentions.push({ at, kind, seq, state: stateIn(json, watching) });
  });
  return {
    stats,
    recent: () => [...recent],
    watch(alarmId) { watching = alarmId; mentions = []; },
    mentions: () => [...mentions],
  };
}

/** the alarm's state in a frame: in the batch's or snapshot's alarm list, else in an incident's */
function stateIn(json: string, id: string): string | null {
  try {
    const arr = JSON.parse(json) as unknown[];
    const body = arr[arr.length - 1] as { alarms?: { id: string; state: string }[]; incidents?: { alarms: { id: string; state: string }[] }[] };
    const own = body.alarms?.find((a) => a.id === id);
    if (own) return own.state;
    for (const i of body.incidents ?? []) {
      const a = i.alarms.find((x) => x.id === id);
      if (a) return `${a.state} (in incident)`;
    }
  } catch {
    return null;
  }
  return null;
}
