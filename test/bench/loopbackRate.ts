import * as net from 'net';

/**
 * MB/s of a plain Node socket pair on 127.0.0.1 moving `totalBytes` in
 * `chunkBytes` writes with back-pressure: the physical limit for a swarm here.
 */
export async function loopbackRate(totalBytes: number, chunkBytes: number): Promise<number> {
  const chunk = Buffer.alloc(chunkBytes, 7);
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const server = net.createServer((socket) => {
    socket.on('data', (data: Buffer) => {
      received += data.length;
      if (received >= totalBytes) done();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const client = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => client.once('connect', resolve));
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < totalBytes; sent += chunkBytes) {
    if (!client.write(chunk)) await new Promise((resolve) => client.once('drain', resolve));
  }
  await finished;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  return totalBytes / 1e6 / seconds;
}
