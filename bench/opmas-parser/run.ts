/**
 * `npm run bench -- opmas-parser [--lines 200000]` (spec 02-opmas "Performance targets"): our syslog parser against
 * `nsyslog-parser` on the same wire lines (real OpenWrt corpus + synthetic firewall lines), one thread. Prints lines/s
 * for both, the ratio (target ≥ 2×), and the lines where the two disagree on pri/host/app/pid/msg.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import parseNsyslog from 'nsyslog-parser';
import { parseSyslog } from '../../apps/opmas/server/ingest/syslog-parser.ts';
import { logreadToWire } from '../../apps/opmas/server/ingest/wire-format.ts';
import { readCorpus } from '../../apps/opmas/server/tools/replay-source.ts';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '200000' },
    shared: { type: 'string', default: join(import.meta.dirname, '../../../shared/data/opmas') },
  },
});
const corpus = [
  ...readCorpus(join(values.shared, 'openwrt-logread.txt')),
  ...readCorpus(join(values.shared, 'synthetic-firewall.txt')),
].map((line) => logreadToWire(line, 'OpenWrt'));
const total = Number(values.lines);
const lines = Array.from({ length: total }, (_, i) => corpus[i % corpus.length]);
const receivedAt = Date.parse('2025-06-01T00:00:00Z');

function time(label: string, parse: (line: string) => unknown): number {
  for (let i = 0; i < 5000; i++) parse(lines[i % lines.length]); // warm-up
  const started = performance.now();
  let sink = 0;
  for (const line of lines) sink += parse(line) ? 1 : 0;
  const seconds = (performance.now() - started) / 1000;
  const rate = lines.length / seconds;
  console.log(`${label.padEnd(15)} ${Math.round(rate).toLocaleString('en')} lines/s (${sink} parsed)`);
  return rate;
}

const ours = time('opmas parser', (line) => parseSyslog(line, { receivedAt }));
const peer = time('nsyslog-parser', (line) => parseNsyslog(line));
const ratio = ours / peer;
console.log(`ratio ×${ratio.toFixed(2)} (target ≥ ×2): ${ratio >= 2 ? 'PASS' : 'FAIL'}`);

// Field agreement on the distinct lines (not timed).
const disagreements: string[] = [];
for (const line of corpus) {
  const a = parseSyslog(line, { receivedAt });
  const b = parseNsyslog(line);
  const differs = [
    a.pri !== b.prival && `pri ${a.pri}≠${b.prival}`,
    (a.host ?? '') !== (b.host ?? '') && `host ${a.host}≠${b.host}`,
    a.app !== (b.appName ?? '') && `app ${a.app}≠${b.appName}`,
    String(a.pid ?? '') !== String(b.pid ?? '') && `pid ${a.pid}≠${b.pid}`,
    a.msg !== (b.message ?? '') && 'msg',
  ].filter(Boolean);
  if (differs.length) disagreements.push(`${differs.join(', ')}: ${line.slice(0, 100)}`);
}
console.log(`disagreements on pri/host/app/pid/msg: ${disagreements.length} of ${corpus.length} distinct lines`);
for (const row of disagreements) console.log(`  ${row}`);
if (ratio < 2 && process.env.BENCH_STRICT === '1') process.exit(1);
