/**
 * An AOF base in command form (aof-use-rdb-preamble no): per non-empty
 * database a SELECT, then each key as commands that rebuild it. Strings are
 * SET (plus PEXPIREAT), as Redis writes them; every other type is one
 * RESTORE ... ABSTTL of its DUMP payload, which Redis 7 loads as well and
 * which rebuilds the value exactly (encodings, stream groups and PEL
 * included) without a per-type command generator. `#TS:` first when
 * aof-timestamp-enabled, as rewriteAppendOnlyFileRio.
 */
import type { Server } from '../../core/server.js';
import { writeCommand } from '../../protocol/encoder.js';
import { OutputBuffer } from '../../protocol/output.js';
import { isString } from '../../store/value.js';
import { createDumpPayload } from '../rdb/payload.js';
import type { RdbSink } from '../rdb/writer.js';
import { encodeOptions } from '../snapshot.js';

/** Flush to the sink about every this many bytes. */
const CHUNK = 1 << 20;

export function writeCommandsBase(server: Server, sink: RdbSink): void {
  const out = new OutputBuffer(CHUNK + 64 * 1024);
  const emit = (argv: readonly string[]): void => {
    writeCommand(out, argv);
    if (out.length >= CHUNK) {
      // The sink copies or writes what it is given before returning.
      sink.write(out.view());
      out.reset(true);
    }
  };
  if (server.config.get<boolean>('aof-timestamp-enabled'))
    out.latin1(`#TS:${Math.floor(Date.now() / 1000)}\r\n`);
  const compression = server.config.get<boolean>('rdbcompression');
  const opts = encodeOptions(server);
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    emit(['SELECT', String(db.id)]);
    const limit = db.slotLimit;
    for (let slot = 0; slot < limit; slot++) {
      const key = db.keyOf(slot);
      if (key === undefined) continue;
      const value = db.value(slot);
      const expire = db.getExpireExact(key);
      if (isString(value)) {
        emit(['SET', key, typeof value === 'string' ? value : value.latin1Slice(0, value.length)]);
        if (expire !== -1) emit(['PEXPIREAT', key, String(expire)]);
      } else {
        const payload = createDumpPayload(value, compression, opts).toString('latin1');
        emit(['RESTORE', key, expire === -1 ? '0' : String(expire), payload, 'ABSTTL']);
      }
    }
  }
  if (out.length !== 0) sink.write(out.view());
}
