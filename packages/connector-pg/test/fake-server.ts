import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * A minimal PostgreSQL wire-protocol server that claims to be `version`: it accepts any startup
 * (refusing SSL/GSS), reports `server_version`, and answers every simple query with one row of
 * two text columns (`version`, `database`). Enough for real pg_dump and psql to connect to it.
 */
export async function startFakePostgres(version: string): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code === 80877103 || code === 80877104) {
            socket.write('N');
            continue;
          }
          started = true;
          socket.write(
            Buffer.concat([
              message('R', int32(0)),
              parameter('server_version', version),
              parameter('server_encoding', 'UTF8'),
              parameter('client_encoding', 'UTF8'),
              parameter('standard_conforming_strings', 'on'),
              parameter('integer_datetimes', 'on'),
              parameter('DateStyle', 'ISO, MDY'),
              message('K', Buffer.concat([int32(4242), int32(1)])),
              message('Z', Buffer.from('I')),
            ]),
          );
          continue;
        }
        if (buffer.length < 5) return;
        const type = String.fromCharCode(buffer[0] as number);
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) return;
        buffer = buffer.subarray(length + 1);
        if (type === 'X') {
          socket.end();
          return;
        }
        if (type === 'Q') socket.write(answer(version));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function int16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeInt16BE(value);
  return buffer;
}

function cstring(text: string): Buffer {
  return Buffer.from(`${text}\0`);
}

function message(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

function parameter(name: string, value: string): Buffer {
  return message('S', Buffer.concat([cstring(name), cstring(value)]));
}

function answer(version: string): Buffer {
  const column = (name: string) =>
    Buffer.concat([cstring(name), int32(0), int16(0), int32(25), int16(-1), int32(-1), int16(0)]);
  const value = (text: string) => Buffer.concat([int32(Buffer.byteLength(text)), Buffer.from(text)]);
  return Buffer.concat([
    message('T', Buffer.concat([int16(2), column('version'), column('database')])),
    message('D', Buffer.concat([int16(2), value(version), value('fake')])),
    message('C', cstring('SELECT 1')),
    message('Z', Buffer.from('I')),
  ]);
}
